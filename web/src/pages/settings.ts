import { useState } from 'preact/hooks';
import { AssessmentScoringForm } from '../components/assessment-scoring-form.ts';
import { PageTitle } from '../components/common.ts';
import { CountyMapSettingsForm } from '../components/county-map-settings-form.ts';
import { CountySettingsForm } from '../components/county-settings-form.ts';
import { NotificationChannelsForm } from '../components/notification-channels-form.ts';
import { html } from '../html.ts';
import { locale, setLocale, t } from '../i18n/index.ts';
import { buildTileUrl, deviceTileUrl, setDeviceTileUrl } from '../map/tile-config.ts';
import { can } from '../permissions.ts';

/**
 * This device's settings (language, map tiles) and, for the county admin, the county's own settings (grading
 * bands, review chains, deadlines, the assessment's weights and deductions).
 */
export function SettingsPage() {
  const [tileUrl, setTileUrl] = useState(deviceTileUrl() ?? '');
  const [followBuild, setFollowBuild] = useState(deviceTileUrl() === undefined);
  const [saved, setSaved] = useState(false);
  const save = (event: Event) => {
    event.preventDefault();
    setDeviceTileUrl(followBuild ? undefined : tileUrl);
    setSaved(true);
  };
  return html`<section>
    <${PageTitle} title=${t('settings.title')} />
    <div class="panel">
      <h2>${t('settings.language')}</h2>
      <div class="segmented" role="radiogroup" aria-label=${t('settings.language')}>
        <button type="button" role="radio" aria-checked=${locale.value === 'zh-CN'} class=${locale.value === 'zh-CN' ? 'active' : ''}
          onClick=${() => setLocale('zh-CN')} lang="zh-CN">简体中文</button>
        <button type="button" role="radio" aria-checked=${locale.value === 'en'} class=${locale.value === 'en' ? 'active' : ''}
          onClick=${() => setLocale('en')} lang="en">English</button>
      </div>
    </div>
    <form class="panel form" onSubmit=${save}>
      <h2>${t('settings.mapTiles')}</h2>
      <p class="muted small">${t('settings.mapTilesHelp')}</p>
      <label class="checkbox">
        <input type="checkbox" checked=${followBuild} onChange=${(e: Event) => setFollowBuild((e.target as HTMLInputElement).checked)} />
        ${t('settings.followBuild', { value: buildTileUrl() || t('settings.noTiles') })}
      </label>
      <div class="field">
        <label for="f-tileUrl">${t('settings.tileUrl')}</label>
        <input id="f-tileUrl" name="tileUrl" disabled=${followBuild} value=${tileUrl} placeholder="https://…/{z}/{x}/{y}.png"
          onInput=${(e: Event) => setTileUrl((e.target as HTMLInputElement).value)} />
      </div>
      <div class="form-actions">
        <button type="submit" class="button button-primary">${t('action.save')}</button>
        ${saved ? html`<span class="muted" role="status">${t('settings.saved')}</span>` : null}
      </div>
    </form>
    ${can('settings.manage') ? html`<${CountySettingsForm} />` : null}
    ${can('settings.manage') ? html`<${CountyMapSettingsForm} />` : null}
    ${can('settings.manage') ? html`<${NotificationChannelsForm} />` : null}
    ${can('settings.manage') ? html`<${AssessmentScoringForm} />` : null}
  </section>`;
}
