import type { Hazard } from '../api/types.ts';
import { ESCALATION_LEVELS, HAZARD_STATUSES } from '../codes.ts';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { FilterSelect, GridFilter } from '../components/filter-select.ts';
import { loadGridFilterOptions } from '../components/grid-select.ts';
import { HazardBadges } from '../components/hazard-badges.ts';
import { RegisterExport } from '../components/register-export.ts';
import { SearchBox } from '../components/search-box.ts';
import { useAsync, usePagedList } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';
import { can, defaultDepartment } from '../permissions.ts';
import { loadDepartments } from '../ref-data.ts';
import { searchParams } from '../router.ts';
import { session } from '../session.ts';

/** Hazards as a table (the board) or, on a phone, as stacked cards: title, state, unit, deadline. */
export function HazardTable({ items, busy = false }: { items: Hazard[]; busy?: boolean }) {
  const tenant = session.value?.tenant ?? '';
  // aria-busy while a new filter loads: the rows shown are still the previous answer's.
  return html`<table class="table responsive" data-testid="hazards-table" aria-busy=${String(busy)}>
    <thead><tr>
      <th>${t('hazard.title')}</th><th>${t('hazard.state')}</th><th>${t('riskPoint.unit')}</th>
      <th>${t('hazard.deadline')}</th><th>${t('unit.updatedAt')}</th>
    </tr></thead>
    <tbody>
      ${items.map(
        (
          hazard,
        ) => html`<tr data-hazard=${hazard.id} data-level=${hazard.level} data-overdue=${String(hazard.overdue && hazard.status !== 'closed')}>
          <td data-label=${t('hazard.title')}><a class="hazard-title" href=${`/${tenant}/hazards/${hazard.id}`}>${hazard.title}</a></td>
          <td data-label=${t('hazard.state')}><${HazardBadges} hazard=${hazard} /></td>
          <td data-label=${t('riskPoint.unit')}>${hazard.unitName}</td>
          <td data-label=${t('hazard.deadline')}>${formatDateTime(hazard.deadline)}</td>
          <td data-label=${t('unit.updatedAt')}>${formatDateTime(hazard.updatedAt)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/**
 * The hazard board (隐患看板): work orders in the person's area by escalation level, overdue, status, grid and
 * department. Everything is in the query string, so "overdue at the county" is a link.
 */
export function HazardsPage() {
  const _current = session.value!;
  const params = searchParams.value;
  const grid = params.get('grid') ?? '';
  const level = params.get('level') ?? '';
  const overdue = params.get('overdue') ?? '';
  const status = params.get('status') ?? '';
  const q = params.get('q') ?? '';
  const department = params.get('department') ?? defaultDepartment(grid);
  const grids = useAsync(loadGridFilterOptions, []);
  const departments = useAsync(loadDepartments, []);
  const hazards = usePagedList<Hazard>('/hazards', { grid, level, overdue, status, department, q });
  return html`<section>
    <${PageTitle} title=${t('hazards.title')} />
    <${RegisterExport} kind="hazards" filters=${{ grid, level, overdue, status, department }} />
    <${SearchBox} value=${q} hint=${t('search.hazards')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <${FilterSelect} name="level" label=${t('hazard.level')} value=${level}
        options=${ESCALATION_LEVELS.map((l) => ({ value: l, label: t(`escalation.${l}`) }))} />
      <${FilterSelect} name="overdue" label=${t('hazard.overdue')} value=${overdue}
        options=${[
          { value: 'true', label: t('hazards.overdueOnly') },
          { value: 'false', label: t('hazards.notOverdue') },
        ]} />
      <${FilterSelect} name="status" label=${t('riskPoint.status')} value=${status}
        options=${HAZARD_STATUSES.map((s) => ({ value: s, label: t(`hazardStatus.${s}`) }))} />
      ${can('grid.read') ? html`<${GridFilter} grids=${grids.data ?? []} value=${grid} />` : null}
      <${FilterSelect} name="department" label=${t('units.department')} value=${department}
        options=${(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
    </form>
    ${hazards.error ? html`<${ErrorNotice} error=${hazards.error} onRetry=${hazards.reload} />` : null}
    ${hazards.loading && !hazards.data ? html`<${Loading} />` : null}
    ${
      hazards.data && !hazards.error
        ? html`<${HazardTable} items=${hazards.data.items} busy=${hazards.loading} />
          ${hazards.data.items.length === 0 ? html`<p class="muted">${q ? t('search.none', { q }) : t('hazards.empty')}</p>` : null}
          <${Pager} ...${hazards.pager} />`
        : null
    }
  </section>`;
}
