import type { Hazard } from '../api/types.ts';
import { html } from '../html.ts';
import { formatDate, formatDateTime, type MessageKey, t } from '../i18n/index.ts';
import type { QueuedHazardAction } from '../offline/outbox.ts';
import { syncState } from '../offline/sync.ts';
import { session } from '../session.ts';
import { FIVE_FIELDS } from './supervise-fields.ts';

/** Whole days from one instant to another by the calendar in Beijing (a listing's age). */
export function daysSince(iso: string | undefined, until: Date = new Date()): number {
  if (!iso) return 0;
  const day = (at: Date) => Date.parse(new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10));
  return Math.round((day(until) - day(new Date(iso))) / 86_400_000);
}

/** How long a listing has stood: until its 销号, or until today. */
export function supervisionAge(hazard: Hazard): number {
  const s = hazard.supervision;
  return daysSince(s?.listedAt ?? hazard.supervisedAt, s?.delistedAt ? new Date(s.delistedAt) : new Date());
}

/**
 * A listing this phone queued and the server refused for missing 五落实 (a write from before the fields existed):
 * the outbox keeps it, and the hazard page offers to complete it (docs/decisions.md).
 */
export function refusedListing(
  hazardId: string,
): { key: string; reason?: string; fields: string[] } | undefined {
  for (const item of syncState.value.items) {
    if (item.kind !== 'hazard.action' || item.status !== 'failed') continue;
    const write = item.body as QueuedHazardAction;
    if (write.hazardId !== hazardId || write.action !== 'supervise') continue;
    const fields = (item.problem?.errors ?? [])
      .map((problem) => problem.path)
      .filter((path) => (FIVE_FIELDS as readonly string[]).includes(path));
    if (fields.length === 0) continue;
    const reason = typeof write.input.reason === 'string' ? write.input.reason : undefined;
    return { key: item.key, ...(reason ? { reason } : {}), fields };
  }
  return undefined;
}

/** The listing on the hazard page: its 督办单 number, 五落实 (待补充 where missing), stage and the print link. */
export function SupervisionPanel({ hazard }: { hazard: Hazard }) {
  const s = hazard.supervision;
  if (!hazard.supervised) return null;
  const tenant = session.value?.tenant ?? '';
  const value = (field: (typeof FIVE_FIELDS)[number]) => {
    const v = s?.[field];
    if (v === undefined || v === '')
      return html`<span class="badge badge-warn">${t('supervision.missing')}</span>`;
    return field === 'deadline' ? String(v) : String(v);
  };
  return html`<div class="panel" data-testid="supervision" data-stage=${s?.stage ?? 'listed'}>
    <h2>${t('supervision.panel')}</h2>
    <dl class="details">
      <div><dt>${t('supervision.number')}</dt><dd data-testid="supervision-number">${s?.number ?? t('supervision.unnumbered')}</dd></div>
      <div><dt>${t('supervision.listedAt')}</dt><dd>${formatDate(s?.listedAt ?? hazard.supervisedAt)} · ${t('supervision.ageDays', { n: supervisionAge(hazard) })}</dd></div>
      <div><dt>${t('supervision.stage')}</dt><dd>${t(`supervision.stage.${s?.stage ?? 'listed'}` as MessageKey)}</dd></div>
      ${FIVE_FIELDS.map(
        (field) =>
          html`<div data-field=${field}><dt>${t(`supervision.${field}` as MessageKey)}</dt><dd>${value(field)}</dd></div>`,
      )}
      ${s?.acceptedAt ? html`<div><dt>${t('hazardAction.accept')}</dt><dd>${s.acceptedBy} · ${formatDateTime(s.acceptedAt)}</dd></div>` : null}
      ${s?.delistedAt ? html`<div><dt>${t('hazardAction.delist')}</dt><dd>${s.delistedBy} · ${formatDateTime(s.delistedAt)}</dd></div>` : null}
    </dl>
    <p><a class="button" href=${`/${tenant}/supervision/${hazard.id}/order`} data-testid="print-order">${t('supervision.print')}</a></p>
  </div>`;
}
