import { type LabelStats, percentile } from './load.ts';

/**
 * The budgets of the issue, per row. `calls` is checked on every answer against `x-dynamodb-calls` less that
 * answer's per-process cache refreshes (the county status and the settings are read once per county per 30 s
 * per process, whichever request happens to come then); `ops` is the one sequence of operations allowed.
 */
export interface Budget {
  calls: { max: number } | { exact: number };
  ops?: string;
  /**
   * `ops` is how every answer starts, not all it does: an approve that files its point then re-rates the point's
   * unit (credit ratings: up to 3 GetItems, 4 Queries and the rating's TransactWriteItems, as
   * test/integration/budgets.test.ts allows; a transaction lost to a concurrent one is sent again and counted).
   */
  opsThenRerate?: true;
  /** Whether the p50 is shown against the no-op endpoint's (3×, enforced only with --strict). */
  vsNoop: boolean;
  /** Whether the p50 is held to OVERHEAD_BUDGET × the p50 of the same DynamoDB calls sent without the API. */
  overhead: boolean;
}

export const ROW_BUDGETS: Record<string, Budget> = {
  'no-op: GET /me': { calls: { exact: 0 }, vsNoop: false, overhead: false },
  'stats: county': { calls: { max: 2 }, ops: 'GetItem,Query', vsNoop: true, overhead: true },
  'stats: township': { calls: { max: 2 }, ops: 'GetItem,Query', vsNoop: true, overhead: true },
  'stats: village': { calls: { max: 2 }, ops: 'GetItem,Query', vsNoop: true, overhead: true },
  'list: red points in a township': { calls: { max: 2 }, ops: 'GetItem,Query', vsNoop: true, overhead: true },
  'list: units in a township': { calls: { max: 2 }, ops: 'GetItem,Query', vsNoop: true, overhead: true },
  'record page': { calls: { exact: 1 }, ops: 'GetItem', vsNoop: true, overhead: true },
  'transition: submit': {
    calls: { exact: 2 },
    ops: 'GetItem,TransactWriteItems',
    vsNoop: true,
    overhead: true,
  },
  'transition: approve': {
    calls: { max: 2 + 8 },
    ops: 'GetItem,TransactWriteItems',
    opsThenRerate: true,
    vsNoop: true,
    overhead: true,
  },
  'transition: reopen': {
    calls: { exact: 2 },
    ops: 'GetItem,TransactWriteItems',
    vsNoop: true,
    overhead: true,
  },
};

/** How far above the no-op endpoint's p50 an endpoint's p50 may be (only with --strict: it measures the emulator). */
export const NOOP_RATIO_BUDGET = 3;
/**
 * How far above its reference an endpoint's p50 may be: the same DynamoDB calls its answers sent, sent again
 * straight from the benchmark with the same concurrency (scripts/bench/replay.ts). Issue 20's budget.
 */
export const OVERHEAD_BUDGET = 1.3;
/** Stats at the largest compared scale may be this much slower than at the smallest and still count as flat. */
export const SCALE_RATIO_BUDGET = 1.5;

export interface Row {
  label: string;
  path: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  /** Mean of `x-dynamodb-calls`, cache refreshes included (what a bill would show). */
  callsMean: number;
  /** Largest `x-dynamodb-calls` of one answer, cache refreshes excluded (what the budget checks). */
  callsMax: number;
  cacheRefreshes: number;
  /** The most common sequence of operations, and every sequence seen with its count. */
  ops: string;
  opsSeen: Record<string, number>;
  budget: string;
  ratioToNoop?: number;
  /** p50 of the same DynamoDB calls without the API, and this row's p50 over it. */
  referenceP50?: number;
  overhead?: number;
  /** Broken budgets, in words; `advisory` ones are reported without failing the run. */
  failures: string[];
  advisories: string[];
}

export function rowOf(stats: LabelStats, path: string): Row {
  const budget = ROW_BUDGETS[stats.label.replace(/ \(again\)$/, '')];
  const excluding = stats.calls.map((calls, i) => calls - (stats.cacheReads[i] ?? 0));
  const failures: string[] = [];
  if (stats.requests === 0) failures.push('no answers');
  if (stats.non2xx > 0)
    failures.push(
      `${stats.non2xx} answers were not 2xx (${Object.entries(stats.refusals)
        .map(([refusal, count]) => `${refusal} ×${count}`)
        .join('; ')})`,
    );
  if (excluding.some((calls) => Number.isNaN(calls))) failures.push('answers without x-dynamodb-calls');
  const ops = Object.entries(stats.opsSeen).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  let budgetText = '';
  if (budget) {
    if ('max' in budget.calls) {
      const { max } = budget.calls;
      budgetText = `≤ ${max}`;
      const over = excluding.filter((calls) => calls > max).length;
      if (over > 0) failures.push(`${over} answers made more than ${max} DynamoDB calls`);
    } else {
      const { exact } = budget.calls;
      budgetText = `= ${exact}`;
      const off = excluding.filter((calls) => calls !== exact).length;
      if (off > 0) failures.push(`${off} answers did not make exactly ${exact} DynamoDB calls`);
    }
    if (budget.ops) {
      const expected = budget.ops;
      budgetText += budget.opsThenRerate ? ` (${expected}, then the unit's re-rate)` : ` (${expected})`;
      const unexpected = Object.entries(stats.opsSeen).filter(([seen]) =>
        budget.opsThenRerate
          ? !`${withoutRefreshes(seen)},`.startsWith(`${expected},`)
          : withoutRefreshes(seen) !== expected,
      );
      if (unexpected.length > 0)
        failures.push(`operations ${unexpected.map(([s, n]) => `${s} ×${n}`).join('; ')}`);
    }
  }
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(values.length, 1);
  return {
    label: stats.label,
    path,
    requests: stats.requests,
    requestsPerSecond: stats.requests / Math.max(stats.seconds, 0.001),
    p50: percentile(stats.latencies, 50),
    p95: percentile(stats.latencies, 95),
    p99: percentile(stats.latencies, 99),
    non2xx: stats.non2xx,
    callsMean: mean(stats.calls),
    // A loop, not Math.max(...excluding): a fast row's 130,000 answers are more arguments than the stack holds.
    callsMax:
      excluding.length > 0
        ? excluding.reduce((max, n) => Math.max(max, n), Number.NEGATIVE_INFINITY)
        : Number.NaN,
    cacheRefreshes: stats.cacheReads.reduce((sum, n) => sum + n, 0),
    ops,
    opsSeen: stats.opsSeen,
    budget: budgetText,
    failures,
    advisories: [],
  };
}

/**
 * Puts each row's p50 beside the no-op endpoint's (the mean of the no-op rows, measured first and last, so a
 * machine that got busier during the run shows up as two different no-op rows rather than as a skewed ratio).
 * The 3× budget is advisory unless `strict`: on DynamoDB Local a bare GetItem is already 2.3–4.7× the no-op, so it
 * measures the emulator; the overhead budget (applyOverhead) is the API's.
 */
/**
 * A measured run's answers are not observed one by one (api-server.ts: that costs the API process), so the
 * per-process cache refreshes among their calls are known only as a count for the whole run. Each is put on the
 * answer furthest over its row's call budget, one call at a time, until none is over or none is left: a budget then
 * fails only where more calls are over than the run's refreshes could explain.
 */
export function attributeRefreshes(rows: LabelStats[], refreshes: number): void {
  for (let left = refreshes; left > 0; left--) {
    let furthest: { stats: LabelStats; index: number; over: number } | undefined;
    for (const stats of rows) {
      const calls = ROW_BUDGETS[stats.label.replace(/ \(again\)$/, '')]?.calls;
      if (!calls) continue;
      const allowed = 'max' in calls ? calls.max : calls.exact;
      for (let index = 0; index < stats.calls.length; index++) {
        const over = stats.calls[index]! - (stats.cacheReads[index] ?? 0) - allowed;
        if (over > 0 && (!furthest || over > furthest.over)) furthest = { stats, index, over };
      }
    }
    if (!furthest) return;
    furthest.stats.cacheReads[furthest.index] = (furthest.stats.cacheReads[furthest.index] ?? 0) + 1;
  }
}

export function applyNoopRatio(rows: Row[], enforce: boolean): void {
  const noops = rows.filter((row) => row.label.startsWith('no-op'));
  if (noops.length === 0) return;
  const noopP50 = noops.reduce((sum, row) => sum + row.p50, 0) / noops.length;
  for (const row of rows) {
    row.ratioToNoop = row.p50 / noopP50;
    const budget = ROW_BUDGETS[row.label];
    if (!budget?.vsNoop || row.ratioToNoop <= NOOP_RATIO_BUDGET) continue;
    const text = `p50 ${row.ratioToNoop.toFixed(1)}× the no-op endpoint's (budget ${NOOP_RATIO_BUDGET}×)`;
    (enforce ? row.failures : row.advisories).push(text);
  }
}

/**
 * Puts the row's p50 beside its replay's (the same DynamoDB calls, no API): the API's own overhead, enforced at
 * OVERHEAD_BUDGET on reads and transitions at every scale.
 */
export function applyOverhead(row: Row, reference: LabelStats): void {
  if (reference.latencies.length === 0) {
    row.failures.push('no reference: none of its answers could be captured and replayed');
    return;
  }
  row.referenceP50 = percentile(reference.latencies, 50);
  row.overhead = row.p50 / row.referenceP50;
  if (ROW_BUDGETS[row.label]?.overhead && row.overhead > OVERHEAD_BUDGET) {
    row.failures.push(
      `overhead ${row.overhead.toFixed(2)}× the same DynamoDB calls without the API (budget ${OVERHEAD_BUDGET}×)`,
    );
  }
}

/** How a row's overhead reads in the table and the log: `overhead 1.12×`. */
export function overheadText(row: Row): string {
  return row.overhead === undefined ? '-' : `overhead ${row.overhead.toFixed(2)}×`;
}

const COLUMNS: [string, (row: Row) => string][] = [
  ['endpoint', (row) => row.label],
  ['p50 ms', (row) => row.p50.toFixed(1)],
  ['p95 ms', (row) => row.p95.toFixed(1)],
  ['p99 ms', (row) => row.p99.toFixed(1)],
  ['req/s', (row) => row.requestsPerSecond.toFixed(0)],
  ['calls/req', (row) => row.callsMean.toFixed(2)],
  ['max calls', (row) => (Number.isNaN(row.callsMax) ? '?' : String(row.callsMax))],
  ['budget', (row) => row.budget || '-'],
  ['p50 / no-op', (row) => (row.ratioToNoop === undefined ? '-' : `${row.ratioToNoop.toFixed(2)}×`)],
  [
    'same calls, no API: p50 ms',
    (row) => (row.referenceP50 === undefined ? '-' : row.referenceP50.toFixed(1)),
  ],
  ['p50 / same calls', overheadText],
  [
    'ok',
    (row) =>
      row.failures.length > 0
        ? 'NO'
        : row.advisories.length > 0
          ? 'over 3× (advisory)'
          : row.budget === ''
            ? '-'
            : 'yes',
  ],
];

/** A Markdown table: readable in a terminal and pasted as is into docs/performance.md. */
export function formatTable(rows: Row[]): string {
  const cells = rows.map((row) => COLUMNS.map(([, cell]) => cell(row)));
  const widths = COLUMNS.map(([title], i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(COLUMNS.map(([title]) => title)),
    `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...cells.map(line),
  ].join('\n');
}

export interface ScaleComparison {
  label: string;
  scales: { scale: number; riskPoints: number; p50: number; callsMean: number }[];
  ratio: number;
  failures: string[];
}

/** Stats latency should not grow with the number of risk points: the largest scale against the smallest. */
export function compareScales(
  label: string,
  runs: { scale: number; riskPoints: number; row: Row }[],
): ScaleComparison {
  const sorted = [...runs].sort((a, b) => a.scale - b.scale);
  const smallest = sorted[0]!;
  const largest = sorted[sorted.length - 1]!;
  const ratio = largest.row.p50 / smallest.row.p50;
  const failures: string[] = [];
  if (ratio > SCALE_RATIO_BUDGET) {
    failures.push(
      `p50 ${ratio.toFixed(2)}× at ${largest.scale} of Nanjing against ${smallest.scale} (budget ${SCALE_RATIO_BUDGET}×)`,
    );
  }
  if (sorted.some((run) => run.row.callsMax !== smallest.row.callsMax))
    failures.push('the number of DynamoDB calls changes with scale');
  return {
    label,
    scales: sorted.map((run) => ({
      scale: run.scale,
      riskPoints: run.riskPoints,
      p50: run.row.p50,
      callsMean: run.row.callsMean,
    })),
    ratio,
    failures,
  };
}

export function formatComparison(comparisons: ScaleComparison[]): string {
  const scales = comparisons[0]?.scales ?? [];
  const header = [
    'endpoint',
    ...scales.map((s) => `p50 ms @ ${s.scale} (${s.riskPoints.toLocaleString('en')} points)`),
    'largest / smallest',
    'ok',
  ];
  const lines = comparisons.map((c) => [
    c.label,
    ...c.scales.map((s) => s.p50.toFixed(1)),
    `${c.ratio.toFixed(2)}×`,
    c.failures.length > 0 ? 'NO' : 'yes',
  ]);
  return markdownTable(header, lines);
}

/** A Markdown table, first column left, the rest right-aligned: readable in a terminal and in the docs. */
export function markdownTable(header: string[], lines: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((l) => l[i]!.length)));
  const line = (values: string[]) =>
    `| ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...lines.map(line),
  ].join('\n');
}

/** An answer's operations less the per-process cache refreshes the API process marked. */
function withoutRefreshes(ops: string): string {
  return ops
    .split(',')
    .filter((op) => !op.endsWith('(refresh)'))
    .join(',');
}
