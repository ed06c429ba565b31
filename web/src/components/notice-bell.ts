import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api } from '../api/client.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { location } from '../router.ts';
import { session } from '../session.ts';
import './notices.css';

/** The caller's unread notices as the API counts them (at most 99, and whether there are more). */
export const unreadNotices = signal<{ count: number; more: boolean } | undefined>(undefined);

/** Asks the API again; a failed read (offline, signed out) keeps the last number rather than showing none. */
export async function refreshUnreadNotices(): Promise<void> {
  if (!session.value) return;
  try {
    unreadNotices.value = await api<{ count: number; more: boolean }>('/notifications/unread-count');
  } catch {
    // The bell is a hint; the notices page shows any error in full.
  }
}

/** How often an open page looks for new notices: the escalation sweep runs every 5 minutes. */
const POLL_MS = 60_000;

/** The bell in the header, on every page and layout (drawn, since county PCs often lack an emoji font): the unread count, and the way to the notices page. */
export function NoticeBell() {
  const tenant = session.value?.tenant ?? '';
  const path = location.value.path;
  // Every page change looks again, so a notice read elsewhere or a new one shows without a reload.
  useEffect(() => {
    void refreshUnreadNotices();
  }, [path]);
  useEffect(() => {
    const timer = setInterval(() => void refreshUnreadNotices(), POLL_MS);
    return () => clearInterval(timer);
  }, []);
  const unread = unreadNotices.value;
  const shown = unread ? `${unread.count}${unread.more ? '+' : ''}` : '';
  return html`<a class="notice-bell" href=${`/${tenant}/notices`} data-testid="notice-bell"
    aria-label=${t('notices.bellLabel', { n: shown || 0 })}>
    <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="currentColor">
      <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
    </svg><span class="desk-only">${t('notices.bell')}</span>
    ${unread && unread.count > 0 ? html`<span class="notice-count" data-testid="notice-count">${shown}</span>` : null}
  </a>`;
}
