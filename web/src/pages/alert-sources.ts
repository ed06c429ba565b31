import type { AlertSource } from '@gridsafe/core';
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../components/common.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';

type ListedSource = Omit<AlertSource, 'secret' | 'previousSecret'>;
interface Secret {
  id: string;
  secret: string;
  previousSecretUntil?: string;
}

/** A secret just made: shown this once, in full, until the admin says it is saved. */
function SecretOnce({ secret, onDismiss }: { secret: Secret; onDismiss: () => void }) {
  return html`<div class="notice notice-warn" role="status" data-testid="alert-secret">
    <p>${t('alertSources.secretOnce')}</p>
    <p><strong>${t('alertSources.id')}</strong>: <code>${secret.id}</code></p>
    <p class="alert-secret" data-testid="alert-secret-value">${secret.secret}</p>
    ${
      secret.previousSecretUntil
        ? html`<p class="muted small">${t('alertSources.previousUntil', { time: formatDateTime(secret.previousSecretUntil) })}</p>`
        : null
    }
    <button type="button" class="button" onClick=${onDismiss}>${t('alertSources.dismiss')}</button>
  </div>`;
}

/** The county admin's monitoring systems: register one (its secret shown once), rotate a secret. */
export function AlertSourcesPage() {
  const sources = useAsync(() => api<{ items: ListedSource[] }>('/alert-sources'), []);
  const [name, setName] = useState('');
  const [rate, setRate] = useState('');
  const [shown, setShown] = useState<Secret | undefined>();
  const { errors, error, busy, submit } = useSubmission();
  const create = (event: Event) => {
    event.preventDefault();
    void submit(async () => {
      const made = await api<Secret>('/alert-sources', {
        method: 'POST',
        body: { name, ...(rate ? { ratePerMinute: Number(rate) } : {}) },
      });
      setShown(made);
      setName('');
      setRate('');
      sources.reload();
    });
  };
  const rotate = (id: string) =>
    void submit(async () => {
      setShown(await api<Secret>(`/alert-sources/${encodeURIComponent(id)}/rotate`, { method: 'POST' }));
      sources.reload();
    });
  if (sources.error) return html`<${ErrorNotice} error=${sources.error} onRetry=${sources.reload} />`;
  return html`<section>
    <${PageTitle} title=${t('alertSources.title')} />
    <p class="muted">${t('alertSources.hint')}</p>
    ${shown ? html`<${SecretOnce} secret=${shown} onDismiss=${() => setShown(undefined)} />` : null}
    <form class="card form-grid" onSubmit=${create} novalidate data-testid="alert-source-form">
      <${Field} label=${t('alertSources.name')} name="name" errors=${errors}>
        <input id="f-name" maxlength="100" required value=${name}
          onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
      </${Field}>
      <${Field} label=${t('alertSources.ratePerMinute')} name="ratePerMinute" errors=${errors}>
        <input id="f-ratePerMinute" type="number" min="1" max="6000" value=${rate}
          onInput=${(e: Event) => setRate((e.target as HTMLInputElement).value)} />
      </${Field}>
      <${OtherErrors} errors=${errors} fields=${['name', 'ratePerMinute']} />
      ${error ? html`<${ErrorNotice} error=${error} />` : null}
      <button type="submit" class="button button-primary" disabled=${busy}>${t('alertSources.create')}</button>
    </form>
    ${!sources.data ? html`<${Loading} />` : null}
    ${sources.data && sources.data.items.length === 0 ? html`<p class="muted">${t('alertSources.empty')}</p>` : null}
    <table class="table responsive" data-testid="alert-sources-table">
      <thead><tr>
        <th>${t('alertSources.name')}</th><th>${t('alertSources.id')}</th>
        <th>${t('alertSources.ratePerMinute')}</th><th>${t('alertSources.rotatedAt')}</th><th></th>
      </tr></thead>
      <tbody>
        ${(sources.data?.items ?? []).map(
          (source) => html`<tr data-source=${source.id}>
            <td data-label=${t('alertSources.name')}>${source.name}</td>
            <td data-label=${t('alertSources.id')}><code>${source.id}</code></td>
            <td data-label=${t('alertSources.ratePerMinute')}>${source.ratePerMinute}</td>
            <td data-label=${t('alertSources.rotatedAt')}>${source.rotatedAt ? formatDateTime(source.rotatedAt) : '—'}</td>
            <td><button type="button" class="button" disabled=${busy} onClick=${() => rotate(source.id)}>
              ${t('alertSources.rotate')}</button></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
