import { useState } from 'preact/hooks';
import { api, query } from '../api/client.ts';
import type { Page, UnitView } from '../api/types.ts';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { CREDIT_LEVELS, CreditBadge } from '../components/credit-badge.ts';
import { GridSelect, loadGridFilterOptions } from '../components/grid-select.ts';
import { RegisterExport } from '../components/register-export.ts';
import { SearchBox } from '../components/search-box.ts';
import { UnitStatusBadge } from '../components/unit-status-control.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, label, type MessageKey, t } from '../i18n/index.ts';
import { can, defaultDepartment } from '../permissions.ts';
import { industryName, loadDepartments, loadIndustries } from '../ref-data.ts';
import { navigate, searchParams, withQuery } from '../router.ts';
import { session } from '../session.ts';

const PAGE_SIZE = 20;

/** Units with grid / department / industry filters (kept in the address, so a filtered list can be shared). */
export function UnitsPage() {
  const current = session.value!;
  const params = searchParams.value;
  const grid = params.get('grid') ?? '';
  const industry = params.get('industry') ?? '';
  const q = params.get('q') ?? '';
  const credit = params.get('credit') ?? '';
  // A department officer's list is its department's units unless it asks for something else.
  const department = params.get('department') ?? defaultDepartment(grid);
  const filterKey = `${grid}|${department}|${industry}|${q}|${credit}`;
  // Pages belong to one filter: a cursor from another filter's list is never sent.
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const setCursors = (next: string[]) => setPaging({ key: filterKey, cursors: next });
  const cursor = cursors[cursors.length - 1];

  const grids = useAsync(loadGridFilterOptions, []);
  const departments = useAsync(loadDepartments, []);
  const industries = useAsync(loadIndustries, []);
  const units = useAsync(
    () =>
      api<Page<UnitView>>(
        `/units${query({ grid, department, industry, q, credit, include: 'credit', limit: PAGE_SIZE, cursor })}`,
      ),
    [filterKey, cursor],
  );
  const gridName = (id: string) => grids.data?.find((node) => node.id === id)?.name ?? '';
  const departmentName = (id: string | undefined) => departments.data?.find((d) => d.id === id)?.name ?? '';
  const canCreate = can('unit.create');
  const tenant = current.tenant;

  return html`<section>
    <${PageTitle} title=${t('units.title')}>
      ${canCreate ? html`<a class="button button-primary" href=${`/${tenant}/units/new`}>${t('units.create')}</a>` : null}
      ${can('unit.import') ? html`<a class="button" href=${`/${tenant}/units/import`}>${t('units.import')}</a>` : null}
      ${can('unit.import') ? html`<a class="button" href=${`/${tenant}/units/import-job`}>${t('registers.importLink')}</a>` : null}
    </${PageTitle}>
    <${RegisterExport} kind="units" filters=${{ grid, department, industry }} />
    <${SearchBox} value=${q} hint=${t('search.units')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${
        can('grid.read')
          ? html`<div class="field">
              <label for="filter-grid">${t('units.grid')}</label>
              <${GridSelect} id="filter-grid" name="grid" grids=${grids.data ?? []} value=${grid} emptyLabel=${t('common.all')}
                onChange=${(value: string) => navigate(withQuery({ grid: value }))} />
            </div>`
          : null
      }
      <div class="field">
        <label for="filter-department">${t('units.department')}</label>
        <select id="filter-department" name="department" value=${department}
          onChange=${(e: Event) => navigate(withQuery({ department: (e.target as HTMLSelectElement).value }))}>
          <option value="">${t('common.all')}</option>
          ${(departments.data ?? []).map((d) => html`<option value=${d.id}>${d.name}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="filter-industry">${t('units.industry')}</label>
        <select id="filter-industry" name="industry" value=${industry}
          onChange=${(e: Event) => navigate(withQuery({ industry: (e.target as HTMLSelectElement).value }))}>
          <option value="">${t('common.all')}</option>
          ${(industries.data?.items ?? []).map((item) => html`<option value=${item.code}>${item.name}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="filter-credit">${t('credit.filter')}</label>
        <select id="filter-credit" name="credit" value=${credit}
          onChange=${(e: Event) => navigate(withQuery({ credit: (e.target as HTMLSelectElement).value }))}>
          <option value="">${t('common.all')}</option>
          ${CREDIT_LEVELS.map((level) => html`<option value=${level}>${t(`credit.level.${level}` as MessageKey)}</option>`)}
        </select>
      </div>
    </form>
    ${units.error ? html`<${ErrorNotice} error=${units.error} onRetry=${units.reload} />` : null}
    ${units.loading && !units.data ? html`<${Loading} />` : null}
    ${
      units.data && !units.error
        ? html`<table class="table responsive" data-testid="units-table">
            <thead>
              <tr>
                <th>${t('unit.name')}</th><th>${t('credit.label')}</th><th>${t('unitStatus.label')}</th><th>${t('unit.creditCode')}</th><th>${t('unit.industry')}</th>
                <th>${t('unit.grid')}</th><th>${t('unit.department')}</th><th>${t('unit.supervisionLevel')}</th>
                <th>${t('unit.updatedAt')}</th>
              </tr>
            </thead>
            <tbody>
              ${units.data.items.map(
                (unit) => html`<tr data-unit=${unit.id}>
                  <td data-label=${t('unit.name')}><a href=${`/${tenant}/units/${unit.id}`} class="unit-name">${unit.name}</a></td>
                  <td data-label=${t('credit.label')}>${unit.credit ? html`<${CreditBadge} level=${unit.credit.level} />` : '—'}</td>
                  <td data-label=${t('unitStatus.label')}><${UnitStatusBadge} status=${unit.status} /></td>
                  <td data-label=${t('unit.creditCode')}>${unit.creditCode ? html`<code>${unit.creditCode}</code>` : html`<span class="badge" data-unlicensed>${t('unit.unlicensed')}</span>`}</td>
                  <td data-label=${t('unit.industry')}>${industryName(industries.data, unit.industry)}</td>
                  <td data-label=${t('unit.grid')}>${gridName(unit.gridId)}</td>
                  <td data-label=${t('unit.department')}>${departmentName(unit.departmentId)}</td>
                  <td data-label=${t('unit.supervisionLevel')}>${label('level', unit.supervisionLevel)}</td>
                  <td data-label=${t('unit.updatedAt')}>${formatDateTime(unit.updatedAt)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${units.data.items.length === 0 ? html`<p class="muted">${q ? t('search.none', { q }) : t('units.empty')}</p>` : null}
          <${Pager} cursors=${cursors} nextCursor=${units.data.nextCursor} onChange=${setCursors} />`
        : null
    }
  </section>`;
}
