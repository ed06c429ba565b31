import { useState } from 'preact/hooks';
import { api, query } from '../../api/client.ts';
import type { FieldProblem, Hazard, HazardSeverity, Page, Unit } from '../../api/types.ts';
import { HAZARD_SEVERITIES } from '../../codes.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../../components/common.ts';
import { describePhoto, PhotoPicker } from '../../components/photo-picker.ts';
import { PositionField } from '../../components/position-field.ts';
import { type SaveMessage, SaveNotice } from '../../components/save-notice.ts';
import { usePosition } from '../../geo.ts';
import { useAsync } from '../../hooks.ts';
import { html } from '../../html.ts';
import { t } from '../../i18n/index.ts';
import { submitWithPhotos } from '../../offline/sync.ts';
import { searchParams } from '../../router.ts';
import { session } from '../../session.ts';

const FIELDS = ['unitId', 'severity', 'title', 'description', 'location'] as const;

/**
 * Reporting a hazard found in the field (隐患上报): the unit, general or major, what is wrong, where, and photos.
 * The report and its photos go through the outbox (the photos wait for the hazard's id), with an Idempotency-Key,
 * so a weak signal neither loses nor doubles it. A major hazard goes to the township at once.
 */
export function ReportHazardPage() {
  const tenant = session.value!.tenant;
  const units = useAsync(() => api<Page<Unit>>(`/units${query({ limit: 100 })}`, { offlineCache: true }), []);
  const [unitId, setUnitId] = useState(searchParams.value.get('unit') ?? '');
  const [severity, setSeverity] = useState<HazardSeverity>('general');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const { position, locating, locate } = usePosition();
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<SaveMessage | undefined>();
  const [busy, setBusy] = useState(false);

  const save = async (event: Event) => {
    event.preventDefault();
    const problems: FieldProblem[] = [];
    if (!unitId) problems.push({ path: 'unitId', message: t('validation.required') });
    if (!title.trim()) problems.push({ path: 'title', message: t('validation.required') });
    setErrors(problems);
    setMessage(undefined);
    if (problems.length > 0) return;
    setBusy(true);
    try {
      const label = title.trim();
      const body = {
        unitId,
        severity,
        title: label,
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(position ? { location: position } : {}),
      };
      // The report's photos show the problem; a fix is proven later with other photos.
      const queuedPhotos = (await Promise.all(photos.map((file) => describePhoto(file, position)))).map(
        (photo) => ({ ...photo, purpose: 'finding' as const }),
      );
      const outcome = await submitWithPhotos(
        { kind: 'hazard.create', method: 'POST', path: '/hazards', body, label },
        { kind: 'hazard.photo', path: '/hazards/{parent}/photos', items: queuedPhotos },
        8_000,
      );
      if (outcome.state === 'failed' || outcome.state === 'conflict') {
        setErrors(outcome.problem?.errors ?? []);
        setMessage({ kind: 'error', text: outcome.problem?.detail ?? t('error.badRequest') });
        return;
      }
      setTitle('');
      setDescription('');
      setPhotos([]);
      if (outcome.state === 'done') {
        const hazard = outcome.body as Hazard;
        setMessage({
          kind: 'ok',
          text: t('reportHazard.saved', { title: hazard.title }),
          href: `/${tenant}/hazards/${hazard.id}`,
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
  const unit = units.data.items.find((u) => u.id === unitId);
  return html`<section class="report-hazard">
    <${PageTitle} title=${t('reportHazard.title')} />
    <${SaveNotice} message=${message} testId="hazard-message" />
    <form class="form" novalidate onSubmit=${save} data-testid="hazard-form">
      <${OtherErrors} errors=${errors} fields=${FIELDS} />
      <${Field} label=${t('riskPoint.unit')} name="unitId" errors=${errors}>
        <select id="f-unitId" name="unitId" value=${unitId} onChange=${(e: Event) => setUnitId((e.target as HTMLSelectElement).value)}>
          <option value="">${t('common.choose')}</option>
          ${units.data.items.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
        </select>
      </${Field}>
      <${Field} label=${t('hazard.severity')} name="severity" errors=${errors}>
        <div class="segmented" role="radiogroup" aria-label=${t('hazard.severity')}>
          ${HAZARD_SEVERITIES.map(
            (
              value,
            ) => html`<button type="button" role="radio" data-severity=${value} aria-checked=${severity === value}
              class=${severity === value ? 'active' : ''} onClick=${() => setSeverity(value)}>${t(`severity.${value}`)}</button>`,
          )}
        </div>
        <div class="muted small">${t('reportHazard.severityHelp')}</div>
      </${Field}>
      <${Field} label=${t('hazard.title')} name="title" errors=${errors}>
        <input id="f-title" name="title" maxlength="100" value=${title} onInput=${(e: Event) => setTitle((e.target as HTMLInputElement).value)} />
      </${Field}>
      <${Field} label=${t('hazard.description')} name="description" errors=${errors}>
        <textarea id="f-description" name="description" rows="3" maxlength="2000" value=${description}
          onInput=${(e: Event) => setDescription((e.target as HTMLTextAreaElement).value)}></textarea>
      </${Field}>
      <${PositionField} position=${position} fallback=${unit?.location ? t('file.unitLocation') : undefined}
        locating=${locating} locate=${locate} errors=${errors} />
      <${Field} label=${t('riskPoint.photos')} name="photos" errors=${errors}>
        <${PhotoPicker} id="f-photos" testId="hazard-photos" photos=${photos} onChange=${setPhotos} />
      </${Field}>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled=${busy}>${t('reportHazard.submit')}</button>
        <a class="button" href=${`/${tenant}/m/tasks`}>${t('action.back')}</a>
      </div>
    </form>
  </section>`;
}
