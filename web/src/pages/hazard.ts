import { api } from '../api/client.ts';
import type { AuditTrail, Hazard } from '../api/types.ts';
import { AuditHistory } from '../components/audit-history.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { HazardActions } from '../components/hazard-actions.ts';
import { HazardBadges } from '../components/hazard-badges.ts';
import { PhotoPanel } from '../components/photo-tile.ts';
import { refusedListing, SupervisionPanel } from '../components/supervision-panel.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, label, type MessageKey, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { industryName, loadGrid, loadIndustries } from '../ref-data.ts';
import { session } from '../session.ts';

/** Who moved the hazard up the territorial chain, when, and why (severity, deadline, by hand, supervision). */
function EscalationHistory({ hazard }: { hazard: Hazard }) {
  return html`<div class="panel" data-testid="escalations">
    <h2>${t('hazard.escalations')}</h2>
    ${hazard.escalations.length === 0 ? html`<p class="muted">${t('hazard.noEscalations')}</p>` : null}
    ${
      hazard.escalations.length > 0
        ? html`<table class="table responsive">
            <thead><tr>
              <th>${t('hazard.escalatedAt')}</th><th>${t('hazard.levelChange')}</th><th>${t('hazard.cause')}</th><th>${t('hazard.by')}</th>
            </tr></thead>
            <tbody>
              ${hazard.escalations.map(
                (step) => html`<tr data-cause=${step.cause} data-to=${step.to}>
                  <td data-label=${t('hazard.escalatedAt')}>${formatDateTime(step.at)}</td>
                  <td data-label=${t('hazard.levelChange')}>${label('level', step.from)} → ${label('level', step.to)}</td>
                  <td data-label=${t('hazard.cause')}>${label('escalationCause', step.cause)}</td>
                  <td data-label=${t('hazard.by')}>${step.by}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : null
    }
  </div>`;
}

/**
 * A hazard work order: what and where, the deadline and whether it passed, who it has gone up to, the photos, the
 * steps open to the viewer, and every event on its audit chain.
 */
export function HazardPage({ id }: { id: string }) {
  const current = session.value!;
  const tenant = current.tenant;
  const hazard = useAsync(() => api<Hazard>(`/hazards/${encodeURIComponent(id)}`), [id]);
  const audit = useAsync(() => api<AuditTrail>(`/hazards/${encodeURIComponent(id)}/audit`), [id]);
  const industries = useAsync(loadIndustries, []);
  const grid = useAsync(
    () => (hazard.data ? loadGrid(hazard.data.gridId).catch(() => undefined) : Promise.resolve(undefined)),
    [hazard.data?.gridId],
  );
  if (hazard.error) return html`<${ErrorNotice} error=${hazard.error} onRetry=${hazard.reload} />`;
  if (!hazard.data) return html`<${Loading} />`;
  const h: Hazard = hazard.data;
  const left = h.status === 'closed' ? undefined : h.workingDaysLeft;
  const rows: [string, string][] = [
    [
      t('hazard.deadline'),
      `${formatDateTime(h.deadline)}${left === undefined ? '' : ` · ${left >= 0 ? t('hazard.workingDaysLeft', { n: left }) : t('hazard.workingDaysOver', { n: -left })}`}`,
    ],
    [t('hazard.overdueSince'), h.overdue ? formatDateTime(h.overdueAt) : ''],
    [t('hazard.nextEscalation'), formatDateTime(h.escalateAt)],
    [t('unit.industry'), industryName(industries.data, h.industry)],
    [t('unit.grid'), grid.data?.name ?? ''],
    [t('unit.location'), h.location ? `${h.location.lat}, ${h.location.lng}` : ''],
    [t('hazard.source'), label('hazardSource', h.source)],
    [t('hazard.reportedBy'), `${h.reportedBy} · ${formatDateTime(h.createdAt)}`],
    [
      t('hazard.rectification'),
      h.rectification
        ? `${h.rectification.note} (${h.rectification.by} · ${formatDateTime(h.rectification.at)})`
        : '',
    ],
    [
      t('hazard.resolution'),
      h.resolution
        ? `${label('resolution', h.resolution.how)}${h.resolution.note ? `: ${h.resolution.note}` : ''} (${h.resolution.by} · ${formatDateTime(h.resolution.at)})`
        : '',
    ],
    [t('unit.updatedAt'), formatDateTime(h.updatedAt)],
    [t('unit.version'), String(h.version)],
  ];
  const incomplete = refusedListing(h.id);
  const changed = () => {
    hazard.reload();
    audit.reload();
  };
  return html`<section data-testid="hazard-record" data-level=${h.level} data-status=${h.status}>
    <${PageTitle} title=${h.title}>
      <${HazardBadges} hazard=${h} />
      ${
        h.level !== 'village' && can('inspection.record')
          ? html`<a class="button button-primary" data-testid="inspect" href=${`/${tenant}/inspections/new?hazard=${h.id}`}>${t('inspections.new')}</a>`
          : null
      }
    </${PageTitle}>
    <p>
      ${t('riskPoint.unit')}: <a href=${`/${tenant}/units/${h.unitId}`}>${h.unitName}</a>
      ${h.riskPointId ? html` · <a href=${`/${tenant}/risk-points/${h.riskPointId}`}>${t('hazard.riskPoint')}</a>` : null}
    </p>
    ${h.rejectReason ? html`<div class="notice notice-warn" data-testid="reject-reason">${t('hazard.rejected', { reason: h.rejectReason })}</div>` : null}
    ${incomplete ? html`<div class="notice notice-warn" role="status" data-testid="listing-incomplete">${t('supervision.queuedIncomplete', { fields: incomplete.fields.map((f) => t(`supervision.${f}` as MessageKey)).join('、') })}</div>` : null}
    <${HazardActions} key=${h.version} hazard=${h} onChanged=${changed} incomplete=${incomplete} />
    <${SupervisionPanel} hazard=${h} />
    <div class="panel">
      <dl class="details">${rows.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value || '—'}</dd></div>`)}</dl>
      ${h.description ? html`<p>${h.description}</p>` : null}
      <p class="muted small">${t('hazard.deadlineWorking')}</p>
    </div>
    <${EscalationHistory} hazard=${h} />
    <${PhotoPanel} base=${`/hazards/${h.id}`} photos=${h.photos} alt=${h.title} />
    ${audit.error ? html`<${ErrorNotice} error=${audit.error} />` : null}
    ${audit.data ? html`<div class="panel"><${AuditHistory} trail=${audit.data} statusPrefix="hazardStatus" /></div>` : null}
  </section>`;
}
