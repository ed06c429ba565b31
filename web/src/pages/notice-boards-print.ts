import { ApiError, apiBase } from '../api/client.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { accessToken, session } from '../session.ts';

/**
 * Every filed board of a unit or a village as one printable document (`/<county>/boards/unit/<id>` or
 * `/boards/village/<id>`), rendered by the API and shown in a sandboxed frame with scripts off.
 */
export function NoticeBoardsPrintPage({ kind, id }: { kind: string; id: string }) {
  const query = kind === 'village' ? `grid=${encodeURIComponent(id)}` : `unit=${encodeURIComponent(id)}`;
  const page = useAsync(async () => {
    const token = await accessToken();
    const response = await fetch(`${apiBase(session.value!.tenant)}/notice-boards?${query}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok) throw new ApiError(response.status);
    return response.text();
  }, [query]);
  let frame: HTMLIFrameElement | null = null;
  return html`<section data-testid="boards-print">
    <${PageTitle} title=${t('boards.title')}>
      ${page.data ? html`<button type="button" class="button button-primary" onClick=${() => frame?.contentWindow?.print()}>${t('boards.print')}</button>` : null}
    </${PageTitle}>
    ${page.error ? html`<${ErrorNotice} error=${page.error} onRetry=${page.reload} />` : null}
    ${!page.data && !page.error ? html`<${Loading} />` : null}
    ${
      page.data
        ? html`<iframe class="notice-board notice-boards" title=${t('boards.frame')} sandbox="allow-same-origin allow-modals" srcdoc=${page.data}
            ref=${(element: HTMLIFrameElement | null) => {
              frame = element;
            }}></iframe>`
        : null
    }
  </section>`;
}
