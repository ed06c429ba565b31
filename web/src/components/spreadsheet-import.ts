import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { FieldProblem } from '../api/types.ts';
import { html } from '../html.ts';
import { formatNumber, label, t } from '../i18n/index.ts';
import { ErrorNotice } from './common.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The answer of any spreadsheet import: counts, and one line per row. */
export interface ImportResult<Row> {
  encoding: string;
  summary: { total: number; created: number; updated: number; unchanged: number; rejected: number };
  rows: (Row & {
    line: number;
    status: 'created' | 'updated' | 'unchanged' | 'rejected';
    errors?: FieldProblem[];
  })[];
}

/**
 * Uploads a spreadsheet saved as CSV (or, with `xlsx`, an Excel workbook too) and shows the answer row by row.
 * The file goes up as bytes, untouched, because Excel in China saves GB18030 and only the API knows how to tell.
 * `record` draws the column naming what a row came to (a unit's credit code, a grid's division code).
 */
export function SpreadsheetImport<Row>({
  path,
  recordHeading,
  record,
  xlsx = false,
  children,
}: {
  path: string;
  /** The route also reads .xlsx workbooks: the picker offers them and they go up as such. */
  xlsx?: boolean;
  recordHeading: string;
  record: (row: Row) => ComponentChildren;
  children?: ComponentChildren;
}) {
  const [file, setFile] = useState<File | undefined>();
  const [result, setResult] = useState<ImportResult<Row> | undefined>();
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
      const contentType = xlsx && file.name.toLowerCase().endsWith('.xlsx') ? XLSX : 'text/csv';
      setResult(await api<ImportResult<Row>>(path, { method: 'POST', rawBody: bytes, contentType }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="panel">
      ${children}
      <form class="form" onSubmit=${upload}>
        <div class="field">
          <label for="f-file">${t('import.file')}</label>
          <input id="f-file" name="file" type="file" accept=${xlsx ? `.xlsx,.csv,text/csv,${XLSX}` : '.csv,text/csv'}
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
              <thead><tr><th>${t('import.line')}</th><th>${t('import.status')}</th><th>${recordHeading}</th><th>${t('import.errors')}</th></tr></thead>
              <tbody>
                ${result.rows.map(
                  (row) => html`<tr class=${`row-${row.status}`}>
                    <td data-label=${t('import.line')}>${row.line}</td>
                    <td data-label=${t('import.status')}><span class=${`badge import-${row.status}`}>${label('importStatus', row.status)}</span></td>
                    <td data-label=${recordHeading}>${record(row)}</td>
                    <td data-label=${t('import.errors')}>
                      ${(row.errors ?? []).map((problem) => html`<div class="field-error"><code>${problem.path}</code> ${problem.message}</div>`)}
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : null
    }`;
}
