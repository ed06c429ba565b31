import { useState } from 'preact/hooks';
import { ApiError, api, apiBase } from '../api/client.ts';
import type { AuditTrail, Inspection } from '../api/types.ts';
import { AuditHistory } from '../components/audit-history.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../components/common.ts';
import { PhotoPanel } from '../components/photo-tile.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, label, t } from '../i18n/index.ts';
import { accessToken, session } from '../session.ts';

const DOCUMENTS = ['record', 'order', 'review'] as const;

/** The documents an inspection has so far: the record always, the order of an order, the review once made. */
function documentsOf(inspection: Inspection) {
  return DOCUMENTS.filter(
    (kind) =>
      kind === 'record' || (kind === 'order' ? Boolean(inspection.order) : Boolean(inspection.followUp)),
  );
}

/** The follow-up (整改复查) of an order: for every hazard it made, rectified or not, and the opinion. */
function FollowUpForm({ inspection, onSaved }: { inspection: Inspection; onSaved: () => void }) {
  const ordered = inspection.findings.filter((finding) => finding.hazardId);
  const [rectified, setRectified] = useState<Record<string, boolean>>({});
  const [opinion, setOpinion] = useState('');
  const { errors, error, busy, submit } = useSubmission();
  const send = () =>
    submit(async () => {
      await api(`/inspections/${inspection.id}/follow-up`, {
        method: 'POST',
        body: {
          version: inspection.version,
          opinion,
          items: ordered.map((finding) => ({
            hazardId: finding.hazardId!,
            rectified: rectified[finding.hazardId!] ?? false,
          })),
        },
      });
      onSaved();
    });
  return html`<form class="panel" data-testid="follow-up" onSubmit=${(e: Event) => {
    e.preventDefault();
    void send();
  }}>
    <h2>${t('inspections.followUp')}</h2>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${['opinion']} />
    <fieldset>
      <legend>${t('inspections.rectified')}</legend>
      ${ordered.map(
        (
          finding,
        ) => html`<label class="checkbox"><input type="checkbox" checked=${rectified[finding.hazardId!] ?? false}
          onChange=${(e: Event) => setRectified({ ...rectified, [finding.hazardId!]: (e.target as HTMLInputElement).checked })} />
          ${finding.text}</label>`,
      )}
    </fieldset>
    <${Field} label=${t('inspections.opinion')} name="opinion" errors=${errors}>
      <textarea id="f-opinion" required value=${opinion} onInput=${(e: Event) => setOpinion((e.target as HTMLTextAreaElement).value)}></textarea>
    </${Field}>
    <button type="submit" class="button button-primary" disabled=${busy}>${t('inspections.saveFollowUp')}</button>
  </form>`;
}

/** One inspection: what was checked and found, by whom, the outcome, its documents, and its follow-up. */
export function InspectionPage({ id }: { id: string }) {
  const tenant = session.value?.tenant ?? '';
  const inspection = useAsync(() => api<Inspection>(`/inspections/${encodeURIComponent(id)}`), [id]);
  const audit = useAsync(() => api<AuditTrail>(`/inspections/${encodeURIComponent(id)}/audit`), [id]);
  if (inspection.error)
    return html`<${ErrorNotice} error=${inspection.error} onRetry=${inspection.reload} />`;
  if (!inspection.data) return html`<${Loading} />`;
  const i = inspection.data;
  const rows: [string, string][] = [
    [t('inspections.number'), i.number],
    [t('inspections.inspectedAt'), formatDateTime(i.inspectedAt)],
    [t('inspections.outcome'), label('inspectionOutcome', i.outcome)],
    [t('inspections.status'), label('inspectionStatus', i.status)],
    [t('inspections.officers'), i.officers.map((o) => `${o.name}(${o.certificateNo})`).join('、')],
    ...(i.order
      ? ([[t('inspections.deadline'), formatDateTime(i.order.deadline)]] as [string, string][])
      : []),
    ...(i.case
      ? ([
          [t('inspections.caseNo'), i.case.caseNo],
          [t('inspections.caseStatus'), label('caseStatus', i.case.status)],
          [t('inspections.penalty'), i.case.penalty ?? ''],
        ] as [string, string][])
      : []),
    ...(i.referral ? ([[t('inspections.referralTo'), i.referral.to]] as [string, string][]) : []),
    [
      t('inspections.signature'),
      i.signatures
        .filter((s) => s.signer === 'unit')
        .map((s) => (s.refusedReason ? `${s.name}:${t('inspections.refused')}(${s.refusedReason})` : s.name))
        .join(''),
    ],
  ];
  const changed = () => {
    inspection.reload();
    audit.reload();
  };
  return html`<section data-testid="inspection-record" data-status=${i.status}>
    <${PageTitle} title=${`${t('inspections.title')} · ${i.unitName}`}>
      ${i.followUpDue ? html`<span class="badge badge-bad" data-testid="follow-up-due">${t('inspections.followUpDue')}</span>` : null}
    </${PageTitle}>
    <p>
      ${t('inspections.unit')}: <a href=${`/${tenant}/units/${i.unitId}`}>${i.unitName}</a>
      ${i.hazardId ? html` · <a href=${`/${tenant}/hazards/${i.hazardId}`}>${t('inspections.followingHazard')}</a>` : null}
    </p>
    <div class="panel">
      <dl class="details">${rows.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value || '—'}</dd></div>`)}</dl>
      <h2>${t('inspections.checkedItems')}</h2>
      <ul>${i.checkedItems.map((item) => html`<li>${item}</li>`)}</ul>
      <h2>${t('inspections.findings')}</h2>
      ${i.findings.length === 0 ? html`<p class="muted">—</p>` : null}
      <ul data-testid="findings">${i.findings.map(
        (f) =>
          html`<li>${f.text}(${label('severity', f.severity)})${
            f.hazardId
              ? html` · <a href=${`/${tenant}/hazards/${f.hazardId}`} data-testid="resulting-hazard">${t('inspections.resultingHazards')}</a>`
              : null
          }</li>`,
      )}</ul>
    </div>
    <div class="panel" data-testid="documents">
      <h2>${t('inspections.documents')}</h2>
      <ul>${documentsOf(i).map(
        (kind) =>
          html`<li><a href=${`/${tenant}/inspections/${i.id}/print/${kind}`}>${t(`inspectionDocument.${kind}`)}</a></li>`,
      )}</ul>
    </div>
    ${(i.allowedActions ?? []).includes('follow-up') ? html`<${FollowUpForm} key=${i.version} inspection=${i} onSaved=${changed} />` : null}
    <${PhotoPanel} base=${`/inspections/${i.id}`} photos=${i.photos} alt=${i.number} />
    ${audit.data ? html`<${AuditHistory} trail=${audit.data} statusPrefix="inspectionStatus" />` : null}
  </section>`;
}

/** One of an inspection's documents, rendered by the API, in a sandboxed frame to print. */
export function InspectionPrintPage({ id, kind }: { id: string; kind: string }) {
  const page = useAsync(async () => {
    const token = await accessToken();
    const response = await fetch(
      `${apiBase(session.value!.tenant)}/inspections/${encodeURIComponent(id)}/documents/${encodeURIComponent(kind)}`,
      { headers: token ? { authorization: `Bearer ${token}` } : {} },
    );
    if (!response.ok) throw new ApiError(response.status);
    return response.text();
  }, [id, kind]);
  let frame: HTMLIFrameElement | null = null;
  const title = (DOCUMENTS as readonly string[]).includes(kind)
    ? t(`inspectionDocument.${kind as 'record'}`)
    : kind;
  return html`<section data-testid="inspection-print">
    <${PageTitle} title=${title}>
      ${page.data ? html`<button type="button" class="button button-primary" onClick=${() => frame?.contentWindow?.print()}>${t('inspections.print')}</button>` : null}
    </${PageTitle}>
    ${page.error ? html`<${ErrorNotice} error=${page.error} onRetry=${page.reload} />` : null}
    ${!page.data && !page.error ? html`<${Loading} />` : null}
    ${
      page.data
        ? html`<iframe class="notice-board" title=${t('inspections.printFrame')} sandbox="allow-same-origin allow-modals" srcdoc=${page.data}
            ref=${(element: HTMLIFrameElement | null) => {
              frame = element;
            }}></iframe>`
        : null
    }
  </section>`;
}
