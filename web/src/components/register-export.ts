import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { html } from '../html.ts';
import { formatNumber, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { ErrorNotice } from './common.ts';

type RegisterKind = 'units' | 'risk-points' | 'hazards' | 'patrols';
interface ExportJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  rows: number;
  total?: number;
  url?: string;
  failure?: string;
}

/** How often a running job is asked for its progress. */
export const JOB_POLL_MS = 700;

/** Polls `path` until the job is no longer running (or waiting), handing each answer to `seen`. */
export function useJobPolling<J extends { status: string }>(
  path: string | undefined,
  seen: (job: J) => void,
) {
  useEffect(() => {
    if (!path) return;
    let stopped = false;
    const poll = async () => {
      while (!stopped) {
        const job = await api<J>(path);
        if (stopped) return;
        seen(job);
        if (job.status === 'done' || job.status === 'failed') return;
        await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
      }
    };
    poll().catch(() => undefined);
    return () => {
      stopped = true;
    };
  }, [path]);
}

/**
 * Exports the whole filtered list (not just the page shown) as .xlsx or .csv: the API runs it as a job, this shows
 * its progress and then a download link. Shown to the people the county lets export.
 */
export function RegisterExport({ kind, filters }: { kind: RegisterKind; filters: Record<string, string> }) {
  const [jobId, setJobId] = useState<string | undefined>();
  const [job, setJob] = useState<ExportJob | undefined>();
  const [error, setError] = useState<unknown>();
  useJobPolling<ExportJob>(jobId ? `/exports/${jobId}` : undefined, setJob);
  if (!can('register.export')) return null;
  const start = async (format: 'xlsx' | 'csv') => {
    setError(undefined);
    setJob(undefined);
    try {
      const given = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== ''));
      const { id } = await api<{ id: string }>('/exports', {
        method: 'POST',
        body: { kind, format, filters: given },
      });
      setJobId(id);
    } catch (caught) {
      setError(caught);
    }
  };
  const running = job === undefined ? jobId !== undefined : job.status === 'running';
  return html`<div class="register-export" data-testid="register-export">
    <button type="button" class="button" disabled=${running} onClick=${() => start('xlsx')}>${t('registers.exportXlsx')}</button>
    <button type="button" class="button" disabled=${running} onClick=${() => start('csv')}>${t('registers.exportCsv')}</button>
    ${
      running
        ? html`<${JobProgress} label=${t('registers.exporting')} done=${job?.rows ?? 0} total=${job?.total} />`
        : null
    }
    ${
      job?.status === 'done' && job.url
        ? html`<a class="button button-primary" href=${job.url} download data-testid="export-download">
            ${t('registers.download', { rows: formatNumber(job.rows) })}</a>`
        : null
    }
    ${job?.status === 'failed' ? html`<p class="error" role="alert">${job.failure ?? t('registers.failed')}</p>` : null}
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
  </div>`;
}

/** A labelled progress bar: determinate once the total is known. */
export function JobProgress({
  label,
  done,
  total,
}: {
  label: string;
  done: number;
  total: number | undefined;
}) {
  return html`<div class="job-progress" data-testid="job-progress">
    <progress max=${total ?? undefined} value=${total === undefined ? undefined : done} aria-label=${label}></progress>
    <span class="muted small" aria-live="polite">
      ${total === undefined ? label : t('registers.progress', { done: formatNumber(done), total: formatNumber(total) })}
    </span>
  </div>`;
}
