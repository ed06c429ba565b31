import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { syncState } from '../offline/sync.ts';
import { session } from '../session.ts';

/** The device's sync state, always in view: 已同步 / 待同步 N / 同步失败 N (and offline). */
export function SyncBadge() {
  const state = syncState.value;
  const tenant = session.value?.tenant ?? '';
  const parts: { cls: string; text: string }[] = [];
  if (state.failed > 0) parts.push({ cls: 'badge-bad', text: t('sync.failed', { n: state.failed }) });
  if (state.pending > 0) parts.push({ cls: 'badge-warn', text: t('sync.pending', { n: state.pending }) });
  if (parts.length === 0) parts.push({ cls: 'badge-ok', text: t('sync.synced') });
  return html`<a class="sync-badge" href=${`/${tenant}/m/sync`} data-testid="sync-badge" aria-live="polite">
    ${!state.online ? html`<span class="badge badge-offline">${t('sync.offline')}</span>` : null}
    ${parts.map((part) => html`<span class=${`badge ${part.cls}`}>${part.text}</span>`)}
    ${state.syncing ? html`<span class="muted small">${t('sync.syncing')}</span>` : null}
  </a>`;
}
