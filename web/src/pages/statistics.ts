import type { StatisticsFigures } from '@gridsafe/core';
import { useState } from 'preact/hooks';
import { api, query } from '../api/client.ts';
import type { Department, GridNode, Statistics } from '../api/types.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatNumber, type MessageKey, TIME_ZONE, t } from '../i18n/index.ts';
import { loadDepartments } from '../ref-data.ts';
import { navigate, searchParams, withQuery } from '../router.ts';
import { downloadCsv } from './statistics-csv.ts';

/** Today in Beijing, `2026-12-05`: the county's calendar whatever the device's. */
function beijingToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date());
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The periods a bureau reports most, each one click: [label, from, to]. */
export function periodPresets(today: string): [MessageKey, string, string][] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const quarterStart = Math.floor((month - 1) / 3) * 3 + 1;
  const lastQuarterStart = quarterStart === 1 ? 10 : quarterStart - 3;
  const lastQuarterYear = quarterStart === 1 ? year - 1 : year;
  return [
    ['statistics.thisYear', `${year}-01-01`, today],
    ['statistics.lastYear', `${year - 1}-01-01`, `${year - 1}-12-31`],
    ['statistics.thisQuarter', `${year}-${pad(quarterStart)}-01`, today],
    [
      'statistics.lastQuarter',
      `${lastQuarterYear}-${pad(lastQuarterStart)}-01`,
      `${lastQuarterYear}-${pad(lastQuarterStart + 2)}-${lastDayOf(lastQuarterYear, lastQuarterStart + 2)}`,
    ],
    ['statistics.thisMonth', `${year}-${pad(month)}-01`, today],
  ];
}

/** The table's columns: a label and how to read it from a place's figures. */
export const COLUMNS: [MessageKey, (f: StatisticsFigures) => number][] = [
  ['statistics.reported', (f) => f.riskPoints.filed.total + f.riskPoints.inReview],
  ['statistics.filed', (f) => f.riskPoints.filed.total],
  ['statistics.red', (f) => f.riskPoints.filed.red],
  ['statistics.orange', (f) => f.riskPoints.filed.orange],
  ['statistics.yellow', (f) => f.riskPoints.filed.yellow],
  ['statistics.blue', (f) => f.riskPoints.filed.blue],
  ['statistics.ungraded', (f) => f.riskPoints.filed.ungraded],
  ['statistics.inReview', (f) => f.riskPoints.inReview],
  ['statistics.draft', (f) => f.riskPoints.draft],
  ['statistics.found', (f) => f.hazards.found],
  ['statistics.rectified', (f) => f.hazards.rectified],
  ['statistics.overdue', (f) => f.hazards.overdue],
  ['statistics.listed', (f) => f.hazards.listed],
  ['statistics.patrolsDue', (f) => f.patrols.due],
  ['statistics.patrolsDone', (f) => f.patrols.done],
];

/** The places one can pick: the townships and the departments the person may see (each list empty if refused). */
function usePlaces() {
  return useAsync(async () => {
    const [townships, departments] = await Promise.all([
      api<{ items: GridNode[] }>('/grids?level=township&limit=100')
        .then((page) => page.items)
        .catch(() => [] as GridNode[]),
      loadDepartments().catch(() => [] as Department[]),
    ]);
    return { townships, departments };
  }, []);
}

/**
 * 上报统计: the figures a county or township reports upward for a period, reproducing the bureau's paragraph
 * ("已上报备案风险点…个，红色…个，占…%"), with a row per grid below or per department, to print or export.
 * A township (or department) is one pick from the list or one click on its row; a period one click on a preset.
 */
export function StatisticsPage() {
  const params = searchParams.value;
  const today = beijingToday();
  const request = {
    grid: params.get('grid') ?? undefined,
    department: params.get('department') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    by: params.get('by') ?? undefined,
  };
  const answer = useAsync(() => api<Statistics>(`/statistics${query(request)}`), [JSON.stringify(request)]);
  const places = usePlaces();
  const data = answer.data;
  const place = request.department ? `d:${request.department}` : request.grid ? `g:${request.grid}` : '';
  const pick = (value: string) =>
    navigate(
      withQuery({
        grid: value.startsWith('g:') ? value.slice(2) : undefined,
        department: value.startsWith('d:') ? value.slice(2) : undefined,
      }),
    );
  return html`<section data-testid="statistics" class="statistics">
    <${PageTitle} title=${t('statistics.title')}>
      <button type="button" class="button" data-testid="statistics-print" onClick=${() => window.print()}>${t('statistics.print')}</button>
      ${data ? html`<button type="button" class="button" data-testid="statistics-csv" onClick=${() => downloadCsv(data)}>${t('statistics.csv')}</button>` : null}
    </${PageTitle}>
    <form class="filters statistics-filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <div class="field">
        <label for="statistics-place">${t('statistics.place')}</label>
        <select id="statistics-place" data-testid="statistics-place" value=${place}
          onChange=${(e: Event) => pick((e.target as HTMLSelectElement).value)}>
          <option value="">${t('statistics.ownArea', { name: data && !request.grid && !request.department ? data.grid.name : '' })}</option>
          ${
            places.data?.townships.length
              ? html`<optgroup label=${t('statistics.townships')}>
                  ${places.data.townships.map((g) => html`<option value=${`g:${g.id}`}>${g.name}</option>`)}
                </optgroup>`
              : null
          }
          ${
            places.data?.departments.length
              ? html`<optgroup label=${t('statistics.departments')}>
                  ${places.data.departments.map((d) => html`<option value=${`d:${d.id}`}>${d.name}</option>`)}
                </optgroup>`
              : null
          }
        </select>
      </div>
      <${PeriodFields} from=${data?.from ?? request.from ?? ''} to=${data?.to ?? request.to ?? ''} today=${today} />
    </form>
    <p class="statistics-presets" role="group" aria-label=${t('statistics.period')}>
      ${periodPresets(today).map(
        ([key, from, to]) =>
          html`<a class=${`button button-quiet${data?.from === from && data?.to === to ? ' active' : ''}`}
            href=${withQuery({ from, to })} aria-current=${data?.from === from && data?.to === to ? 'true' : undefined}>${t(key)}</a>`,
      )}
      <span class="spacer"></span>
      <a class=${`button button-quiet${(data?.by ?? 'grid') === 'grid' ? ' active' : ''}`} href=${withQuery({ by: undefined })}>${t('statistics.byGrid')}</a>
      <a class=${`button button-quiet${data?.by === 'department' ? ' active' : ''}`} href=${withQuery({ by: 'department' })}>${t('statistics.byDepartment')}</a>
    </p>
    ${answer.error ? html`<${ErrorNotice} error=${answer.error} onRetry=${answer.reload} />` : null}
    ${answer.loading && !data ? html`<${Loading} />` : null}
    ${data && !answer.error ? html`<${StatisticsReport} data=${data} />` : null}
  </section>`;
}

function PeriodFields({ from, to, today }: { from: string; to: string; today: string }) {
  const [draft, setDraft] = useState<{ from?: string; to?: string }>({});
  const apply = () => navigate(withQuery({ from: draft.from ?? from, to: draft.to ?? to }));
  return html`<div class="field">
      <label for="statistics-from">${t('statistics.from')}</label>
      <input id="statistics-from" type="date" max=${today} value=${draft.from ?? from}
        onChange=${(e: Event) => setDraft({ ...draft, from: (e.target as HTMLInputElement).value })} />
    </div>
    <div class="field">
      <label for="statistics-to">${t('statistics.to')}</label>
      <input id="statistics-to" type="date" max=${today} value=${draft.to ?? to}
        onChange=${(e: Event) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })} />
    </div>
    <div class="field"><button type="button" class="button" onClick=${apply}>${t('statistics.apply')}</button></div>`;
}

function StatisticsReport({ data }: { data: Statistics }) {
  const heading = t('statistics.heading', {
    place: data.grid.name,
    department: data.department ? ` · ${data.department.name}` : '',
    from: data.from,
    to: data.to,
  });
  return html`<h2 data-testid="statistics-heading">${heading}</h2>
    <p class="statistics-summary" data-testid="statistics-summary">${data.summary}</p>
    ${data.exactFrom && data.from < data.exactFrom ? html`<p class="muted small">${t('statistics.exactFrom', { day: data.exactFrom })}</p>` : null}
    <div class="table-scroll" role="region" aria-label=${t('statistics.table')} tabindex="0">
      <table class="table statistics-table" data-testid="statistics-table">
        <thead><tr>
          <th scope="col">${t('statistics.name')}</th>
          ${COLUMNS.map(([key]) => html`<th scope="col" class="num">${t(key)}</th>`)}
        </tr></thead>
        <tbody>
          ${data.rows.map(
            (row) => html`<tr data-testid="statistics-row">
              <th scope="row">${
                row.kind === 'grid'
                  ? html`<a href=${withQuery({ grid: row.id, department: data.department?.id })}>${row.name}</a>`
                  : html`<a href=${withQuery({ department: row.id, by: undefined })}>${row.name}</a>`
              }</th>
              ${COLUMNS.map(([, read]) => html`<td class="num">${formatNumber(read(row))}</td>`)}
            </tr>`,
          )}
        </tbody>
        <tfoot><tr>
          <th scope="row">${t('statistics.total')}</th>
          ${COLUMNS.map(([, read]) => html`<td class="num">${formatNumber(read(data))}</td>`)}
        </tr></tfoot>
      </table>
    </div>
    ${data.rows.length === 0 ? html`<p class="muted">${t('statistics.noRows')}</p>` : null}`;
}
