import type { AuditTrail } from '../api/types.ts';
import { html } from '../html.ts';
import { formatDateTime, label, t } from '../i18n/index.ts';
import { ChainBadge } from './common.ts';

/** Fields whose values are codes with a catalogue label. */
const CODED_FIELDS: Record<string, string> = {
  status: 'rpStatus',
  color: 'colour',
  supervisionLevel: 'level',
  level: 'level',
  role: 'role',
};

/** A value from an audit event, as text (codes as their label, objects as compact JSON; never as markup). */
function show(field: string, value: unknown, statusPrefix: string): string {
  if (value === undefined || value === null || value === '') return '—';
  const prefix = field === 'status' ? statusPrefix : CODED_FIELDS[field];
  if (prefix && typeof value === 'string') return label(prefix, value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Every event of a record, oldest first: who, when, what changed (before → after), and whether the hash chain holds. */
export function AuditHistory({
  trail,
  statusPrefix = 'rpStatus',
}: {
  trail: AuditTrail;
  /** Whose statuses the `status` field holds (risk points' by default, hazards' on a hazard). */
  statusPrefix?: string;
}) {
  return html`<section class="audit" data-testid="audit">
    <header class="section-head">
      <h2>${t('audit.title')}</h2>
      <${ChainBadge} chain=${trail.chain} />
    </header>
    ${trail.items.length === 0 ? html`<p class="muted">${t('audit.empty')}</p>` : null}
    <ol class="timeline">
      ${trail.items.map(
        (event) => html`<li data-seq=${event.seq}>
          <div class="timeline-head">
            <strong>${label('action', event.action)}</strong>
            <span>${event.actor.username} · ${label('role', event.actor.role)}</span>
            <time datetime=${event.at} class="muted">${formatDateTime(event.at)}</time>
          </div>
          ${event.reason ? html`<div>${t('audit.reason')}: ${event.reason}</div>` : null}
          ${
            event.changes && Object.keys(event.changes).length > 0 && event.action !== 'created'
              ? html`<table class="changes">
                  <thead><tr><th>${t('audit.field')}</th><th>${t('audit.before')}</th><th>${t('audit.after')}</th></tr></thead>
                  <tbody>
                    ${Object.entries(event.changes).map(
                      ([field, change]) => html`<tr>
                        <td>${label('field', field)}</td>
                        <td class="before">${show(field, change.before, statusPrefix)}</td>
                        <td class="after">${show(field, change.after, statusPrefix)}</td>
                      </tr>`,
                    )}
                  </tbody>
                </table>`
              : null
          }
          ${
            event.location
              ? html`<div class="muted small">${t('audit.location', { lat: event.location.lat, lng: event.location.lng })}</div>`
              : null
          }
        </li>`,
      )}
    </ol>
  </section>`;
}
