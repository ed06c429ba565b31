import { useState } from 'preact/hooks';
import { api, query } from '../api/client.ts';
import type { EmergencyPlan } from '../api/types.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDate, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { ErrorNotice, Field, Loading, OtherErrors } from './common.ts';

const PLAN_FILE_TYPES =
  'application/pdf,image/jpeg,image/png,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The file goes the way every photo goes: announced (type, size, hash), put straight to object storage with the
 * presigned PUT, and named in the plan, which the API files only once it has read the file back and hashed it.
 */
async function filePlan(
  target: { unitId?: string; riskPointId?: string },
  fields: { title: string; planVersion: string; reviewDate: string },
  file: File,
): Promise<void> {
  const announced = await api<{
    upload: { url: string; method: string; headers: Record<string, string> };
    photo: { id: string };
  }>('/plans/files', {
    method: 'POST',
    body: { contentType: file.type || 'application/pdf', size: file.size, sha256: await sha256Hex(file) },
  });
  const put = await fetch(announced.upload.url, {
    method: announced.upload.method,
    headers: announced.upload.headers,
    body: file,
  });
  if (!put.ok) throw new Error(`upload failed: ${put.status}`);
  await api('/plans', { method: 'POST', body: { ...target, ...fields, fileId: announced.photo.id } });
}

async function download(plan: EmergencyPlan) {
  const link = await api<{ url: string }>(`/plans/${plan.id}/file`);
  window.open(link.url, '_blank', 'noopener');
}

/** A unit's or a risk point's emergency plans: each with its edition and review date (flagged once past), a
 * download, and (for those who keep plans) a form to file one. */
export function PlansPanel({ unitId, riskPointId }: { unitId?: string; riskPointId?: string }) {
  const filter = riskPointId ? { riskPoint: riskPointId } : { unit: unitId };
  const plans = useAsync(
    () => api<{ items: EmergencyPlan[] }>(`/plans${query(filter)}`),
    [unitId, riskPointId],
  );
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File>();
  const [fields, setFields] = useState({ title: '', planVersion: '', reviewDate: '' });
  const [done, setDone] = useState(false);
  const submission = useSubmission();
  const field = (name: keyof typeof fields) => (e: Event) =>
    setFields({ ...fields, [name]: (e.target as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (!file) {
      submission.setErrors([{ path: 'fileId', message: t('plans.pickFile') }]);
      return;
    }
    void submission.submit(async () => {
      await filePlan(riskPointId ? { riskPointId } : { unitId }, fields, file);
      setDone(true);
      setOpen(false);
      setFields({ title: '', planVersion: '', reviewDate: '' });
      setFile(undefined);
      plans.reload();
    });
  };
  return html`<div class="panel" data-testid="plans-panel">
    <div class="section-head">
      <h2>${t('plans.title')}</h2>
      ${can('plan.manage') ? html`<button type="button" class="button button-small" onClick=${() => setOpen(!open)}>${t('plans.upload')}</button>` : null}
    </div>
    ${done ? html`<p class="notice notice-ok" role="status">${t('plans.uploaded')}</p>` : null}
    ${
      open
        ? html`<form class="plan-form" onSubmit=${submit} data-testid="plan-form">
          <${OtherErrors} errors=${submission.errors} fields=${['title', 'planVersion', 'reviewDate', 'fileId']} />
          ${submission.error ? html`<${ErrorNotice} error=${submission.error} />` : null}
          <${Field} label=${t('plans.planTitle')} name="title" errors=${submission.errors}>
            <input id="f-title" name="title" value=${fields.title} onInput=${field('title')} required />
          </${Field}>
          <${Field} label=${t('plans.planVersion')} name="planVersion" errors=${submission.errors}>
            <input id="f-planVersion" name="planVersion" value=${fields.planVersion} onInput=${field('planVersion')} required />
          </${Field}>
          <${Field} label=${t('plans.reviewDate')} name="reviewDate" errors=${submission.errors}>
            <input id="f-reviewDate" name="reviewDate" type="date" value=${fields.reviewDate} onInput=${field('reviewDate')} required />
          </${Field}>
          <${Field} label=${t('plans.file')} name="fileId" errors=${submission.errors}>
            <input id="f-fileId" name="file" type="file" accept=${PLAN_FILE_TYPES}
              onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0])} />
          </${Field}>
          <button type="submit" class="button button-primary" disabled=${submission.busy}>${t('plans.upload')}</button>
        </form>`
        : null
    }
    ${plans.error ? html`<${ErrorNotice} error=${plans.error} onRetry=${plans.reload} />` : null}
    ${plans.loading && !plans.data ? html`<${Loading} />` : null}
    ${plans.data && plans.data.items.length === 0 ? html`<p class="muted">${t('plans.empty')}</p>` : null}
    <ul class="plain-list" data-testid="plan-list">
      ${(plans.data?.items ?? []).map(
        (plan) => html`<li data-plan=${plan.id} data-overdue=${String(plan.reviewOverdue)}>
          <strong>${plan.title}</strong> <span class="muted">${plan.planVersion}</span>
          ${plan.reviewOverdue ? html` <span class="badge badge-bad">${t('plans.overdue')}</span>` : null}
          <div class="muted small">
            ${t('plans.reviewDate')}: ${formatDate(plan.reviewDate)}
            ${plan.riskPointName && !riskPointId ? html` · ${t('plans.ofPoint', { name: plan.riskPointName })}` : null}
          </div>
          <button type="button" class="button button-small" onClick=${() => void download(plan)}>${t('plans.download')}</button>
        </li>`,
      )}
    </ul>
  </div>`;
}
