import { useState } from 'preact/hooks';
import { api, listAll, query } from '../api/client.ts';
import type { Page, RiskPoint, RiskPointStatus } from '../api/types.ts';
import { RISK_COLOURS } from '../colours.ts';
import { ColourBadge, StatusBadge } from '../components/colour-badge.ts';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { GridSelect, loadGridOptions } from '../components/grid-select.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';
import { industryName, loadDepartments, loadIndustries } from '../ref-data.ts';
import { navigate, searchParams, withQuery } from '../router.ts';
import { scopeIds, session } from '../session.ts';

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
  const current = session.value!;
  const { role } = current.user;
  const params = searchParams.value;
  const grid = params.get('grid') ?? '';
  const color = params.get('color') ?? '';
  const status = params.get('status') ?? '';
  const industry = params.get('industry') ?? '';
  const ownDepartment = scopeIds(current.user, 'dept')[0] ?? '';
  const department =
    params.get('department') ?? (role === 'department_officer' && !grid ? ownDepartment : '');
  const filterKey = [grid, color, status, industry, department].join('|');
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const cursor = cursors[cursors.length - 1];
  const grids = useAsync(() => (role === 'unit_user' ? Promise.resolve([]) : loadGridOptions()), [role]);
  const departments = useAsync(loadDepartments, []);
  const industries = useAsync(loadIndustries, []);
  const points = useAsync(
    () =>
      api<Page<RiskPoint>>(
        `/risk-points${query({ grid, color, status, industry, department, limit: PAGE_SIZE, cursor })}`,
      ),
    [filterKey, cursor],
  );
  const gridName = (id: string) => grids.data?.find((node) => node.id === id)?.name ?? '';
  const select = (name: string, label: string, value: string, options: { value: string; label: string }[]) =>
    html`<div class="field">
      <label for=${`filter-${name}`}>${label}</label>
      <select id=${`filter-${name}`} name=${name} value=${value}
        onChange=${(e: Event) => navigate(withQuery({ [name]: (e.target as HTMLSelectElement).value }))}>
        <option value="">${t('common.all')}</option>
        ${options.map((option) => html`<option value=${option.value}>${option.label}</option>`)}
      </select>
    </div>`;
  return html`<section>
    <${PageTitle} title=${t('riskPoints.title')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${
        role !== 'unit_user'
          ? html`<div class="field">
              <label for="filter-grid">${t('units.grid')}</label>
              <${GridSelect} id="filter-grid" name="grid" grids=${grids.data ?? []} value=${grid} emptyLabel=${t('common.all')}
                onChange=${(value: string) => navigate(withQuery({ grid: value }))} />
            </div>`
          : null
      }
      ${select(
        'color',
        t('riskPoint.colour'),
        color,
        RISK_COLOURS.map((c) => ({ value: c, label: t(`colour.${c}`) })),
      )}
      ${select(
        'status',
        t('riskPoint.status'),
        status,
        STATUSES.map((s) => ({ value: s, label: t(`rpStatus.${s}`) })),
      )}
      ${select(
        'industry',
        t('units.industry'),
        industry,
        (industries.data?.items ?? []).map((i) => ({ value: i.code, label: i.name })),
      )}
      ${select(
        'department',
        t('units.department'),
        department,
        (departments.data ?? []).map((d) => ({ value: d.id, label: d.name })),
      )}
    </form>
    ${points.error ? html`<${ErrorNotice} error=${points.error} onRetry=${points.reload} />` : null}
    ${points.loading && !points.data ? html`<${Loading} />` : null}
    ${
      points.data && !points.error
        ? html`<${RiskPointTable} items=${points.data.items} gridName=${gridName} />
          ${points.data.items.length === 0 ? html`<p class="muted">${t('riskPoints.empty')}</p>` : null}
          <${Pager} cursors=${cursors} nextCursor=${points.data.nextCursor}
            onChange=${(next: string[]) => setPaging({ key: filterKey, cursors: next })} />`
        : null
    }
  </section>`;
}

/**
 * The review queue: filings waiting for the viewer's level (township officers the township step, the county
 * admin the county step), oldest first.
 */
export function ReviewQueuePage() {
  const current = session.value!;
  const level = current.user.role === 'county_admin' ? 'county' : 'township';
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
