import { ApiError, apiBase } from '../api/client.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { accessToken, session } from '../session.ts';

/**
 * A listed hazard's 督办单 (`/<county>/supervision/<id>/order`), rendered by the API and shown in a sandboxed frame
 * with scripts off, as the notice boards are.
 */
export function SupervisionOrderPrintPage({ id }: { id: string }) {
  const page = useAsync(async () => {
    const token = await accessToken();
    const response = await fetch(
      `${apiBase(session.value!.tenant)}/hazards/${encodeURIComponent(id)}/supervision-order`,
      { headers: token ? { authorization: `Bearer ${token}` } : {} },
    );
    if (!response.ok) throw new ApiError(response.status);
    return response.text();
  }, [id]);
  let frame: HTMLIFrameElement | null = null;
  return html`<section data-testid="supervision-order-print">
    <${PageTitle} title=${t('supervision.printTitle')}>
      ${page.data ? html`<button type="button" class="button button-primary" onClick=${() => frame?.contentWindow?.print()}>${t('boards.print')}</button>` : null}
    </${PageTitle}>
    <p><a href=${`/${session.value?.tenant ?? ''}/hazards/${id}`}>${t('action.back')}</a></p>
    ${page.error ? html`<${ErrorNotice} error=${page.error} onRetry=${page.reload} />` : null}
    ${!page.data && !page.error ? html`<${Loading} />` : null}
    ${
      page.data
        ? html`<iframe class="notice-board" title=${t('supervision.frame')} sandbox="allow-same-origin allow-modals" srcdoc=${page.data}
            ref=${(element: HTMLIFrameElement | null) => {
              frame = element;
            }}></iframe>`
        : null
    }
  </section>`;
}
