import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { refreshUnreadNotices } from '../components/notice-bell.ts';
import { usePagedList } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, isMessageKey, t } from '../i18n/index.ts';
import { navigate, searchParams, withQuery } from '../router.ts';
import { session } from '../session.ts';

interface Notice {
  id: string;
  topic: string;
  subject: { type: 'hazard' | 'risk-point' | 'patrol' | 'alert'; id: string };
  title: string;
  body: string;
  createdAt: string;
  read: boolean;
}

const OPEN_LABELS = {
  hazard: 'notices.openHazard',
  'risk-point': 'notices.openRiskPoint',
  patrol: 'notices.openPatrol',
  alert: 'notices.openAlert',
} as const;

function topicName(topic: string): string {
  const key = `notices.topic.${topic}`;
  return isMessageKey(key) ? t(key) : topic;
}

/** The record a notice is about, as a page of this app. */
function recordPath(tenant: string, subject: Notice['subject']): string {
  const collection = {
    hazard: 'hazards',
    'risk-point': 'risk-points',
    patrol: 'm/patrols',
    alert: 'alerts',
  }[subject.type];
  return `/${tenant}/${collection}/${encodeURIComponent(subject.id)}`;
}

/** The caller's notices, newest first: each opens its record and is marked read on the way; or all at once. */
export function NoticesPage() {
  const tenant = session.value?.tenant ?? '';
  const onlyUnread = searchParams.value.get('unread') === 'true';
  const list = usePagedList<Notice>('/notifications', { unread: onlyUnread ? 'true' : undefined }, 20);
  const [failure, setFailure] = useState<unknown>();
  if (list.error) return html`<${ErrorNotice} error=${list.error} onRetry=${list.reload} />`;
  const items = list.data?.items ?? [];

  const markRead = async (notice: Notice) => {
    if (!notice.read) await api(`/notifications/${encodeURIComponent(notice.id)}/read`, { method: 'POST' });
    await refreshUnreadNotices();
  };
  const open = async (event: Event, notice: Notice) => {
    event.preventDefault();
    // Reading it is the point; a failed mark must not keep the person from the record.
    await markRead(notice).catch(() => {});
    navigate(recordPath(tenant, notice.subject));
  };
  const act = (work: () => Promise<void>) => () =>
    work().then(list.reload, (error: unknown) => setFailure(error));

  return html`<section>
    <${PageTitle} title=${t('notices.title')}>
      <button type="button" class="button" data-testid="notices-read-all"
        onClick=${act(async () => {
          await api('/notifications/read-all', { method: 'POST' });
          await refreshUnreadNotices();
        })}>${t('notices.markAllRead')}</button>
    </${PageTitle}>
    <p class="muted">${t('notices.hint')}</p>
    <label>
      <input type="checkbox" checked=${onlyUnread} data-testid="notices-unread-only"
        onChange=${(e: Event) => navigate(withQuery({ unread: (e.target as HTMLInputElement).checked ? 'true' : undefined }))} />
      ${' '}${t('notices.onlyUnread')}
    </label>
    ${failure ? html`<${ErrorNotice} error=${failure} />` : null}
    ${!list.data ? html`<${Loading} />` : null}
    ${list.data && items.length === 0 ? html`<p class="muted">${t('notices.empty')}</p>` : null}
    <ul class="inbox-list" data-testid="notices-list">
      ${items.map(
        (notice) => html`<li class=${`inbox-item${notice.read ? '' : ' unread'}`} data-notice=${notice.id}
          data-read=${String(notice.read)}>
          <div class="inbox-meta">
            ${notice.read ? null : html`<span class="badge badge-bad">${t('notices.unread')}</span>`}
            <span class="badge">${topicName(notice.topic)}</span>
            <span class="muted small">${formatDateTime(notice.createdAt)}</span>
          </div>
          <div class="inbox-title">${notice.title}</div>
          <div>${notice.body}</div>
          <div class="inbox-actions">
            <a href=${recordPath(tenant, notice.subject)} data-testid="notice-open"
              onClick=${(event: Event) => void open(event, notice)}>
              ${t(OPEN_LABELS[notice.subject.type])}
            </a>
            ${notice.read ? null : html`<button type="button" class="button button-quiet" onClick=${act(() => markRead(notice))}>${t('notices.markRead')}</button>`}
          </div>
        </li>`,
      )}
    </ul>
    <${Pager} ...${list.pager} />
  </section>`;
}
