import type { MapSettings } from '../api/types.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { ErrorNotice, Field, Loading, OtherErrors } from './common.ts';
import { useSettingsPart } from './settings-part.ts';

const FIELDS = ['tiandituKey', 'tileUrl', 'attribution'] as const;

/**
 * The county's base map (county admin only): a 天地图 key, or tile templates, and the attribution. Saved into the
 * county's settings as they stand when saving (read again first, then written at that version), so it changes the
 * map part only; a concurrent change of the settings still answers 409.
 */
export function CountyMapSettingsForm() {
  const { loaded, current, edit, save, error, errors, saved, busy } = useSettingsPart('map');
  if (loaded.error) return html`<${ErrorNotice} error=${loaded.error} onRetry=${loaded.reload} />`;
  if (!current) return html`<${Loading} />`;
  const change = (field: (typeof FIELDS)[number], value: string) =>
    edit({ ...current, [field]: value.trim() } as MapSettings);
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
