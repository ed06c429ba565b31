import type { WebhookEventType } from '@gridsafe/core';
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../components/common.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';

/** core's WEBHOOK_EVENTS, written out: the web takes types, not values, from core's index. */
const WEBHOOK_EVENTS: readonly WebhookEventType[] = [
  'risk-point.filed',
  'hazard.escalated',
  'hazard.closed',
  'alert.created',
];

interface ListedWebhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
}
interface Delivery {
  id: string;
  eventType: string;
  occurredAt: string;
  status: 'pending' | 'delivered' | 'dead';
  deadLettered: boolean;
  attempts: number;
  nextAttemptAt?: string;
  lastStatus?: number;
  lastError?: string;
}

/** One webhook's delivery log, newest first, with a replay for what is done (delivered or dead-lettered). */
function DeliveryLog({ hook }: { hook: ListedWebhook }) {
  const log = useAsync(
    () => api<{ items: Delivery[] }>(`/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=50`),
    [hook.id],
  );
  const { error, busy, submit } = useSubmission();
  const replay = (id: string) =>
    void submit(async () => {
      await api(`/webhooks/${encodeURIComponent(hook.id)}/deliveries/${encodeURIComponent(id)}/replay`, {
        method: 'POST',
      });
      log.reload();
    });
  if (log.error) return html`<${ErrorNotice} error=${log.error} onRetry=${log.reload} />`;
  if (!log.data) return html`<${Loading} />`;
  return html`<div class="card" data-testid="webhook-deliveries">
    <h2>${t('webhooks.deliveries')}</h2>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    ${log.data.items.length === 0 ? html`<p class="muted">${t('webhooks.noDeliveries')}</p>` : null}
    <button type="button" class="button" onClick=${log.reload}>${t('webhooks.refresh')}</button>
    <table class="table responsive">
      <thead><tr>
        <th>${t('webhooks.event')}</th><th>${t('webhooks.occurredAt')}</th><th>${t('webhooks.status')}</th>
        <th>${t('webhooks.attempts')}</th><th>${t('webhooks.lastError')}</th><th>${t('webhooks.nextAttempt')}</th><th></th>
      </tr></thead>
      <tbody>
        ${log.data.items.map(
          (delivery) => html`<tr data-delivery=${delivery.id} data-status=${delivery.status}>
            <td data-label=${t('webhooks.event')}><code>${delivery.eventType}</code></td>
            <td data-label=${t('webhooks.occurredAt')}>${formatDateTime(delivery.occurredAt)}</td>
            <td data-label=${t('webhooks.status')}>${t(`webhooks.status.${delivery.status}`)}</td>
            <td data-label=${t('webhooks.attempts')}>${delivery.attempts}</td>
            <td data-label=${t('webhooks.lastError')}>${delivery.lastError ?? '—'}</td>
            <td data-label=${t('webhooks.nextAttempt')}>${delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : '—'}</td>
            <td>${
              delivery.status === 'pending'
                ? null
                : html`<button type="button" class="button" disabled=${busy} onClick=${() => replay(delivery.id)}>
                    ${t('webhooks.replay')}</button>`
            }</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The county admin's outbound webhooks: add one (its secret shown once), see each one's deliveries, replay. */
export function WebhooksPage() {
  const hooks = useAsync(() => api<{ items: ListedWebhook[] }>('/webhooks'), []);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>([...WEBHOOK_EVENTS]);
  const [shown, setShown] = useState<{ id: string; secret: string } | undefined>();
  const [open, setOpen] = useState<string | undefined>();
  const { errors, error, busy, submit } = useSubmission();
  const toggle = (event: WebhookEventType) =>
    setEvents(events.includes(event) ? events.filter((e) => e !== event) : [...events, event]);
  const create = (event: Event) => {
    event.preventDefault();
    void submit(async () => {
      setShown(
        await api<{ id: string; secret: string }>('/webhooks', { method: 'POST', body: { url, events } }),
      );
      setUrl('');
      hooks.reload();
    });
  };
  const remove = (id: string) =>
    void submit(async () => {
      await api(`/webhooks/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (open === id) setOpen(undefined);
      hooks.reload();
    });
  if (hooks.error) return html`<${ErrorNotice} error=${hooks.error} onRetry=${hooks.reload} />`;
  const openHook = hooks.data?.items.find((hook) => hook.id === open);
  return html`<section>
    <${PageTitle} title=${t('webhooks.title')} />
    <p class="muted">${t('webhooks.hint')}</p>
    ${
      shown
        ? html`<div class="notice notice-warn" role="status" data-testid="webhook-secret">
            <p>${t('webhooks.secretOnce')}</p>
            <p class="alert-secret" data-testid="webhook-secret-value">${shown.secret}</p>
            <button type="button" class="button" onClick=${() => setShown(undefined)}>${t('webhooks.dismiss')}</button>
          </div>`
        : null
    }
    <form class="card form-grid" onSubmit=${create} novalidate data-testid="webhook-form">
      <${Field} label=${t('webhooks.url')} name="url" errors=${errors} hint=${t('webhooks.urlHint')}>
        <input id="f-url" type="url" maxlength="2000" required value=${url}
          onInput=${(e: Event) => setUrl((e.target as HTMLInputElement).value)} />
      </${Field}>
      <fieldset class="field" data-field="events">
        <legend>${t('webhooks.events')}</legend>
        ${WEBHOOK_EVENTS.map(
          (name) => html`<label class="checkbox">
            <input type="checkbox" name="events" value=${name} checked=${events.includes(name)} onChange=${() => toggle(name)} />
            ${t(`webhooks.event.${name}`)}
          </label>`,
        )}
      </fieldset>
      <${OtherErrors} errors=${errors} fields=${['url']} />
      ${error ? html`<${ErrorNotice} error=${error} />` : null}
      <button type="submit" class="button button-primary" disabled=${busy}>${t('webhooks.create')}</button>
    </form>
    ${!hooks.data ? html`<${Loading} />` : null}
    ${hooks.data && hooks.data.items.length === 0 ? html`<p class="muted">${t('webhooks.empty')}</p>` : null}
    <table class="table responsive" data-testid="webhooks-table">
      <thead><tr>
        <th>${t('webhooks.url')}</th><th>${t('webhooks.events')}</th><th>${t('webhooks.createdAt')}</th><th></th>
      </tr></thead>
      <tbody>
        ${(hooks.data?.items ?? []).map(
          (hook) => html`<tr data-webhook=${hook.id}>
            <td data-label=${t('webhooks.url')}><code>${hook.url}</code></td>
            <td data-label=${t('webhooks.events')}>${hook.events.map((name) => t(`webhooks.event.${name}`)).join('、')}</td>
            <td data-label=${t('webhooks.createdAt')}>${formatDateTime(hook.createdAt)}</td>
            <td>
              <button type="button" class="button" aria-pressed=${open === hook.id} onClick=${() => setOpen(open === hook.id ? undefined : hook.id)}>
                ${t('webhooks.showDeliveries')}</button>
              <button type="button" class="button" disabled=${busy} onClick=${() => remove(hook.id)}>${t('webhooks.delete')}</button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${openHook ? html`<${DeliveryLog} hook=${openHook} />` : null}
  </section>`;
}
