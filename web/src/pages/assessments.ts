import { useState } from 'preact/hooks';
import { ApiError, api, apiBase, query } from '../api/client.ts';
import type { ScoredAssessment, ScoredRow } from '../api/types.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { FilterSelect } from '../components/filter-select.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  label,
  TIME_ZONE,
  t,
} from '../i18n/index.ts';
import { searchParams } from '../router.ts';
import { accessToken, readProblem, session } from '../session.ts';
import { AssessmentActions } from './assessment-actions.ts';

const KIND_ORDER = { township: 0, department: 1, member: 2 } as const;

/** Townships first, then departments, then grid members, each best score first. */
function ranked(rows: ScoredRow[]): ScoredRow[] {
  return [...rows].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.rank - b.rank);
}

/** The quarter a moment falls in, in Beijing time (a quarter's first hours are still the last one's in UTC). */
export function quarterOf(date: Date): string {
  const parts = new Intl.DateTimeFormat('en', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: 'numeric',
  }).formatToParts(date);
  const year = parts.find((p) => p.type === 'year')?.value;
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  return `${year}Q${Math.ceil(month / 3)}`;
}

/** The last `count` quarters up to `latest`, newest first. */
function recentQuarters(latest: string, count: number): string[] {
  let year = Number(latest.slice(0, 4));
  let q = Number(latest.slice(5));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(`${year}Q${q}`);
    q -= 1;
    if (q === 0) {
      q = 4;
      year -= 1;
    }
  }
  return out;
}

function Rate({ part, whole, rate }: { part: number; whole: number; rate: number | null }) {
  return html`<span title=${`${part} / ${whole}`}>${rate === null ? '–' : formatPercent(part, whole)}</span>
    <span class="muted small"> ${formatNumber(part)}/${formatNumber(whole)}</span>`;
}

/**
 * The CSV the API writes for Excel (UTF-8 with a BOM), fetched with the person's token (a plain link would carry
 * none) and handed to the browser as a download.
 */
function CsvDownload({ quarter }: { quarter: string }) {
  const [error, setError] = useState<unknown>();
  const download = async () => {
    setError(undefined);
    try {
      const token = await accessToken();
      const response = await fetch(
        `${apiBase(session.value!.tenant)}/assessments${query({ quarter, format: 'csv' })}`,
        {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        },
      );
      if (!response.ok) throw new ApiError(response.status, await readProblem(response));
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = `assessment-${quarter}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<button type="button" class="button" data-testid="csv-download" onClick=${download}>${t('assessments.csv')}</button>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}`;
}

/**
 * Quarterly assessment (季度考核) of each township and department: filing coverage, patrol completion, on-time
 * rectification and escalations for passed deadlines, as the API computes them from the records.
 */
export function AssessmentsPage() {
  const thisQuarter = quarterOf(new Date());
  const year = searchParams.value.get('year') || undefined;
  const quarter = year ? undefined : searchParams.value.get('quarter') || thisQuarter;
  const assessment = useAsync(
    () => api<ScoredAssessment>(`/assessments${query({ quarter, year })}`),
    [quarter, year],
  );
  const quarters = recentQuarters(thisQuarter, 8);
  if (quarter && !quarters.includes(quarter)) quarters.unshift(quarter);
  const thisYear = thisQuarter.slice(0, 4);
  const years = [thisYear, String(Number(thisYear) - 1)];
  const data = assessment.data;
  const tenant = session.value!.tenant;
  const printHref = `/${tenant}/assessments/print${query({ quarter, year })}`;
  return html`<section data-testid="assessments">
    <${PageTitle} title=${year ? t('assessments.annual') : t('assessments.title')}>
      <a class="button" href=${printHref} data-testid="assessment-print">${t('assessments.print')}</a>
      ${quarter ? html`<${CsvDownload} quarter=${quarter} />` : null}
    </${PageTitle}>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <${FilterSelect} name="quarter" label=${t('assessments.quarter')} value=${!quarter || quarter === thisQuarter ? '' : quarter}
        options=${quarters.filter((q) => q !== thisQuarter).map((q) => ({ value: q, label: q }))} allLabel=${t('assessments.current', { quarter: thisQuarter })} />
      <${FilterSelect} name="year" label=${t('assessments.annual')} value=${year ?? ''}
        options=${years.map((y) => ({ value: y, label: t('assessments.year', { year: y }) }))} allLabel="–" />
    </form>
    ${
      data
        ? html`<p class="muted">${t('assessments.period', { from: formatDate(data.start), to: formatDate(new Date(new Date(data.end).getTime() - 1).toISOString()) })}
      · <span data-testid="assessment-computed-at">${t('assessments.computedAt', { at: formatDateTime(data.computedAt) })}</span></p>`
        : null
    }
    ${assessment.error ? html`<${ErrorNotice} error=${assessment.error} onRetry=${assessment.reload} />` : null}
    ${assessment.loading && !data ? html`<${Loading} />` : null}
    ${
      data && !assessment.error
        ? html`<table class="table responsive" data-testid="assessment-table">
            <thead><tr>
              <th>${t('assessments.name')}</th><th>${t('assessments.units')}</th><th>${t('assessments.filingCoverage')}</th>
              <th>${t('assessments.patrolCompletion')}</th><th>${t('assessments.onTime')}</th><th class="num">${t('assessments.overdueEscalations')}</th>
              <th class="num">${t('assessments.deduction')}</th><th class="num">${t('assessments.score')}</th><th class="num">${t('assessments.rank')}</th>
            </tr></thead>
            <tbody>
              ${ranked(data.rows).map(
                (row) => html`<tr data-row=${row.id} data-kind=${row.kind} data-rank=${row.rank}>
                  <td data-label=${t('assessments.name')}>${row.name} <span class="muted small">${label('assessmentKind', row.kind)}</span></td>
                  <td data-label=${t('assessments.units')}>${formatNumber(row.units)}</td>
                  <td data-label=${t('assessments.filingCoverage')}><${Rate} part=${row.unitsFiled} whole=${row.units} rate=${row.filingCoverage} /></td>
                  <td data-label=${t('assessments.patrolCompletion')}><${Rate} part=${row.patrolsDone} whole=${row.patrolsDue} rate=${row.patrolCompletion} /></td>
                  <td data-label=${t('assessments.onTime')}><${Rate} part=${row.hazardsOnTime} whole=${row.hazardsDue} rate=${row.onTimeRectification} /></td>
                  <td class="num" data-label=${t('assessments.overdueEscalations')}>${formatNumber(row.overdueEscalations)}</td>
                  <td class="num" data-label=${t('assessments.deduction')}>${row.deduction}</td>
                  <td class="num" data-label=${t('assessments.score')} data-testid="assessment-score">${row.score}</td>
                  <td class="num" data-label=${t('assessments.rank')} data-testid="assessment-rank">${row.rank}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${data.rows.length === 0 ? html`<p class="muted">${t('assessments.empty')}</p>` : null}
          ${data.quarters ? html`<p class="muted">${t('assessments.quarters', { quarters: data.quarters.join('、') })}</p>` : null}`
        : null
    }
    <${AssessmentActions} quarter=${quarter} year=${year ?? thisYear} rows=${data?.rows ?? []} onChange=${assessment.reload} />
  </section>`;
}
