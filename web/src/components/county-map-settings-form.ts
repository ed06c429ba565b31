import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client.ts';
import type { FieldProblem, MapSettings, SettingsAnswer } from '../api/types.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { ErrorNotice, Field, Loading, OtherErrors } from './common.ts';

const FIELDS = ['tiandituKey', 'tileUrl', 'attribution'] as const;

/** The API names these fields `settings.map.<field>`: the form names them by their last part. */
function mapFieldErrors(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError)) return [];
  return (error.problem?.errors ?? []).map((problem) => ({
    ...problem,
    path: problem.path.replace(/^settings\.map\./, ''),
  }));
}

/**
 * The county's base map (county admin only): a 天地图 key, or tile templates, and the attribution. Saved into the
 * county's settings as they stand when saving (read again first, then written at that version), so it changes the
 * map part only; a concurrent change of the settings still answers 409.
 */
export function CountyMapSettingsForm() {
  const loaded = useAsync(() => api<SettingsAnswer>('/settings'), []);
  const [draft, setDraft] = useState<MapSettings | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} onRetry=${loaded.reload} />`;
  if (!loaded.data) return html`<${Loading} />`;
  const current = draft ?? loaded.data.settings.map;
  const errors = mapFieldErrors(error);
  const change = (field: (typeof FIELDS)[number], value: string) => {
    setSaved(false);
    setDraft({ ...current, [field]: value.trim() });
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
        body: { settings: { ...fresh.settings, map: current }, version: fresh.version },
      });
      setDraft(answer.settings.map);
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const input = (field: (typeof FIELDS)[number], placeholder = '') =>
    html`<input id=${`f-${field}`} name=${field} value=${current[field]} placeholder=${placeholder} autocomplete="off"
      onInput=${(e: Event) => change(field, (e.target as HTMLInputElement).value)} />`;
  return html`<form class="panel form" novalidate onSubmit=${save} data-testid="county-map-settings">
    <h2>${t('mapSettings.title')}</h2>
    <p class="muted small">${t('mapSettings.help')}</p>
    ${error && errors.length === 0 ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${FIELDS} />
    <${Field} label=${t('mapSettings.tiandituKey')} name="tiandituKey" errors=${errors}>${input('tiandituKey')}<//>
    <${Field} label=${t('mapSettings.tileUrl')} name="tileUrl" errors=${errors}>${input('tileUrl', 'https://…/{z}/{x}/{y}.png')}<//>
    <${Field} label=${t('mapSettings.attribution')} name="attribution" errors=${errors}>${input('attribution')}<//>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.save')}</button>
      ${saved ? html`<span class="muted" role="status" data-testid="map-settings-saved">${t('mapSettings.saved')}</span>` : null}
    </div>
  </form>`;
}
