import type { LoginEvent } from '@gridsafe/core';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { usePagedList } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, isMessageKey, t } from '../i18n/index.ts';

function kindName(kind: string): string {
  const key = `loginEventKind.${kind}`;
  return isMessageKey(key) ? t(key) : kind;
}

/** The county's login log (county admin), newest first: what MLPS level 3 asks an administrator to review. */
export function LoginEventsPage() {
  const list = usePagedList<LoginEvent>('/login-events', {}, 50);
  if (list.error) return html`<${ErrorNotice} error=${list.error} onRetry=${list.reload} />`;
  const items = list.data?.items ?? [];
  return html`<section>
    <${PageTitle} title=${t('loginEvents.title')} />
    <p class="muted">${t('loginEvents.hint')}</p>
    ${!list.data ? html`<${Loading} />` : null}
    ${list.data && items.length === 0 ? html`<p class="muted">${t('loginEvents.empty')}</p>` : null}
    <table class="table responsive" data-testid="login-events-table">
      <thead><tr>
        <th>${t('loginEvents.at')}</th><th>${t('loginEvents.kind')}</th><th>${t('loginEvents.username')}</th>
        <th>${t('loginEvents.source')}</th><th>${t('loginEvents.detail')}</th>
      </tr></thead>
      <tbody>
        ${items.map(
          (event) => html`<tr>
            <td data-label=${t('loginEvents.at')}>${formatDateTime(event.at)}</td>
            <td data-label=${t('loginEvents.kind')}>${kindName(event.kind)}</td>
            <td data-label=${t('loginEvents.username')}>${event.username}</td>
            <td data-label=${t('loginEvents.source')}>${event.sourceIp ?? ''}</td>
            <td data-label=${t('loginEvents.detail')} class="break-all">${event.detail ?? ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <${Pager} ...${list.pager} />
  </section>`;
}
