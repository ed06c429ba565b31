import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { ErrorNotice, Field, Loading, OtherErrors } from './common.ts';
import { useSettingsPart } from './settings-part.ts';

const WEIGHTS = ['filingCoverage', 'patrolCompletion', 'onTimeRectification'] as const;
const DEDUCTIONS = ['interview', 'circular', 'overdueEscalation'] as const;
const LABELS = {
  filingCoverage: 'scoring.weights.filingCoverage',
  patrolCompletion: 'scoring.weights.patrolCompletion',
  onTimeRectification: 'scoring.weights.onTimeRectification',
  interview: 'scoring.deductions.interview',
  circular: 'scoring.deductions.circular',
  overdueEscalation: 'scoring.deductions.overdueEscalation',
} as const;
const GROUPS = [
  ['weights', 'scoring.weights', WEIGHTS],
  ['deductions', 'scoring.deductions', DEDUCTIONS],
] as const;
const FIELDS = [...WEIGHTS.map((w) => `weights.${w}`), ...DEDUCTIONS.map((d) => `deductions.${d}`)];

/**
 * How the county scores its assessment (county admin only): the weight of each rate and the points a 约谈, a 通报
 * and an overdue escalation deduct, saved on its own (useSettingsPart); the assessment page scores with it at once.
 */
export function AssessmentScoringForm() {
  const { loaded, current, edit, save, error, errors, saved, busy } = useSettingsPart('assessment');
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} onRetry=${loaded.reload} />`;
  if (!current) return html`<${Loading} />`;
  // An empty or unreadable box is sent as it is (NaN becomes null in JSON) so the API names the field.
  const change = (group: 'weights' | 'deductions', field: string, value: string) =>
    edit({ ...current, [group]: { ...current[group], [field]: value === '' ? Number.NaN : Number(value) } });
  const input = (group: 'weights' | 'deductions', field: string) => {
    const value = (current[group] as Record<string, number>)[field];
    return html`<input id=${`f-${group}.${field}`} name=${`${group}.${field}`} type="number" inputmode="decimal"
      min="0" max="100" step="0.5" value=${Number.isFinite(value) ? value : ''}
      onInput=${(e: Event) => change(group, field, (e.target as HTMLInputElement).value)} />`;
  };
  return html`<form class="panel form" novalidate onSubmit=${save} data-testid="assessment-scoring-settings">
    <h2>${t('scoring.title')}</h2>
    <p class="muted small">${t('scoring.help')}</p>
    ${error && errors.length === 0 ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${FIELDS} />
    ${GROUPS.map(
      ([group, legend, fields]) => html`<fieldset>
        <legend>${t(legend)}</legend>
        ${fields.map(
          (field) =>
            html`<${Field} label=${t(LABELS[field])} name=${`${group}.${field}`} errors=${errors}>${input(group, field)}<//>`,
        )}
      </fieldset>`,
    )}
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.save')}</button>
      ${saved ? html`<span class="muted" role="status" data-testid="scoring-saved">${t('scoring.saved')}</span>` : null}
    </div>
  </form>`;
}
