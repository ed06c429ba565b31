import { PageTitle } from '../components/common.ts';
import { SpreadsheetImport } from '../components/spreadsheet-import.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { session } from '../session.ts';

/** Imports a county's unit spreadsheet saved as CSV; the answer is one line per row. */
export function UnitImportPage() {
  const tenant = session.value?.tenant ?? '';
  return html`<section>
    <${PageTitle} title=${t('import.title')} />
    <${SpreadsheetImport} path="/units/import" recordHeading=${t('unit.creditCode')}
      record=${(row: { unitId?: string; creditCode?: string }) =>
        row.unitId
          ? html`<a href=${`/${tenant}/units/${row.unitId}`}><code>${row.creditCode ?? ''}</code></a>`
          : html`<code>${row.creditCode ?? ''}</code>`}>
      <p>${t('import.help')}</p>
      <p class="muted small">${t('import.columns')}</p>
    </${SpreadsheetImport}>
  </section>`;
}
