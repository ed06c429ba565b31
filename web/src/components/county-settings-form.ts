import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client.ts';
import type { Color, FieldProblem, SettingsAnswer, TenantSettings } from '../api/types.ts';
import { RISK_COLOURS } from '../colours.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { ColourBadge } from './colour-badge.ts';
import { ErrorNotice, Field, Loading, OtherErrors } from './common.ts';
import { WorkingCalendarFields } from './working-calendar-fields.ts';

/** Below this a band is the catch-all ("every other score"): JSON has no -Infinity, the API stores -1e9. */
const CATCH_ALL = -1e8;
const CHAINS: Record<string, ('township' | 'county')[]> = {
  township: ['township'],
  'township,county': ['township', 'county'],
  county: ['county'],
};
const DAY_FIELDS = [
  ['hazardDeadlineDays.general', 'countySettings.deadlineGeneral'],
  ['hazardDeadlineDays.major', 'countySettings.deadlineMajor'],
  ['escalationGraceDays', 'countySettings.grace'],
  ['patrolFrequencyDays.red', 'countySettings.patrolRed'],
  ['patrolFrequencyDays.orange', 'countySettings.patrolOrange'],
  ['patrolFrequencyDays.yellow', 'countySettings.patrolYellow'],
  ['patrolFrequencyDays.blue', 'countySettings.patrolBlue'],
  ['patrolFrequencyDays.unitMaximumDays', 'countySettings.patrolUnitMaximum'],
] as const;

/** A value inside the settings by its dotted path (the same path the API names in its field errors). */
function read(settings: TenantSettings, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], settings);
}

function write(settings: TenantSettings, path: string, value: unknown): TenantSettings {
  const copy = structuredClone(settings);
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce<Record<string, unknown>>(
    (node, key) => node[key] as Record<string, unknown>,
    copy,
  );
  parent[last] = value;
  return copy;
}

/** The API names body fields `settings.grading…` (schema) or `grading…` (band order): one spelling for the form. */
function fieldErrors(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  return (error.problem?.errors ?? []).map((problem) => ({
    ...problem,
    path: problem.path.replace(/^settings\./, ''),
  }));
}

/**
 * The county's own settings (county admin only): grading bands for LEC and LS, the review chain per colour,
 * rectification deadlines, escalation grace and patrol frequencies. Saved as a whole with the version it was read
 * at, so two admins editing at once cannot silently overwrite each other.
 */
export function CountySettingsForm() {
  const loaded = useAsync(() => api<SettingsAnswer>('/settings'), []);
  const [draft, setDraft] = useState<SettingsAnswer | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} onRetry=${loaded.reload} />`;
  if (!loaded.data) return html`<${Loading} />`;
  const current = draft ?? loaded.data;
  const settings = current.settings;
  const errors = fieldErrors(error);
  const change = (path: string, value: unknown) => {
    setSaved(false);
    setDraft({ ...current, settings: write(settings, path, value) });
  };
  const numberInput = (path: string) => html`<input id=${`f-${path}`} name=${path} type="number" step="any"
    value=${String(read(settings, path) ?? '')}
    onInput=${(e: Event) => change(path, (e.target as HTMLInputElement).valueAsNumber)} />`;

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      // The version goes in the body: a county's settings start at version 0, which the API refuses as If-Match.
      const answer = await api<SettingsAnswer>('/settings', {
        method: 'PUT',
        body: { settings, version: current.version },
      });
      setDraft(answer);
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const reload = () => {
    setDraft(undefined);
    setError(undefined);
    loaded.reload();
  };
  const bands = (method: 'LEC' | 'LS') => html`<fieldset class="bands" data-method=${method}>
    <legend>${t(method === 'LEC' ? 'countySettings.bandsLEC' : 'countySettings.bandsLS')}</legend>
    ${settings.grading[method].map((band, i) =>
      band.above <= CATCH_ALL
        ? html`<div class="field"><${ColourBadge} colour=${band.color} /> <span class="muted">${t('countySettings.catchAll')}</span></div>`
        : html`<${Field} label=${t('countySettings.above', { colour: t(`colour.${band.color}`) })} name=${`grading.${method}.${i}.above`} errors=${errors}>
            ${numberInput(`grading.${method}.${i}.above`)}
          </${Field}>`,
    )}
  </fieldset>`;
  const claimed = [
    'grading',
    'reviewChains',
    'security',
    'workingCalendar',
    ...DAY_FIELDS.map(([path]) => path),
  ];
  return html`<form class="panel form" novalidate onSubmit=${save} data-testid="county-settings">
    <h2>${t('countySettings.title')}</h2>
    <p class="muted small">${t('countySettings.help', { version: settings.grading.version })}</p>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    ${error instanceof ApiError && error.status === 409 ? html`<button type="button" class="button" onClick=${reload}>${t('action.loadLatest')}</button>` : null}
    <${OtherErrors} errors=${errors} fields=${claimed} />
    <div class="panel-grid">${bands('LEC')}${bands('LS')}</div>
    <fieldset>
      <legend>${t('countySettings.reviewChains')}</legend>
      ${RISK_COLOURS.map(
        (
          colour: Color,
        ) => html`<${Field} label=${t(`colour.${colour}`)} name=${`reviewChains.${colour}`} errors=${errors}>
          <select id=${`f-reviewChains.${colour}`} name=${`reviewChains.${colour}`} value=${settings.reviewChains[colour].join(',')}
            onChange=${(e: Event) => change(`reviewChains.${colour}`, CHAINS[(e.target as HTMLSelectElement).value])}>
            ${Object.keys(CHAINS).map((value) => html`<option value=${value}>${t(`countySettings.chain.${value}` as 'countySettings.chain.township')}</option>`)}
          </select>
        </${Field}>`,
      )}
    </fieldset>
    <fieldset>
      <legend>${t('countySettings.days')}</legend>
      ${DAY_FIELDS.map(
        ([path, key]) =>
          html`<${Field} label=${t(key)} name=${path} errors=${errors}>${numberInput(path)}</${Field}>`,
      )}
    </fieldset>
    <${WorkingCalendarFields} days=${settings.workingCalendar} errors=${errors}
      onChange=${(days: TenantSettings['workingCalendar']) => change('workingCalendar', days)} />
    <fieldset>
      <legend>${t('countySettings.security')}</legend>
      <${Field} label=${t('countySettings.idleMinutes')} name="security.idleMinutes" errors=${errors}>
        ${numberInput('security.idleMinutes')}
      </${Field}>
      <div class="field">
        <label><input type="checkbox" name="security.requireTotpForAdmins"
          checked=${settings.security?.requireTotpForAdmins === true}
          onChange=${(e: Event) => change('security.requireTotpForAdmins', (e.target as HTMLInputElement).checked)} />
          ${t('countySettings.requireTotpForAdmins')}</label>
      </div>
    </fieldset>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.save')}</button>
      ${saved ? html`<span class="muted" role="status" data-testid="settings-saved">${t('countySettings.saved', { version: current.version })}</span>` : null}
    </div>
  </form>`;
}
