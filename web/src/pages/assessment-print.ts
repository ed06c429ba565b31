import { ApiError, apiBase, query } from '../api/client.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { searchParams } from '../router.ts';
import { accessToken, session } from '../session.ts';

/**
 * The assessment as the 通报 the county sends out (`/<county>/assessments/print?quarter=` or `?year=`), rendered
 * by the API and shown in a sandboxed frame with scripts off, printed from here.
 */
export function AssessmentPrintPage() {
  const quarter = searchParams.value.get('quarter') || undefined;
  const year = searchParams.value.get('year') || undefined;
  const page = useAsync(async () => {
    const token = await accessToken();
    const response = await fetch(
      `${apiBase(session.value!.tenant)}/assessments/print${query({ quarter, year })}`,
      {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
    );
    if (!response.ok) throw new ApiError(response.status);
    return response.text();
  }, [quarter, year]);
  let frame: HTMLIFrameElement | null = null;
  return html`<section data-testid="assessment-print-page">
    <${PageTitle} title=${t('assessments.printTitle')}>
      ${page.data ? html`<button type="button" class="button button-primary" onClick=${() => frame?.contentWindow?.print()}>${t('assessments.print')}</button>` : null}
    </${PageTitle}>
    ${page.error ? html`<${ErrorNotice} error=${page.error} onRetry=${page.reload} />` : null}
    ${!page.data && !page.error ? html`<${Loading} />` : null}
    ${
      page.data
        ? html`<iframe class="notice-board notice-boards" title=${t('assessments.printFrame')} sandbox="allow-same-origin allow-modals" srcdoc=${page.data}
            ref=${(element: HTMLIFrameElement | null) => {
              frame = element;
            }}></iframe>`
        : null
    }
  </section>`;
}
