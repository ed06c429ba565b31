import { listAll } from '../api/client.ts';
import type { RiskPoint, RiskPointStatus } from '../api/types.ts';
import { RISK_COLOURS } from '../colours.ts';
import { ColourBadge, StatusBadge } from '../components/colour-badge.ts';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { FilterSelect, GridFilter } from '../components/filter-select.ts';
import { loadGridFilterOptions, loadGridOptions } from '../components/grid-select.ts';
import { RegisterExport } from '../components/register-export.ts';
import { SearchBox } from '../components/search-box.ts';
import { useAsync, usePagedList } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';
import { can, defaultDepartment } from '../permissions.ts';
import { industryName, loadDepartments, loadIndustries } from '../ref-data.ts';
import { searchParams } from '../router.ts';
import { session } from '../session.ts';

const PAGE_SIZE = 20;
const STATUSES: readonly RiskPointStatus[] = ['draft', 'submitted', 'township_approved', 'filed'];

function RiskPointTable({ items, gridName }: { items: RiskPoint[]; gridName: (id: string) => string }) {
  const tenant = session.value?.tenant ?? '';
  const industries = useAsync(loadIndustries, []);
  return html`<table class="table responsive" data-testid="risk-points-table">
    <thead>
      <tr>
        <th>${t('riskPoint.name')}</th><th>${t('riskPoint.colour')}</th><th>${t('riskPoint.status')}</th>
        <th>${t('riskPoint.unit')}</th><th>${t('unit.industry')}</th><th>${t('unit.grid')}</th><th>${t('unit.updatedAt')}</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (point) => html`<tr data-risk-point=${point.id}>
          <td data-label=${t('riskPoint.name')}><a class="rp-name" href=${`/${tenant}/risk-points/${point.id}`}>${point.name}</a></td>
          <td data-label=${t('riskPoint.colour')}><${ColourBadge} colour=${point.color} /></td>
          <td data-label=${t('riskPoint.status')}><${StatusBadge} status=${point.status} /></td>
          <td data-label=${t('riskPoint.unit')}><a href=${`/${tenant}/units/${point.unitId}`}>${point.unitName}</a></td>
          <td data-label=${t('unit.industry')}>${industryName(industries.data, point.industry)}</td>
          <td data-label=${t('unit.grid')}>${gridName(point.gridId)}</td>
          <td data-label=${t('unit.updatedAt')}>${formatDateTime(point.updatedAt)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The risk-point register: every point in the person's area, by grid, colour, status, industry, department. */
export function RiskPointsPage() {
  const _current = session.value!;
  const params = searchParams.value;
  const grid = params.get('grid') ?? '';
  const color = params.get('color') ?? '';
  const status = params.get('status') ?? '';
  const industry = params.get('industry') ?? '';
  const q = params.get('q') ?? '';
  const department = params.get('department') ?? defaultDepartment(grid);
  const grids = useAsync(loadGridFilterOptions, []);
  const departments = useAsync(loadDepartments, []);
  const industries = useAsync(loadIndustries, []);
  const points = usePagedList<RiskPoint>(
    '/risk-points',
    { grid, color, status, industry, department, q },
    PAGE_SIZE,
  );
  const gridName = (id: string) => grids.data?.find((node) => node.id === id)?.name ?? '';
  return html`<section>
    <${PageTitle} title=${t('riskPoints.title')} />
    <${RegisterExport} kind="risk-points" filters=${{ grid, color, status, industry, department }} />
    <${SearchBox} value=${q} hint=${t('search.riskPoints')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${can('grid.read') ? html`<${GridFilter} grids=${grids.data ?? []} value=${grid} />` : null}
      <${FilterSelect} name="color" label=${t('riskPoint.colour')} value=${color}
        options=${RISK_COLOURS.map((c) => ({ value: c, label: t(`colour.${c}`) }))} />
      <${FilterSelect} name="status" label=${t('riskPoint.status')} value=${status}
        options=${STATUSES.map((s) => ({ value: s, label: t(`rpStatus.${s}`) }))} />
      <${FilterSelect} name="industry" label=${t('units.industry')} value=${industry}
        options=${(industries.data?.items ?? []).map((i) => ({ value: i.code, label: i.name }))} />
      <${FilterSelect} name="department" label=${t('units.department')} value=${department}
        options=${(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
    </form>
    ${points.error ? html`<${ErrorNotice} error=${points.error} onRetry=${points.reload} />` : null}
    ${points.loading && !points.data ? html`<${Loading} />` : null}
    ${
      points.data && !points.error
        ? html`<${RiskPointTable} items=${points.data.items} gridName=${gridName} />
          ${points.data.items.length === 0 ? html`<p class="muted">${q ? t('search.none', { q }) : t('riskPoints.empty')}</p>` : null}
          <${Pager} ...${points.pager} />`
        : null
    }
  </section>`;
}

/**
 * The review queue: filings waiting for the viewer's level (township officers the township step, the county
 * admin the county step), oldest first.
 */
export function ReviewQueuePage() {
  const _current = session.value!;
  // The county step is the county's own: whoever runs the county's grid (the county admin) reviews there.
  const level = can('grid.manage') ? 'county' : 'township';
  const grids = useAsync(loadGridOptions, []);
  const queue = useAsync(async () => {
    const [submitted, approved] = await Promise.all([
      listAll<RiskPoint>('/risk-points', { status: 'submitted' }),
      listAll<RiskPoint>('/risk-points', { status: 'township_approved' }),
    ]);
    return [...submitted, ...approved]
      .filter((point) => point.reviewChain[point.reviewStep] === level)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  }, [level]);
  const gridName = (id: string) => grids.data?.find((node) => node.id === id)?.name ?? '';
  return html`<section>
    <${PageTitle} title=${t('review.title')} />
    <p class="muted">${t(level === 'county' ? 'review.helpCounty' : 'review.helpTownship')}</p>
    ${queue.error ? html`<${ErrorNotice} error=${queue.error} onRetry=${queue.reload} />` : null}
    ${queue.loading && !queue.data ? html`<${Loading} />` : null}
    ${queue.data ? html`<${RiskPointTable} items=${queue.data} gridName=${gridName} />` : null}
    ${queue.data && queue.data.length === 0 ? html`<p class="muted">${t('review.empty')}</p>` : null}
  </section>`;
}
