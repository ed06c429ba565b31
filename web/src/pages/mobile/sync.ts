import { PageTitle } from '../../components/common.ts';
import { SyncBadge } from '../../components/sync-badge.ts';
import { html } from '../../html.ts';
import { formatDateTime, t } from '../../i18n/index.ts';
import { discardItem, flush, retryItem, syncState } from '../../offline/sync.ts';

/** Everything waiting on this device, with why it is waiting and what the person can do about it. */
export function SyncPage() {
  const state = syncState.value;
  return html`<section>
    <${PageTitle} title=${t('sync.title')}>
      <button type="button" class="button" onClick=${() => void flush()} disabled=${!state.online}>${t('sync.now')}</button>
    </${PageTitle}>
    <p><${SyncBadge} /></p>
    ${!state.online ? html`<p class="notice notice-warn">${t('sync.offlineHelp')}</p>` : null}
    ${state.needsLogin ? html`<p class="notice notice-warn">${t('sync.needsLogin')}</p>` : null}
    ${state.items.length === 0 ? html`<p class="muted">${t('sync.nothing')}</p>` : null}
    <ul class="card-list" data-testid="outbox">
      ${state.items.map(
        (item) => html`<li class="card" data-status=${item.status}>
          <div class="card-head">
            <strong>${t(`outbox.kind.${item.kind}`)}: ${item.label}</strong>
            <span class=${`badge ${item.status === 'pending' ? 'badge-warn' : 'badge-bad'}`}>${t(`outbox.${item.status}`)}</span>
          </div>
          <div class="muted small">${formatDateTime(item.createdAt)} · ${t('sync.attempts', { n: item.attempts })}</div>
          ${item.status === 'pending' && item.lastError ? html`<div class="muted small">${t('sync.willRetry')}</div>` : null}
          ${item.status === 'failed' && item.lastError === 'parent' ? html`<div class="field-error">${t('sync.parentFailed')}</div>` : null}
          ${item.problem ? html`<div class="field-error">${item.problem.detail}</div>` : null}
          ${(item.problem?.errors ?? []).map((problem) => html`<div class="field-error"><code>${problem.path}</code> ${problem.message}</div>`)}
          ${
            item.status !== 'pending'
              ? html`<div class="form-actions">
                  <button type="button" class="button" onClick=${() => void retryItem(item.key)}>${t('action.retry')}</button>
                  <button type="button" class="button button-danger" onClick=${() => void discardItem(item.key)}>${t('action.discard')}</button>
                </div>`
              : null
          }
        </li>`,
      )}
    </ul>
  </section>`;
}
