import type { Color, RiskPointStatus } from '../api/types.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';

/**
 * A risk colour as a chip people can read without the colour (the word is always there). Its colours are in
 * styles/risk-points.css, chosen for WCAG AA contrast (4.5:1) between the word and the chip.
 */
export function ColourBadge({ colour }: { colour: Color }) {
  return html`<span class="badge colour-badge" data-colour=${colour}>${t(`colour.${colour}`)}</span>`;
}

export function StatusBadge({ status }: { status: RiskPointStatus }) {
  return html`<span class=${`badge status-${status}`} data-status=${status}>${t(`rpStatus.${status}`)}</span>`;
}
