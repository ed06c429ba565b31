import type { Patrol } from '../api/types.ts';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { FilterSelect, GridFilter } from '../components/filter-select.ts';
import { loadGridFilterOptions } from '../components/grid-select.ts';
import { RegisterExport } from '../components/register-export.ts';
import { useAsync, usePagedList } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { searchParams } from '../router.ts';
import { session } from '../session.ts';

const STATUSES = ['scheduled', 'overdue', 'done'] as const;

/** Where a patrol stands, as the list shows it: done, overdue, or due. */
function stateOf(patrol: Patrol): (typeof STATUSES)[number] {
  if (patrol.status === 'done') return 'done';
  return patrol.overdue ? 'overdue' : 'scheduled';
}

/**
 * The patrol register (巡查台账) in the officer's area: every patrol task by grid and state, due, overdue or done
 * (by whom, when, how far from the point), and the whole filtered list exported to Excel, as the other registers.
 */
export function PatrolsPage() {
  const tenant = session.value?.tenant ?? '';
  const params = searchParams.value;
  const grid = params.get('grid') ?? '';
  const status = params.get('status') ?? '';
  const grids = useAsync(loadGridFilterOptions, []);
  const patrols = usePagedList<Patrol>('/patrols', { grid, status });
  return html`<section>
    <${PageTitle} title=${t('patrols.title')} />
    <${RegisterExport} kind="patrols" filters=${{ grid, status }} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <${FilterSelect} name="status" label=${t('patrols.state')} value=${status}
        options=${STATUSES.map((s) => ({ value: s, label: t(`patrols.state.${s}`) }))} />
      ${can('grid.read') ? html`<${GridFilter} grids=${grids.data ?? []} value=${grid} />` : null}
    </form>
    ${patrols.error ? html`<${ErrorNotice} error=${patrols.error} onRetry=${patrols.reload} />` : null}
    ${patrols.loading && !patrols.data ? html`<${Loading} />` : null}
    ${
      patrols.data && !patrols.error
        ? html`<table class="table responsive" data-testid="patrols-table" aria-busy=${String(patrols.loading)}>
            <thead><tr>
              <th>${t('riskPoint.unit')}</th><th>${t('patrols.due')}</th><th>${t('patrols.state')}</th>
              <th>${t('patrols.doneAt')}</th><th>${t('patrols.distance')}</th>
            </tr></thead>
            <tbody>
              ${patrols.data.items.map(
                (patrol) => html`<tr data-patrol=${patrol.id} data-state=${stateOf(patrol)}>
                  <td data-label=${t('riskPoint.unit')}><a href=${`/${tenant}/units/${patrol.unitId}`}>${patrol.unitName}</a></td>
                  <td data-label=${t('patrols.due')}>${formatDateTime(patrol.dueAt)}</td>
                  <td data-label=${t('patrols.state')}><span class=${`badge patrol-${stateOf(patrol)}`}>${t(`patrols.state.${stateOf(patrol)}`)}</span></td>
                  <td data-label=${t('patrols.doneAt')}>${patrol.completedAt ? formatDateTime(patrol.completedAt) : ''}</td>
                  <td data-label=${t('patrols.distance')}>${
                    patrol.distanceMeters === undefined
                      ? ''
                      : html`${Math.round(patrol.distanceMeters)}${patrol.distanceFlagged ? html` <strong>${t('patrols.far')}</strong>` : null}`
                  }</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${patrols.data.items.length === 0 ? html`<p class="muted">${t('patrols.empty')}</p>` : null}
          <${Pager} ...${patrols.pager} />`
        : null
    }
  </section>`;
}
