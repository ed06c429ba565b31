import type { FieldProblem } from '../api/types.ts';
import { html } from '../html.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import { Field } from './common.ts';

/** The five commitments a listing needs (五落实), as the API names them. */
export const FIVE_FIELDS = ['responsibility', 'measures', 'funds', 'deadline', 'plan'] as const;
export type FiveField = (typeof FIVE_FIELDS)[number];
export type FiveValues = Record<FiveField, string>;

export const EMPTY_FIVE: FiveValues = { responsibility: '', measures: '', funds: '', deadline: '', plan: '' };

/** The form's problems before sending: each empty commitment named, as the API would. */
export function missingFive(values: FiveValues): FieldProblem[] {
  return FIVE_FIELDS.filter((field) => !values[field].trim()).map((path) => ({
    path,
    message: t('validation.required'),
  }));
}

/** The body the API takes: funds as a number of yuan. */
export function fiveBody(values: FiveValues): Record<string, unknown> {
  return {
    responsibility: values.responsibility.trim(),
    measures: values.measures.trim(),
    funds: Number(values.funds),
    deadline: values.deadline,
    plan: values.plan.trim(),
  };
}

/** The listing form's five inputs (挂牌督办: 责任人、措施、资金、时限、预案). */
export function SuperviseFields({
  values,
  errors,
  onChange,
}: {
  values: FiveValues;
  errors: FieldProblem[];
  onChange: (values: FiveValues) => void;
}) {
  const set = (field: FiveField) => (event: Event) =>
    onChange({ ...values, [field]: (event.target as HTMLInputElement).value });
  const label = (field: FiveField) => t(`supervision.${field}` as MessageKey);
  return html`<fieldset class="five" data-testid="five-implementations">
    <legend>${t('supervision.fiveImplementations')}</legend>
    <${Field} label=${label('responsibility')} name="responsibility" errors=${errors}>
      <input id="f-responsibility" name="responsibility" maxlength="200" value=${values.responsibility} onInput=${set('responsibility')} />
    </${Field}>
    <${Field} label=${label('measures')} name="measures" errors=${errors}>
      <textarea id="f-measures" name="measures" rows="3" maxlength="2000" value=${values.measures} onInput=${set('measures')}></textarea>
    </${Field}>
    <${Field} label=${label('funds')} name="funds" errors=${errors}>
      <input id="f-funds" name="funds" type="number" min="0" step="any" inputmode="decimal" value=${values.funds} onInput=${set('funds')} />
    </${Field}>
    <${Field} label=${label('deadline')} name="deadline" errors=${errors}>
      <input id="f-deadline" name="deadline" type="date" value=${values.deadline} onInput=${set('deadline')} />
    </${Field}>
    <${Field} label=${label('plan')} name="plan" errors=${errors}>
      <textarea id="f-plan" name="plan" rows="3" maxlength="2000" value=${values.plan} onInput=${set('plan')}></textarea>
    </${Field}>
  </fieldset>`;
}
