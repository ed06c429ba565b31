import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { ErrorNotice, PageTitle } from '../components/common.ts';
import { JobProgress, useJobPolling } from '../components/register-export.ts';
import { html } from '../html.ts';
import { formatNumber, t } from '../i18n/index.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface ImportJob {
  id: string;
  status: 'waiting' | 'running' | 'done' | 'failed';
  processed: number;
  total?: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
  rejected: { line: number; creditCode?: string; errors: { path: string; message: string }[] }[];
  failure?: string;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Imports a county's units from an .xlsx or CSV file of any size: the file goes straight to storage with a
 * presigned upload, a job reads it, and the page shows its progress and then the rows it refused.
 */
export function ImportJobPage() {
  const [file, setFile] = useState<File | undefined>();
  const [jobId, setJobId] = useState<string | undefined>();
  const [job, setJob] = useState<ImportJob | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useJobPolling<ImportJob>(jobId ? `/imports/${jobId}` : undefined, setJob);
  const upload = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setJob(undefined);
    setJobId(undefined);
    try {
      const bytes = await file.arrayBuffer();
      const contentType = file.name.toLowerCase().endsWith('.xlsx') ? XLSX : 'text/csv';
      const announced = await api<{ id: string; upload: { url: string; headers: Record<string, string> } }>(
        '/imports',
        {
          method: 'POST',
          body: { kind: 'units', contentType, size: bytes.byteLength, sha256: await sha256Hex(bytes) },
        },
      );
      const put = await fetch(announced.upload.url, {
        method: 'PUT',
        headers: announced.upload.headers,
        body: bytes,
      });
      if (!put.ok) throw new Error(t('registers.uploadFailed', { status: put.status }));
      await api(`/imports/${announced.id}/start`, { method: 'POST' });
      setJobId(announced.id);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const finished = job?.status === 'done' || job?.status === 'failed';
  return html`<section>
    <${PageTitle} title=${t('registers.importTitle')} />
    <div class="panel">
      <p>${t('registers.importHelp')}</p>
      <p class="muted small">${t('import.columns')}</p>
      <form class="form" onSubmit=${upload}>
        <div class="field">
          <label for="f-import-file">${t('import.file')}</label>
          <input id="f-import-file" name="file" type="file" accept=".xlsx,.csv,text/csv,${XLSX}"
            onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0])} />
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled=${!file || busy || (jobId !== undefined && !finished)}>
            ${busy ? t('import.uploading') : t('import.submit')}
          </button>
        </div>
      </form>
      ${
        jobId && !finished
          ? html`<${JobProgress} label=${t('registers.importing')} done=${job?.processed ?? 0} total=${job?.total} />`
          : null
      }
    </div>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    ${job?.status === 'failed' ? html`<p class="error" role="alert">${job.failure ?? t('registers.failed')}</p>` : null}
    ${
      job?.status === 'done'
        ? html`<div class="panel" data-testid="import-report">
            <h2>${t('import.result')}</h2>
            <p>${t('registers.importSummary', {
              total: formatNumber(job.processed),
              created: formatNumber(job.created),
              updated: formatNumber(job.updated),
              skipped: formatNumber(job.skipped),
              errors: formatNumber(job.errors),
            })}</p>
            ${
              job.rejected.length > 0
                ? html`<table class="table responsive">
                    <thead><tr><th>${t('import.line')}</th><th>${t('unit.creditCode')}</th><th>${t('import.errors')}</th></tr></thead>
                    <tbody>
                      ${job.rejected.map(
                        (row) => html`<tr class="row-rejected">
                          <td data-label=${t('import.line')}>${row.line}</td>
                          <td data-label=${t('unit.creditCode')}>${row.creditCode ?? ''}</td>
                          <td data-label=${t('import.errors')}>${row.errors.map((e) => `${e.path}: ${e.message}`).join('；')}</td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>`
                : null
            }
          </div>`
        : null
    }
  </section>`;
}
