import { useState } from 'preact/hooks';
import { ApiError, api, apiBase, query } from '../api/client.ts';
import type { Workforce, WorkforcePatrol, WorkforceRow } from '../api/types.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, formatNumber, t } from '../i18n/index.ts';
import { navigate, searchParams, withQuery } from '../router.ts';
import { accessToken, readProblem, session } from '../session.ts';

type State = 'due' | 'done' | 'overdue' | 'far';
const STATES: State[] = ['due', 'done', 'overdue', 'far'];

/** A date in Beijing, `days` from today. */
function chinaDate(days = 0): string {
  return new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** The spreadsheet the API writes, fetched with the person's token and handed to the browser as a download. */
async function downloadXlsx(period: { from: string; to: string; grid?: string }) {
  const token = await accessToken();
  const response = await fetch(
    `${apiBase(session.value!.tenant)}/workforce${query({ ...period, format: 'xlsx' })}`,
    { headers: token ? { authorization: `Bearer ${token}` } : {} },
  );
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `workforce-${period.from}-${period.to}.xlsx`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function FigureTable({
  rows,
  title,
  testId,
  onPick,
}: {
  rows: WorkforceRow[];
  title: string;
  testId: string;
  onPick: (row: WorkforceRow, state: State) => void;
}) {
  return html`<h2>${title}</h2>
    <table class="table responsive" data-testid=${testId}>
      <thead><tr><th>${t('workforce.name')}</th>${STATES.map((s) => html`<th class="num">${t(`workforce.${s}`)}</th>`)}</tr></thead>
      <tbody>${rows.map(
        (row) => html`<tr data-row=${row.id}>
          <td data-label=${t('workforce.name')}>${row.name}</td>
          ${STATES.map(
            (state) => html`<td class="num" data-label=${t(`workforce.${state}`)}>
              <button type="button" class="button small" data-state=${state} aria-label=${`${row.name} ${t(`workforce.${state}`)} ${row[state]}`}
                onClick=${() => onPick(row, state)}>${formatNumber(row[state])}</button></td>`,
          )}
        </tr>`,
      )}</tbody>
    </table>`;
}

/** The patrols behind one figure (the drill-down), each linking to its unit. */
function Drill({
  row,
  state,
  period,
  onClose,
}: {
  row: WorkforceRow;
  state: State;
  period: Record<string, string | undefined>;
  onClose: () => void;
}) {
  const tenant = session.value!.tenant;
  const list = useAsync(
    () =>
      api<{ items: WorkforcePatrol[]; truncated: boolean }>(
        `/workforce/patrols${query({ ...period, state, [row.kind === 'village' ? 'village' : 'member']: row.id })}`,
      ),
    [row.id, state, period.from, period.to, period.grid],
  );
  return html`<section class="card" data-testid="workforce-drill">
    <h2>${t('workforce.patrols', { name: row.name, state: t(`workforce.${state}`) })}</h2>
    <button type="button" class="button" onClick=${onClose}>${t('workforce.close')}</button>
    ${list.error ? html`<${ErrorNotice} error=${list.error} onRetry=${list.reload} />` : null}
    ${list.loading && !list.data ? html`<${Loading} />` : null}
    ${
      list.data
        ? list.data.items.length === 0
          ? html`<p class="muted">${t('workforce.none')}</p>`
          : html`<table class="table responsive" data-testid="workforce-patrols">
              <thead><tr><th>${t('workforce.unit')}</th><th>${t('workforce.dueAt')}</th><th>${t('workforce.status')}</th><th>${t('workforce.completedBy')}</th><th class="num">${t('workforce.distance')}</th></tr></thead>
              <tbody>${list.data.items.map(
                (patrol) => html`<tr data-patrol=${patrol.id}>
                  <td data-label=${t('workforce.unit')}><a href=${`/${tenant}/units/${patrol.unitId}`}>${patrol.unitName}</a></td>
                  <td data-label=${t('workforce.dueAt')}>${formatDateTime(patrol.dueAt)}</td>
                  <td data-label=${t('workforce.status')}>${patrol.status === 'done' ? t('workforce.done') : patrol.dueAt < new Date().toISOString() ? t('workforce.overdue') : t('workforce.due')}</td>
                  <td data-label=${t('workforce.completedBy')}>${patrol.completedBy ?? '–'}</td>
                  <td class="num" data-label=${t('workforce.distance')}>${patrol.distanceMeters === undefined ? '–' : formatNumber(Math.round(patrol.distanceMeters))}</td>
                </tr>`,
              )}</tbody>
            </table>
            ${list.data.truncated ? html`<p class="muted">${t('workforce.truncated')}</p>` : null}`
        : null
    }
  </section>`;
}

/** The workforce view (网格员履职): patrols of a period by village and by grid member, each figure drilling down. */
export function WorkforcePage() {
  const params = searchParams.value;
  const to = params.get('to') || chinaDate();
  const from = params.get('from') || chinaDate(-29);
  const grid = params.get('grid') || undefined;
  const period = { from, to, grid };
  const view = useAsync(() => api<Workforce>(`/workforce${query(period)}`), [from, to, grid]);
  const [picked, setPicked] = useState<{ row: WorkforceRow; state: State }>();
  const [draft, setDraft] = useState({ from, to });
  const [error, setError] = useState<unknown>();
  const data = view.data;
  return html`<section data-testid="workforce">
    <${PageTitle} title=${t('workforce.title')}>
      <button type="button" class="button" data-testid="workforce-xlsx"
        onClick=${() => downloadXlsx({ from, to, ...(grid ? { grid } : {}) }).catch(setError)}>${t('workforce.xlsx')}</button>
    </${PageTitle}>
    <form class="filters" onSubmit=${(e: Event) => {
      e.preventDefault();
      setPicked(undefined);
      navigate(withQuery({ from: draft.from, to: draft.to }));
    }}>
      <div class="field"><label for="workforce-from">${t('workforce.from')}</label>
        <input id="workforce-from" type="date" value=${draft.from} onChange=${(e: Event) => setDraft({ ...draft, from: (e.target as HTMLInputElement).value })} /></div>
      <div class="field"><label for="workforce-to">${t('workforce.to')}</label>
        <input id="workforce-to" type="date" value=${draft.to} onChange=${(e: Event) => setDraft({ ...draft, to: (e.target as HTMLInputElement).value })} /></div>
      <button type="submit" class="button button-primary">${t('workforce.apply')}</button>
    </form>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    ${view.error ? html`<${ErrorNotice} error=${view.error} onRetry=${view.reload} />` : null}
    ${view.loading && !data ? html`<${Loading} />` : null}
    ${
      data && !view.error
        ? html`<p class="muted">${t('workforce.threshold', { meters: data.thresholdMeters })}</p>
          ${picked ? html`<${Drill} row=${picked.row} state=${picked.state} period=${period} onClose=${() => setPicked(undefined)} />` : null}
          <${FigureTable} rows=${data.villages} title=${t('workforce.villages')} testId="workforce-villages" onPick=${(row: WorkforceRow, state: State) => setPicked({ row, state })} />
          <${FigureTable} rows=${data.members} title=${t('workforce.members')} testId="workforce-members" onPick=${(row: WorkforceRow, state: State) => setPicked({ row, state })} />`
        : null
    }
  </section>`;
}
