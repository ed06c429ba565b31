import type { VendorAccessGrant } from '@gridsafe/core';
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';

type Grant = VendorAccessGrant & { active: boolean };

/** The county admin's grants to the vendor: give one for a few hours with a reason, see them all, end one. */
export function VendorAccessPage() {
  const grants = useAsync(() => api<{ items: Grant[] }>('/vendor-access-grants'), []);
  const [hours, setHours] = useState('4');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await work();
      grants.reload();
    } catch (caught) {
      if (caught instanceof ApiError) setProblem(caught);
      else throw caught;
    } finally {
      setBusy(false);
    }
  };
  const grant = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await api('/vendor-access-grants', { method: 'POST', body: { hours: Number(hours), reason } });
      setReason('');
    });
  };
  const revoke = (id: string) => void run(() => api(`/vendor-access-grants/${id}`, { method: 'DELETE' }));

  if (grants.error) return html`<${ErrorNotice} error=${grants.error} onRetry=${grants.reload} />`;
  const errors = problem?.problem?.errors;
  return html`<section>
    <${PageTitle} title=${t('vendorAccess.title')} />
    <p class="muted">${t('vendorAccess.hint')}</p>
    <form class="card form-grid" onSubmit=${grant} novalidate data-testid="vendor-grant-form">
      <${Field} label=${t('vendorAccess.hours')} name="hours" errors=${errors}>
        <input id="f-hours" type="number" min="1" max="72" required value=${hours}
          onInput=${(e: Event) => setHours((e.target as HTMLInputElement).value)} />
      </${Field}>
      <${Field} label=${t('vendorAccess.reason')} name="reason" errors=${errors}>
        <input id="f-reason" maxlength="500" required value=${reason}
          onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} />
      </${Field}>
      <${OtherErrors} errors=${errors} fields=${['hours', 'reason']} />
      ${problem && !errors ? html`<div class="notice notice-error" role="alert">${problem.message}</div>` : null}
      <button type="submit" class="button button-primary" disabled=${busy}>${t('vendorAccess.grant')}</button>
    </form>
    ${!grants.data ? html`<${Loading} />` : null}
    ${grants.data && grants.data.items.length === 0 ? html`<p class="muted">${t('vendorAccess.empty')}</p>` : null}
    <table class="table responsive" data-testid="vendor-grants-table">
      <thead><tr>
        <th>${t('vendorAccess.reason')}</th><th>${t('vendorAccess.grantedBy')}</th>
        <th>${t('vendorAccess.expiresAt')}</th><th>${t('vendorAccess.status')}</th><th></th>
      </tr></thead>
      <tbody>
        ${(grants.data?.items ?? []).map(
          (item) => html`<tr>
            <td data-label=${t('vendorAccess.reason')}>${item.reason}</td>
            <td data-label=${t('vendorAccess.grantedBy')}>${item.grantedBy.username}</td>
            <td data-label=${t('vendorAccess.expiresAt')}>${formatDateTime(item.revokedAt ?? item.expiresAt)}</td>
            <td data-label=${t('vendorAccess.status')}>${item.active ? t('vendorAccess.active') : t('vendorAccess.ended')}</td>
            <td>${
              item.active
                ? html`<button type="button" class="button" disabled=${busy} onClick=${() => revoke(item.id)}>${t('vendorAccess.revoke')}</button>`
                : null
            }</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
