import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { Hazard, Inspection, UnitView } from '../api/types.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../components/common.ts';
import { describePhoto, PhotoPicker } from '../components/photo-picker.ts';
import { PositionField } from '../components/position-field.ts';
import { SignaturePad, signaturePng } from '../components/signature-pad.ts';
import { usePosition } from '../geo.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { navigate, searchParams } from '../router.ts';
import { session } from '../session.ts';

const OUTCOMES = ['compliant', 'order', 'case', 'referral'] as const;
type Finding = { text: string; severity: 'general' | 'major' };

/** Announces one photo (or the drawn signature) for the inspection about to be recorded, and uploads it. */
async function uploaded(file: File, position: { lat: number; lng: number } | undefined): Promise<string> {
  const photo = await describePhoto(file, position);
  const { blob, ...announced } = photo;
  const answer = await api<{
    upload: { url: string; headers: Record<string, string> };
    photo: { id: string };
  }>('/inspections/photos', { method: 'POST', body: announced });
  const put = await fetch(answer.upload.url, { method: 'PUT', headers: answer.upload.headers, body: blob });
  if (!put.ok) throw new Error(`upload failed: ${put.status}`);
  return answer.photo.id;
}

/**
 * The on-site inspection form (现场检查), from a unit's page (`?unit=`) or an escalated hazard's (`?hazard=`):
 * items checked, findings, the two officers and their 执法证, photos, the unit's signature drawn on the screen
 * or its refusal, and the outcome.
 */
export function InspectionNewPage() {
  const params = searchParams.value;
  const unitId = params.get('unit') ?? '';
  const hazardId = params.get('hazard') ?? '';
  if (!unitId && !hazardId) return html`<${ChooseWhatToInspect} />`;
  return html`<${InspectionForm} unitId=${unitId} hazardId=${hazardId} />`;
}

/** Reached without a unit or a hazard (a bookmark, a typed address): says where an inspection starts. */
function ChooseWhatToInspect() {
  const tenant = session.value!.tenant;
  return html`<section data-testid="inspection-start">
    <${PageTitle} title=${t('inspections.newTitle')} />
    <p>${t('inspections.startFrom')}</p>
    <p><a href=${`/${tenant}/units`}>${t('nav.units')}</a></p>
  </section>`;
}

function InspectionForm({ unitId, hazardId }: { unitId: string; hazardId: string }) {
  const me = session.value!.user;
  const target = useAsync(async () => {
    const hazard = hazardId ? await api<Hazard>(`/hazards/${encodeURIComponent(hazardId)}`) : undefined;
    const unit = await api<UnitView>(`/units/${encodeURIComponent(hazard?.unitId ?? unitId)}`);
    return { hazard, unit };
  }, [unitId, hazardId]);
  const officers = useAsync(
    () => api<{ items: { personId: string; name: string }[] }>('/inspections/officers'),
    [],
  );
  const { position, locating, locate } = usePosition();
  const [checked, setChecked] = useState('');
  const [findings, setFindings] = useState<Finding[]>([]);
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('compliant');
  const [deadline, setDeadline] = useState('');
  const [caseNo, setCaseNo] = useState('');
  const [referralTo, setReferralTo] = useState('');
  const [team, setTeam] = useState([
    { personId: me.id, certificateNo: '' },
    { personId: '', certificateNo: '' },
  ]);
  const [photos, setPhotos] = useState<File[]>([]);
  const [signer, setSigner] = useState('');
  const [drawn, setDrawn] = useState<HTMLCanvasElement | undefined>();
  const [refused, setRefused] = useState(false);
  const [refusedReason, setRefusedReason] = useState('');
  const { errors, error, busy, submit } = useSubmission();
  if (target.error) return html`<${ErrorNotice} error=${target.error} onRetry=${target.reload} />`;
  if (!target.data) return html`<${Loading} />`;
  const { unit, hazard } = target.data;
  const where = position ?? unit.location;
  const setOfficer = (index: number, change: Partial<(typeof team)[number]>) =>
    setTeam(team.map((officer, i) => (i === index ? { ...officer, ...change } : officer)));
  const send = () =>
    submit(async () => {
      const photoIds = [];
      for (const file of photos) photoIds.push(await uploaded(file, where));
      const signature = refused
        ? { signer: 'unit', name: signer, refusedReason }
        : {
            signer: 'unit',
            name: signer,
            ...(drawn ? { photoId: await uploaded(await signaturePng(drawn), where) } : {}),
          };
      const created = await api<{ inspection: Inspection }>('/inspections', {
        method: 'POST',
        headers: { 'idempotency-key': crypto.randomUUID() },
        body: {
          ...(hazard ? { hazardId: hazard.id } : { unitId: unit.id }),
          checkedItems: checked
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean),
          findings,
          ...(photoIds.length > 0 ? { photoIds } : {}),
          position: where,
          signatures: [signature],
          officers: team,
          outcome,
          ...(outcome === 'order' && deadline
            ? { deadline: new Date(`${deadline}T18:00:00+08:00`).toISOString() }
            : {}),
          ...(outcome === 'case' ? { case: { caseNo, status: 'filed' } } : {}),
          ...(outcome === 'referral' ? { referral: { to: referralTo } } : {}),
        },
      });
      navigate(`/${session.value!.tenant}/inspections/${created.inspection.id}`);
    });
  const input = (id: string, value: string, set: (value: string) => void, type = 'text') =>
    html`<input id=${`f-${id}`} type=${type} value=${value} onInput=${(e: Event) => set((e.target as HTMLInputElement).value)} />`;
  return html`<section data-testid="inspection-form">
    <${PageTitle} title=${`${t('inspections.newTitle')} · ${unit.name}`} />
    ${hazard ? html`<p>${t('inspections.followingHazard')}: ${hazard.title}</p>` : null}
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${['checkedItems', 'findings', 'officers', 'signatures', 'position', 'deadline', 'case', 'referral', 'outcome']} />
    <form class="panel" onSubmit=${(e: Event) => {
      e.preventDefault();
      void send();
    }}>
      <${Field} label=${t('inspections.checkedItems')} name="checkedItems" errors=${errors}>
        <textarea id="f-checkedItems" required value=${checked} onInput=${(e: Event) => setChecked((e.target as HTMLTextAreaElement).value)}></textarea>
      </${Field}>
      <fieldset data-testid="findings">
        <legend>${t('inspections.findings')}</legend>
        ${findings.map(
          (finding, index) => html`<div class="inline-inputs" data-finding=${index}>
            <label for=${`f-finding-${index}`} class="visually-hidden">${t('inspections.finding', { n: index + 1 })}</label>
            <input id=${`f-finding-${index}`} value=${finding.text} placeholder=${t('inspections.findingText')}
              onInput=${(e: Event) => setFindings(findings.map((f, i) => (i === index ? { ...f, text: (e.target as HTMLInputElement).value } : f)))} />
            <label for=${`f-severity-${index}`} class="visually-hidden">${t('inspections.severity')}</label>
            <select id=${`f-severity-${index}`} value=${finding.severity}
              onChange=${(e: Event) => setFindings(findings.map((f, i) => (i === index ? { ...f, severity: (e.target as HTMLSelectElement).value as Finding['severity'] } : f)))}>
              <option value="general">${t('severity.general')}</option>
              <option value="major">${t('severity.major')}</option>
            </select>
            <button type="button" class="button button-small" onClick=${() => setFindings(findings.filter((_, i) => i !== index))}>${t('inspections.removeFinding')}</button>
          </div>`,
        )}
        <button type="button" class="button" data-testid="add-finding" onClick=${() => setFindings([...findings, { text: '', severity: 'general' }])}>${t('inspections.addFinding')}</button>
      </fieldset>
      <fieldset data-testid="officers">
        <legend>${t('inspections.officers')}</legend>
        ${team.map(
          (officer, index) => html`<div class="inline-inputs">
            <label for=${`f-officer-${index}`}>${t('inspections.officer', { n: index + 1 })}</label>
            <select id=${`f-officer-${index}`} value=${officer.personId} onChange=${(e: Event) => setOfficer(index, { personId: (e.target as HTMLSelectElement).value })}>
              <option value="">—</option>
              ${(officers.data?.items ?? []).map((o) => html`<option value=${o.personId}>${o.name}</option>`)}
            </select>
            <label for=${`f-certificate-${index}`}>${t('inspections.certificateNo')}</label>
            ${input(`certificate-${index}`, officer.certificateNo, (value) => setOfficer(index, { certificateNo: value }))}
          </div>`,
        )}
      </fieldset>
      <${Field} label=${t('inspections.outcome')} name="outcome" errors=${errors}>
        <select id="f-outcome" value=${outcome} onChange=${(e: Event) => setOutcome((e.target as HTMLSelectElement).value as typeof outcome)}>
          ${OUTCOMES.map((o) => html`<option value=${o}>${t(`inspectionOutcome.${o}`)}</option>`)}
        </select>
      </${Field}>
      ${outcome === 'order' ? html`<${Field} label=${t('inspections.deadline')} name="deadline" errors=${errors}>${input('deadline', deadline, setDeadline, 'date')}</${Field}>` : null}
      ${outcome === 'case' ? html`<${Field} label=${t('inspections.caseNo')} name="case" errors=${errors}>${input('case', caseNo, setCaseNo)}</${Field}>` : null}
      ${outcome === 'referral' ? html`<${Field} label=${t('inspections.referralTo')} name="referral" errors=${errors}>${input('referral', referralTo, setReferralTo)}</${Field}>` : null}
      <${Field} label=${t('inspections.photos')} name="photoIds" errors=${errors}>
        <${PhotoPicker} id="f-photoIds" photos=${photos} onChange=${setPhotos} testId="inspection-photos" />
      </${Field}>
      <${PositionField} position=${where} locating=${locating} locate=${locate} errors=${errors} />
      <fieldset data-testid="signature">
        <legend>${t('inspections.signature')}</legend>
        <${Field} label=${t('inspections.signerName')} name="signatures" errors=${errors}>${input('signatures', signer, setSigner)}</${Field}>
        <label class="checkbox"><input type="checkbox" data-testid="refused" checked=${refused} onChange=${(e: Event) => setRefused((e.target as HTMLInputElement).checked)} /> ${t('inspections.refused')}</label>
        ${
          refused
            ? html`<${Field} label=${t('inspections.refusedReason')} name="refusedReason">${input('refusedReason', refusedReason, setRefusedReason)}</${Field}>`
            : html`<${SignaturePad} id="f-signature" label=${t('inspections.signature')} onChange=${setDrawn} />`
        }
      </fieldset>
      <button type="submit" class="button button-primary" disabled=${busy}>${t('inspections.submit')}</button>
    </form>
  </section>`;
}
