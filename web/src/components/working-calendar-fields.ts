import { useState } from 'preact/hooks';
import type { FieldProblem } from '../api/types.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { Field } from './common.ts';

type Days = { extraHolidays: string[]; extraWorkingDays: string[] };
const NAMES = ['extraHolidays', 'extraWorkingDays'] as const;

/** A list of days as the person typed it: one a line (commas and spaces also separate). */
function parseDays(text: string): string[] {
  return text
    .split(/[\s,，、]+/)
    .map((day) => day.trim())
    .filter(Boolean);
}

/**
 * The county's adjustments to the vendor's holiday calendar (issue 18): extra days off and extra working days,
 * one date a line. The API checks each date; its problems name `workingCalendar.extraHolidays.<i>`.
 */
export function WorkingCalendarFields({
  days,
  errors,
  onChange,
}: {
  days: Days | undefined;
  errors: FieldProblem[];
  onChange: (days: Days) => void;
}) {
  const current: Days = days ?? { extraHolidays: [], extraWorkingDays: [] };
  const [text, setText] = useState({
    extraHolidays: current.extraHolidays.join('\n'),
    extraWorkingDays: current.extraWorkingDays.join('\n'),
  });
  // A problem with one day of a list is shown under that list.
  const listErrors = errors.map((problem) => ({
    ...problem,
    path: problem.path.replace(
      /^workingCalendar\.(extraHolidays|extraWorkingDays)\.\d+$/,
      'workingCalendar.$1',
    ),
  }));
  return html`<fieldset data-testid="working-calendar">
    <legend>${t('countySettings.workingCalendar')}</legend>
    <p class="muted small">${t('countySettings.workingCalendarHelp')}</p>
    ${NAMES.map(
      (
        name,
      ) => html`<${Field} label=${t(`countySettings.${name}`)} name=${`workingCalendar.${name}`} errors=${listErrors}>
        <textarea id=${`f-workingCalendar.${name}`} name=${`workingCalendar.${name}`} rows="3" value=${text[name]}
          onInput=${(e: Event) => {
            const value = (e.target as HTMLTextAreaElement).value;
            setText({ ...text, [name]: value });
            onChange({ ...current, [name]: parseDays(value) });
          }}></textarea>
      </${Field}>`,
    )}
  </fieldset>`;
}
