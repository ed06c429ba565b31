import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../../api/client.ts';
import type { Color, FieldProblem, KnowledgeIndustry, Page, RiskPoint, Unit } from '../../api/types.ts';
import { ColourBadge } from '../../components/colour-badge.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../../components/common.ts';
import { useAsync } from '../../hooks.ts';
import { html } from '../../html.ts';
import { t } from '../../i18n/index.ts';
import type { QueuedPhoto } from '../../offline/outbox.ts';
import { discardItem, submitGroup } from '../../offline/sync.ts';
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

async function describe(
  file: File,
  location: { lat: number; lng: number } | undefined,
): Promise<QueuedPhoto> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return {
    blob: file,
    contentType: file.type || 'image/jpeg',
    size: file.size,
    sha256: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
    takenAt: new Date(file.lastModified || Date.now()).toISOString(),
    ...(location ? { location } : {}),
  };
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
  const [location, setLocation] = useState<{ lat: number; lng: number } | undefined>();
  const [locating, setLocating] = useState(false);
  const [photos, setPhotos] = useState<File[]>([]);
  const [previews, setPreviews] = useState<string[]>([]);
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<
    { kind: 'ok' | 'queued' | 'error'; text: string; id?: string } | undefined
  >();
  const [busy, setBusy] = useState(false);

  const locate = () => {
    if (!navigator.geolocation) return;
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false);
        setLocation({
          lat: Number(p.coords.latitude.toFixed(6)),
          lng: Number(p.coords.longitude.toFixed(6)),
        });
      },
      () => setLocating(false),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  // Where the person stands is where the point is, most of the time: ask once when the page opens.
  useEffect(locate, []);
  useEffect(() => {
    const urls = photos.map((file) => URL.createObjectURL(file));
    setPreviews(urls);
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, [photos]);

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
      const queuedPhotos = await Promise.all(photos.map((file) => describe(file, location)));
      const { item, outcome } = await submitGroup(
        { kind: 'riskPoint.create', method: 'POST', path: '/risk-points', body, label },
        queuedPhotos.map((photo) => ({
          kind: 'riskPoint.photo' as const,
          method: 'POST' as const,
          path: '/risk-points/{parent}/photos',
          body: photo,
          label,
        })),
        ANSWER_WAIT_MS,
      );
      if (outcome.state === 'failed' || outcome.state === 'conflict') {
        await discardItem(item.key);
        setErrors(outcome.problem?.errors ?? []);
        setMessage({ kind: 'error', text: outcome.problem?.detail ?? t('error.badRequest') });
        return;
      }
      setPhotos([]);
      setTemplateCode('');
      setName('');
      if (outcome.state === 'done') {
        const point = outcome.body as RiskPoint;
        setMessage({ kind: 'ok', text: t('file.saved', { name: point.name }), id: point.id });
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
    ${
      message
        ? html`<div class=${`notice ${message.kind === 'error' ? 'notice-error' : message.kind === 'queued' ? 'notice-warn' : 'notice-ok'}`}
            role="status" data-testid="file-message">
            ${message.text}
            ${message.id ? html` <a href=${`/${tenant}/risk-points/${message.id}`}>${t('map.openRecord')}</a>` : null}
          </div>`
        : null
    }
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
      <${Field} label=${t('unit.location')} name="location" errors=${errors}>
        <div class="inline-inputs">
          <output class="readonly" data-testid="location">
            ${location ? `${location.lat}, ${location.lng}` : unit?.location ? t('file.unitLocation') : '—'}
          </output>
          <button type="button" class="button" onClick=${locate} disabled=${locating}>${locating ? t('unit.locating') : t('unit.useGps')}</button>
        </div>
      </${Field}>
      <div class="field">
        <label for="f-photos">${t('riskPoint.photos')}</label>
        <label class="button">
          ${t('riskPoint.addPhoto')}
          <input id="f-photos" type="file" accept="image/jpeg,image/png,image/webp,image/heic" capture="environment" multiple
            class="visually-hidden" data-testid="file-photos"
            onChange=${(e: Event) => {
              const input = e.target as HTMLInputElement;
              setPhotos([...photos, ...Array.from(input.files ?? [])]);
              input.value = '';
            }} />
        </label>
        <div class="photos small-photos">
          ${previews.map(
            (url, i) => html`<figure class="photo"><img src=${url} alt="" />
            <button type="button" class="button button-small" onClick=${() => setPhotos(photos.filter((_, j) => j !== i))}>${t('action.discard')}</button>
          </figure>`,
          )}
        </div>
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled=${busy}>${t('file.submit')}</button>
        <button type="button" class="button" onClick=${() => navigate(`/${tenant}/m/tasks`)}>${t('action.back')}</button>
      </div>
    </form>
    <p class="muted small">${t('file.help')}</p>
  </section>`;
}
