import type { Color, RiskPointStatus } from '../api/types.ts';
import { COLOUR_HEX } from '../colours.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';

/** A risk colour as a chip people can read without the colour (the word is always there). */
export function ColourBadge({ colour }: { colour: Color }) {
  const dark = colour === 'yellow' || colour === 'ungraded';
  return html`<span class="badge colour-badge" data-colour=${colour}
    style=${{ background: COLOUR_HEX[colour], color: dark ? '#1d2733' : '#ffffff' }}>${t(`colour.${colour}`)}</span>`;
}

export function StatusBadge({ status }: { status: RiskPointStatus }) {
  return html`<span class=${`badge status-${status}`} data-status=${status}>${t(`rpStatus.${status}`)}</span>`;
}
