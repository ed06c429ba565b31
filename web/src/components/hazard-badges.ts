import type { Hazard } from '../api/types.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';

/** A hazard's status, severity, escalation level and overdue mark, as words (never colour alone). */
export function HazardBadges({ hazard }: { hazard: Hazard }) {
  const overdue = hazard.overdue && hazard.status !== 'closed';
  return html`<span class="badges">
    <span class=${`badge hazard-status-${hazard.status}`} data-status=${hazard.status}>${t(`hazardStatus.${hazard.status}`)}</span>
    <span class=${`badge ${hazard.severity === 'major' ? 'badge-bad' : ''}`} data-severity=${hazard.severity}>${t(`severity.${hazard.severity}`)}</span>
    <span class="badge" data-level=${hazard.level}>${t(`escalation.${hazard.level}`)}</span>
    ${overdue ? html`<span class="badge badge-bad" data-testid="overdue">${t('hazard.overdue')}</span>` : null}
    ${hazard.supervised ? html`<span class="badge badge-warn">${t('hazard.supervised')}</span>` : null}
  </span>`;
}
