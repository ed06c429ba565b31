import type { Alert } from '@gridsafe/core';
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { ErrorNotice, Field, Loading, OtherErrors, Pager, PageTitle } from '../components/common.ts';
import { FilterSelect } from '../components/filter-select.ts';
import { useAsync, usePagedList, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, label, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { navigate, searchParams } from '../router.ts';
import { session } from '../session.ts';

const STATUSES = ['open', 'handled'] as const;

/** An alert's warning level as a coloured badge (styles/alerts.css). */
export function AlertLevelBadge({ level }: { level: Alert['level'] }) {
  return html`<span class="badge alert-level" data-level=${level}>${label('alertLevel', level)}</span>`;
}

/**
 * 转为隐患: the severity (and, for an alert of no unit, the unit), then one POST; on success the hazard opens.
 * A 400 names the field (the unit when the alert names none).
 */
function ToHazardForm({ alert, onCancel }: { alert: Alert; onCancel: () => void }) {
  const tenant = session.value?.tenant ?? '';
  const [severity, setSeverity] = useState<'general' | 'major'>(
    alert.level === 'red' || alert.level === 'orange' ? 'major' : 'general',
  );
  const [unitId, setUnitId] = useState('');
  const units = useAsync(
    () =>
      alert.unitId
        ? Promise.resolve([])
        : api<{ items: { id: string; name: string }[] }>('/units?limit=100').then((page) => page.items),
    [alert.id],
  );
  const { errors, error, busy, submit } = useSubmission();
  const send = (event: Event) => {
    event.preventDefault();
    void submit(async () => {
      const made = await api<{ hazard: { id: string } }>(`/alerts/${encodeURIComponent(alert.id)}/hazard`, {
        method: 'POST',
        body: { severity, ...(unitId ? { unitId } : {}), version: alert.version },
      });
      navigate(`/${tenant}/hazards/${made.hazard.id}`);
    });
  };
  const prefix = `a-${alert.id}`;
  return html`<form class="card form-grid alert-hazard-form" onSubmit=${send} novalidate
      aria-label=${t('alerts.toHazardTitle')} data-testid="alert-hazard-form">
    <${Field} label=${t('alerts.severity')} name="severity" errors=${errors}>
      <select id="f-severity" value=${severity}
        onChange=${(e: Event) => setSeverity((e.target as HTMLSelectElement).value as 'general' | 'major')}>
        <option value="general">${label('severity', 'general')}</option>
        <option value="major">${label('severity', 'major')}</option>
      </select>
    </${Field}>
    ${
      alert.unitId
        ? null
        : html`<${Field} label=${t('alerts.unitId')} name="unitId" errors=${errors}>
          <select id="f-unitId" value=${unitId} onChange=${(e: Event) => setUnitId((e.target as HTMLSelectElement).value)}>
            <option value="">${t('alerts.chooseUnit')}</option>
            ${(units.data ?? []).map((unit) => html`<option value=${unit.id}>${unit.name}</option>`)}
          </select>
        </${Field}>`
    }
    <${OtherErrors} errors=${errors} fields=${['severity', 'unitId']} />
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <div class="actions" id=${prefix}>
      <button type="submit" class="button button-primary" disabled=${busy}>${t('alerts.confirm')}</button>
      <button type="button" class="button" onClick=${onCancel}>${t('alerts.cancel')}</button>
    </div>
  </form>`;
}

/** What can be done with an alert here: its hazard once made, or 转为隐患 for those who may. */
function AlertAction({ alert }: { alert: Alert }) {
  const tenant = session.value?.tenant ?? '';
  const [open, setOpen] = useState(false);
  if (alert.hazardId)
    return html`<a href=${`/${tenant}/hazards/${alert.hazardId}`}>${t('alerts.openHazard')}</a>`;
  if (alert.status !== 'open' || !can('alert.handle')) return null;
  if (open) return html`<${ToHazardForm} alert=${alert} onCancel=${() => setOpen(false)} />`;
  return html`<button type="button" class="button button-primary" onClick=${() => setOpen(true)}
    data-testid="alert-to-hazard">${t('alerts.toHazard')}</button>`;
}

/** Alerts as a table on a desk, stacked cards on a phone. */
export function AlertTable({ items, busy = false }: { items: Alert[]; busy?: boolean }) {
  const tenant = session.value?.tenant ?? '';
  return html`<table class="table responsive" data-testid="alerts-table" aria-busy=${String(busy)}>
    <thead><tr>
      <th>${t('alerts.level')}</th><th>${t('alerts.unit')}</th><th>${t('alerts.message')}</th>
      <th>${t('alerts.observedAt')}</th><th>${t('alerts.status')}</th><th>${t('alerts.toHazard')}</th>
    </tr></thead>
    <tbody>
      ${items.map(
        (alert) => html`<tr data-alert=${alert.id} data-status=${alert.status}>
          <td data-label=${t('alerts.level')}><${AlertLevelBadge} level=${alert.level} /></td>
          <td data-label=${t('alerts.unit')}>${
            alert.unitId
              ? html`<a href=${`/${tenant}/units/${alert.unitId}`}>${alert.unitName}</a>`
              : html`<span class="muted">${t('alerts.noUnit')}</span>`
          }</td>
          <td data-label=${t('alerts.message')}>
            <a href=${`/${tenant}/alerts/${alert.id}`}>${alert.kind}</a>: ${alert.message}
            <div class="muted small">${alert.sourceName}</div>
          </td>
          <td data-label=${t('alerts.observedAt')}>${formatDateTime(alert.observedAt)}</td>
          <td data-label=${t('alerts.status')}>${label('alertStatus', alert.status)}</td>
          <td data-label=${t('alerts.toHazard')}><${AlertAction} alert=${alert} /></td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The alerts of the person's area, open ones first by default, each turned into a hazard with one action. */
export function AlertsPage() {
  const params = searchParams.value;
  const status = params.get('status') ?? 'open';
  const alerts = usePagedList<Alert>('/alerts', { status: status || undefined });
  return html`<section>
    <${PageTitle} title=${t('alerts.title')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <${FilterSelect} name="status" label=${t('alerts.statusFilter')} value=${status}
        options=${STATUSES.map((s) => ({ value: s, label: label('alertStatus', s) }))} />
    </form>
    ${alerts.error ? html`<${ErrorNotice} error=${alerts.error} onRetry=${alerts.reload} />` : null}
    ${alerts.loading && !alerts.data ? html`<${Loading} />` : null}
    ${
      alerts.data && !alerts.error
        ? html`<${AlertTable} items=${alerts.data.items} busy=${alerts.loading} />
          ${alerts.data.items.length === 0 ? html`<p class="muted">${t('alerts.empty')}</p>` : null}
          <${Pager} ...${alerts.pager} />`
        : null
    }
  </section>`;
}

/** One alert (a notice opens it): what was measured where, and 转为隐患. */
export function AlertPage({ id }: { id: string }) {
  const tenant = session.value?.tenant ?? '';
  const alert = useAsync(() => api<Alert>(`/alerts/${encodeURIComponent(id)}`), [id]);
  if (alert.error) return html`<${ErrorNotice} error=${alert.error} onRetry=${alert.reload} />`;
  if (!alert.data) return html`<${Loading} />`;
  const a = alert.data;
  const rows: [string, unknown][] = [
    [t('alerts.level'), html`<${AlertLevelBadge} level=${a.level} />`],
    [
      t('alerts.unit'),
      a.unitId ? html`<a href=${`/${tenant}/units/${a.unitId}`}>${a.unitName}</a>` : t('alerts.noUnit'),
    ],
    [t('alerts.kind'), a.kind],
    [t('alerts.message'), a.message],
    [t('alerts.source'), a.sourceName],
    [t('alerts.observedAt'), formatDateTime(a.observedAt)],
    [t('alerts.status'), label('alertStatus', a.status)],
  ];
  return html`<section>
    <${PageTitle} title=${`${label('alertLevel', a.level)} · ${a.kind}`} />
    <dl class="details" data-testid="alert-details">
      ${rows.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}
    </dl>
    <${AlertAction} alert=${a} />
  </section>`;
}
