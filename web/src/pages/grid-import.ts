import { PageTitle } from '../components/common.ts';
import { SpreadsheetImport } from '../components/spreadsheet-import.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { session } from '../session.ts';

/** Imports the county's grid tree (townships and villages, keyed by 区划代码) from a spreadsheet: an Excel workbook or CSV. */
export function GridImportPage() {
  const tenant = session.value?.tenant ?? '';
  return html`<section>
    <${PageTitle} title=${t('gridAdmin.importTitle')}>
      <a class="button" href=${`/${tenant}/grids`}>${t('gridAdmin.backToTree')}</a>
    </${PageTitle}>
    <${SpreadsheetImport} path="/grids/import" xlsx recordHeading=${t('gridAdmin.code')}
      record=${(row: { gridId?: string; code?: string }) =>
        row.gridId
          ? html`<a href=${`/${tenant}/grids/${row.gridId}`}><code>${row.code ?? ''}</code></a>`
          : html`<code>${row.code ?? ''}</code>`}>
      <p>${t('gridAdmin.importHelp')}</p>
      <p class="muted small">${t('gridAdmin.importColumns')}</p>
    </${SpreadsheetImport}>
  </section>`;
}
