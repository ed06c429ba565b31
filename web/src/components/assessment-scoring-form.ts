import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client.ts';
import type { FieldProblem, SettingsAnswer } from '../api/types.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { ErrorNotice, Field, Loading, OtherErrors } from './common.ts';

type Scoring = SettingsAnswer['settings']['assessment'];
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
const FIELDS = [...WEIGHTS.map((w) => `weights.${w}`), ...DEDUCTIONS.map((d) => `deductions.${d}`)];

/** The API names these fields `settings.assessment.<group>.<field>`: the form names them `<group>.<field>`. */
function scoringFieldErrors(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  return (error.problem?.errors ?? []).map((problem) => ({
    ...problem,
    path: problem.path.replace(/^settings\.assessment\./, ''),
  }));
}

/**
 * How the county scores its assessment (county admin only): the weight of each rate and the points a 约谈, a 通报
 * and an overdue escalation deduct. Saved into the settings as they stand when saving (read again, written at that
 * version), so it changes the scoring only; the assessment page scores with it at once.
 */
export function AssessmentScoringForm() {
  const loaded = useAsync(() => api<SettingsAnswer>('/settings'), []);
  const [draft, setDraft] = useState<Scoring | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} onRetry=${loaded.reload} />`;
  if (!loaded.data) return html`<${Loading} />`;
  const current = draft ?? loaded.data.settings.assessment;
  const errors = scoringFieldErrors(error);
  const change = (group: 'weights' | 'deductions', field: string, value: string) => {
    setSaved(false);
    // An empty or unreadable box is sent as it is (NaN becomes null in JSON) so the API names the field.
    setDraft({
      ...current,
      [group]: { ...current[group], [field]: value === '' ? Number.NaN : Number(value) },
    });
  };
  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const fresh = await api<SettingsAnswer>('/settings');
      const answer = await api<SettingsAnswer>('/settings', {
        method: 'PUT',
        body: { settings: { ...fresh.settings, assessment: current }, version: fresh.version },
      });
      setDraft(answer.settings.assessment);
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
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
    <fieldset>
      <legend>${t('scoring.weights')}</legend>
      ${WEIGHTS.map(
        (field) =>
          html`<${Field} label=${t(LABELS[field])} name=${`weights.${field}`} errors=${errors}>${input('weights', field)}<//>`,
      )}
    </fieldset>
    <fieldset>
      <legend>${t('scoring.deductions')}</legend>
      ${DEDUCTIONS.map(
        (field) =>
          html`<${Field} label=${t(LABELS[field])} name=${`deductions.${field}`} errors=${errors}>${input('deductions', field)}<//>`,
      )}
    </fieldset>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.save')}</button>
      ${saved ? html`<span class="muted" role="status" data-testid="scoring-saved">${t('scoring.saved')}</span>` : null}
    </div>
  </form>`;
}
