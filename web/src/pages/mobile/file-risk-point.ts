import { useState } from 'preact/hooks';
import { api, query } from '../../api/client.ts';
import type { Color, FieldProblem, KnowledgeIndustry, Page, RiskPoint, Unit } from '../../api/types.ts';
import { ColourBadge } from '../../components/colour-badge.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../../components/common.ts';
import { describePhoto, PhotoPicker } from '../../components/photo-picker.ts';
import { PositionField } from '../../components/position-field.ts';
import { type SaveMessage, SaveNotice } from '../../components/save-notice.ts';
import { usePosition } from '../../geo.ts';
import { useAsync } from '../../hooks.ts';
import { html } from '../../html.ts';
import { t } from '../../i18n/index.ts';
import { submitWithPhotos } from '../../offline/sync.ts';
import { loadIndustries } from '../../ref-data.ts';
import { navigate, searchParams } from '../../router.ts';
import { session } from '../../session.ts';

/** The LEC scales as the grading tables print them (likelihood, exposure, consequence). */
const LEC = { L: [10, 6, 3, 1, 0.5, 0.2, 0.1], E: [10, 6, 3, 2, 1, 0.5], C: [100, 40, 15, 7, 3, 1] } as const;
const ANSWER_WAIT_MS = 8_000;
const FIELDS = ['name', 'unitId', 'industry', 'templateCode', 'location', 'assessment'] as const;

interface Band {
  color: Exclude<Color, 'ungraded'>;
  above: number | null;
}

/** The colour the county's table gives a score (the API grades again; this is only the preview). */
function previewColour(score: number, bands: Band[] | undefined): Color | undefined {
  return bands?.find((band) => band.above === null || score > band.above)?.color;
}

/**
 * Filing a risk point in the field, menu-driven: pick the unit, its industry's typical risk points from the
 * knowledge base, check the suggested grading, take photos, and save. The point and its photos go through the
 * device's outbox, so a dead zone loses nothing: they sync, in order, when the network returns.
 */
export function FileRiskPointPage() {
  const current = session.value!;
  const tenant = current.tenant;
  const units = useAsync(() => api<Page<Unit>>(`/units${query({ limit: 100 })}`, { offlineCache: true }), []);
  const industries = useAsync(loadIndustries, []);
  const settings = useAsync(
    () =>
      api<{ settings: { grading: { version: number; LEC: Band[] } } }>('/settings', {
        offlineCache: true,
      }).catch(() => undefined),
    [],
  );
  const [unitId, setUnitId] = useState(searchParams.value.get('unit') ?? '');
  const unit = units.data?.items.find((u) => u.id === unitId);
  const [industry, setIndustry] = useState('');
  const effectiveIndustry = industry || unit?.industry || '';
  const knowledge = useAsync(
    () =>
      effectiveIndustry
        ? api<KnowledgeIndustry>(`/knowledge/industries/${encodeURIComponent(effectiveIndustry)}`, {
            offlineCache: true,
          })
        : Promise.resolve(undefined),
    [effectiveIndustry],
  );
  const [templateCode, setTemplateCode] = useState('');
  const template = knowledge.data?.templates.find((tpl) => tpl.code === templateCode);
  const [name, setName] = useState('');
  const [lec, setLec] = useState({ L: 3, E: 6, C: 7 });
  const { position: location, locating, locate } = usePosition();
  const [photos, setPhotos] = useState<File[]>([]);
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<SaveMessage | undefined>();
  const [busy, setBusy] = useState(false);

  const chooseTemplate = (code: string) => {
    setTemplateCode(code);
    const chosen = knowledge.data?.templates.find((tpl) => tpl.code === code);
    if (chosen) {
      setName(chosen.name);
      setLec({
        L: chosen.suggestedAssessment.L,
        E: chosen.suggestedAssessment.E,
        C: chosen.suggestedAssessment.C,
      });
    }
  };
  const score = Math.round(lec.L * lec.E * lec.C * 100) / 100;
  const colour = previewColour(score, settings.data?.settings.grading.LEC);

  const save = async (event: Event) => {
    event.preventDefault();
    const problems: FieldProblem[] = [];
    if (!unitId) problems.push({ path: 'unitId', message: t('validation.required') });
    if (!name.trim()) problems.push({ path: 'name', message: t('validation.required') });
    if (!effectiveIndustry) problems.push({ path: 'industry', message: t('validation.required') });
    const where = location ?? unit?.location;
    if (!where) problems.push({ path: 'location', message: t('file.needLocation') });
    setErrors(problems);
    setMessage(undefined);
    if (problems.length > 0 || !where) return;
    setBusy(true);
    try {
      const label = name.trim();
      const body = {
        name: label,
        unitId,
        industry: effectiveIndustry,
        ...(templateCode ? { templateCode } : {}),
        location: where,
        assessment: { method: 'LEC', ...lec },
      };
      const queuedPhotos = await Promise.all(photos.map((file) => describePhoto(file, location)));
      const outcome = await submitWithPhotos(
        { kind: 'riskPoint.create', method: 'POST', path: '/risk-points', body, label },
        { kind: 'riskPoint.photo', path: '/risk-points/{parent}/photos', items: queuedPhotos },
        ANSWER_WAIT_MS,
      );
      if (outcome.state === 'failed' || outcome.state === 'conflict') {
        setErrors(outcome.problem?.errors ?? []);
        setMessage({ kind: 'error', text: outcome.problem?.detail ?? t('error.badRequest') });
        return;
      }
      setPhotos([]);
      setTemplateCode('');
      setName('');
      if (outcome.state === 'done') {
        const point = outcome.body as RiskPoint;
        setMessage({
          kind: 'ok',
          text: t('file.saved', { name: point.name }),
          href: `/${tenant}/risk-points/${point.id}`,
        });
      } else {
        setMessage({ kind: 'queued', text: t('register.queued', { name: label }) });
      }
    } finally {
      setBusy(false);
    }
  };

  if (units.error) return html`<${ErrorNotice} error=${units.error} onRetry=${units.reload} />`;
  if (!units.data) return html`<${Loading} />`;
  return html`<section class="file-risk-point">
    <${PageTitle} title=${t('file.title')} />
    <${SaveNotice} message=${message} testId="file-message" />
    <form class="form" novalidate onSubmit=${save} data-testid="file-form">
      <${OtherErrors} errors=${errors} fields=${FIELDS} />
      <${Field} label=${t('riskPoint.unit')} name="unitId" errors=${errors}>
        <select id="f-unitId" name="unitId" value=${unitId} onChange=${(e: Event) => {
          setUnitId((e.target as HTMLSelectElement).value);
          setIndustry('');
          setTemplateCode('');
        }}>
          <option value="">${t('common.choose')}</option>
          ${units.data.items.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
        </select>
      </${Field}>
      <${Field} label=${t('unit.industry')} name="industry" errors=${errors}>
        <select id="f-industry" name="industry" value=${effectiveIndustry} onChange=${(e: Event) => {
          setIndustry((e.target as HTMLSelectElement).value);
          setTemplateCode('');
        }}>
          <option value="">${t('common.choose')}</option>
          ${(industries.data?.items ?? []).map((item) => html`<option value=${item.code}>${item.name}</option>`)}
        </select>
      </${Field}>
      ${knowledge.error ? html`<${ErrorNotice} error=${knowledge.error} />` : null}
      ${
        knowledge.data
          ? html`<fieldset class="template-menu" data-testid="templates">
              <legend>${t('file.template')}</legend>
              ${knowledge.data.templates.map(
                (
                  tpl,
                ) => html`<button type="button" class=${`template${tpl.code === templateCode ? ' chosen' : ''}`}
                  data-template=${tpl.code} aria-pressed=${tpl.code === templateCode} onClick=${() => chooseTemplate(tpl.code)}>
                  <strong>${tpl.name}</strong>
                  <span class="muted small">${tpl.description}</span>
                </button>`,
              )}
            </fieldset>`
          : null
      }
      ${
        template
          ? html`<details class="template-detail">
              <summary>${t('file.templateDetail')}</summary>
              <h4>${t('knowledge.hazardFactors')}</h4><ul>${template.hazardFactors.map((x) => html`<li>${x}</li>`)}</ul>
              <h4>${t('knowledge.controlMeasures')}</h4><ul>${template.controlMeasures.map((x) => html`<li>${x}</li>`)}</ul>
            </details>`
          : null
      }
      <${Field} label=${t('riskPoint.name')} name="name" errors=${errors}>
        <input id="f-name" name="name" value=${name} maxlength="100" onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
      </${Field}>
      <${Field} label=${t('file.grading')} name="assessment" errors=${errors}>
        <div class="inline-inputs">
          ${(['L', 'E', 'C'] as const).map(
            (factor) => html`<label class="lec">
              <span>${t(`file.lec.${factor}`)}</span>
              <select name=${factor} value=${String(lec[factor])}
                onChange=${(e: Event) => setLec({ ...lec, [factor]: Number((e.target as HTMLSelectElement).value) })}>
                ${LEC[factor].map((value) => html`<option value=${String(value)}>${value}</option>`)}
              </select>
            </label>`,
          )}
        </div>
        <div class="lec-result" data-testid="lec-preview">
          D = ${score} ${colour ? html`<${ColourBadge} colour=${colour} />` : null}
        </div>
      </${Field}>
      <${PositionField} position=${location} fallback=${unit?.location ? t('file.unitLocation') : undefined}
        locating=${locating} locate=${locate} errors=${errors} />
      <div class="field">
        <label for="f-photos">${t('riskPoint.photos')}</label>
        <${PhotoPicker} id="f-photos" testId="file-photos" photos=${photos} onChange=${setPhotos} />
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled=${busy}>${t('file.submit')}</button>
        <button type="button" class="button" onClick=${() => navigate(`/${tenant}/m/tasks`)}>${t('action.back')}</button>
      </div>
    </form>
    <p class="muted small">${t('file.help')}</p>
  </section>`;
}
