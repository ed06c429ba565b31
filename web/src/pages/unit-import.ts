import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { UnitImportResult } from '../api/types.ts';
import { ErrorNotice, PageTitle } from '../components/common.ts';
import { html } from '../html.ts';
import { formatNumber, label, t } from '../i18n/index.ts';
import { session } from '../session.ts';

/**
 * Imports a county spreadsheet saved as CSV. The file goes up as bytes, untouched, because Excel in China
 * saves GB18030 and only the API knows how to tell; the answer is one line per row.
 */
export function UnitImportPage() {
  const tenant = session.value?.tenant ?? '';
  const [file, setFile] = useState<File | undefined>();
  const [result, setResult] = useState<UnitImportResult | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const upload = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const bytes = await file.arrayBuffer();
      setResult(
        await api<UnitImportResult>('/units/import', {
          method: 'POST',
          rawBody: bytes,
          contentType: 'text/csv',
        }),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return html`<section>
    <${PageTitle} title=${t('import.title')} />
    <div class="panel">
      <p>${t('import.help')}</p>
      <p class="muted small">${t('import.columns')}</p>
      <form class="form" onSubmit=${upload}>
        <div class="field">
          <label for="f-file">${t('import.file')}</label>
          <input id="f-file" name="file" type="file" accept=".csv,text/csv"
            onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0])} />
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled=${!file || busy}>
            ${busy ? t('import.uploading') : t('import.submit')}
          </button>
        </div>
      </form>
    </div>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    ${
      result
        ? html`<div class="panel" data-testid="import-result">
            <h2>${t('import.result')}</h2>
            <p>
              ${t('import.summary', {
                total: formatNumber(result.summary.total),
                created: formatNumber(result.summary.created),
                updated: formatNumber(result.summary.updated),
                unchanged: formatNumber(result.summary.unchanged),
                rejected: formatNumber(result.summary.rejected),
              })}
              <span class="muted small"> · ${t('import.encoding', { encoding: result.encoding })}</span>
            </p>
            <table class="table responsive">
              <thead><tr><th>${t('import.line')}</th><th>${t('import.status')}</th><th>${t('unit.creditCode')}</th><th>${t('import.errors')}</th></tr></thead>
              <tbody>
                ${result.rows.map(
                  (row) => html`<tr class=${`row-${row.status}`}>
                    <td data-label=${t('import.line')}>${row.line}</td>
                    <td data-label=${t('import.status')}><span class=${`badge import-${row.status}`}>${label('importStatus', row.status)}</span></td>
                    <td data-label=${t('unit.creditCode')}>
                      ${row.unitId ? html`<a href=${`/${tenant}/units/${row.unitId}`}><code>${row.creditCode ?? ''}</code></a>` : html`<code>${row.creditCode ?? ''}</code>`}
                    </td>
                    <td data-label=${t('import.errors')}>
                      ${(row.errors ?? []).map((problem) => html`<div class="field-error"><code>${problem.path}</code> ${problem.message}</div>`)}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : null
    }
  </section>`;
}
