import type { Inspection } from '../api/types.ts';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { FilterSelect, GridFilter } from '../components/filter-select.ts';
import { loadGridFilterOptions } from '../components/grid-select.ts';
import { useAsync, usePagedList } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, label, t } from '../i18n/index.ts';
import { can, defaultDepartment } from '../permissions.ts';
import { loadDepartments } from '../ref-data.ts';
import { searchParams } from '../router.ts';
import { session } from '../session.ts';

/** Inspections as a table on a desk, stacked cards on a phone: number, unit, outcome, status, when. */
export function InspectionTable({ items, busy = false }: { items: Inspection[]; busy?: boolean }) {
  const tenant = session.value?.tenant ?? '';
  return html`<table class="table responsive" data-testid="inspections-table" aria-busy=${String(busy)}>
    <thead><tr>
      <th>${t('inspections.number')}</th><th>${t('inspections.unit')}</th><th>${t('inspections.outcome')}</th>
      <th>${t('inspections.status')}</th><th>${t('inspections.inspectedAt')}</th>
    </tr></thead>
    <tbody>
      ${items.map(
        (inspection) => html`<tr data-inspection=${inspection.id} data-outcome=${inspection.outcome}>
          <td data-label=${t('inspections.number')}><a href=${`/${tenant}/inspections/${inspection.id}`}>${inspection.number}</a></td>
          <td data-label=${t('inspections.unit')}>${inspection.unitName}</td>
          <td data-label=${t('inspections.outcome')}>${label('inspectionOutcome', inspection.outcome)}</td>
          <td data-label=${t('inspections.status')}>
            ${label('inspectionStatus', inspection.status)}
            ${inspection.followUpDue ? html` <span class="badge badge-bad">${t('inspections.followUpDue')}</span>` : null}
          </td>
          <td data-label=${t('inspections.inspectedAt')}>${formatDateTime(inspection.inspectedAt)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The enforcement register of the person's area, by grid, department or unit (all in the query string). */
export function InspectionsPage() {
  const params = searchParams.value;
  const grid = params.get('grid') ?? '';
  const unit = params.get('unit') ?? '';
  const department = params.get('department') ?? defaultDepartment(grid);
  const grids = useAsync(loadGridFilterOptions, []);
  const departments = useAsync(loadDepartments, []);
  const inspections = usePagedList<Inspection>('/inspections', { grid, department, unit });
  return html`<section>
    <${PageTitle} title=${t('inspections.title')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${can('grid.read') ? html`<${GridFilter} grids=${grids.data ?? []} value=${grid} />` : null}
      <${FilterSelect} name="department" label=${t('units.department')} value=${department}
        options=${(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
    </form>
    ${inspections.error ? html`<${ErrorNotice} error=${inspections.error} onRetry=${inspections.reload} />` : null}
    ${inspections.loading && !inspections.data ? html`<${Loading} />` : null}
    ${
      inspections.data && !inspections.error
        ? html`<${InspectionTable} items=${inspections.data.items} busy=${inspections.loading} />
          ${inspections.data.items.length === 0 ? html`<p class="muted">${t('inspections.empty')}</p>` : null}
          <${Pager} ...${inspections.pager} />`
        : null
    }
  </section>`;
}
