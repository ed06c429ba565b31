import { describe, expect, it } from 'vitest';
import { type LabelStats, mergeLabelStats } from '../../scripts/bench/load.ts';
import { attributeRefreshes, rowOf } from '../../scripts/bench/report.ts';

function answers(label: string, calls: number[], latencies = calls.map(() => 10)): LabelStats {
  return {
    label,
    requests: calls.length,
    seconds: 5,
    non2xx: 0,
    refusals: {},
    latencies,
    calls,
    cacheReads: calls.map(() => 0),
    opsSeen: {},
  };
}

describe('the benchmark’s report of an unobserved run', () => {
  it('explains a read over its call budget by the run’s cache refreshes, and no more answers than there were refreshes', () => {
    const record = answers('record page', [1, 2, 1, 2, 1]);

    attributeRefreshes([record], 1);

    expect(rowOf(record, 'GET /risk-points/{id}').failures).toEqual([
      '1 answers did not make exactly 1 DynamoDB calls',
    ]);

    attributeRefreshes([record], 1);

    expect(rowOf(record, 'GET /risk-points/{id}').failures).toEqual([]);
  });

  it('puts a refresh on the answer over its own row’s budget, not on a row whose budget allows more calls', () => {
    const submit = answers('transition: submit', [2, 3, 2]);
    const approve = answers('transition: approve', [10, 9, 10]);

    attributeRefreshes([approve, submit], 1);

    expect(rowOf(submit, 'POST submit').failures).toEqual([]);
    expect(rowOf(approve, 'POST approve').failures).toEqual([]);
  });

  it('leaves refreshes unused when no answer is over its budget', () => {
    const village = answers('stats: village', [2, 2, 1]);

    attributeRefreshes([village], 5);

    expect(village.cacheReads).toEqual([0, 0, 0]);
  });

  it('measures a row from both halves of its run as one: every answer, both halves’ seconds', () => {
    const first = answers('record page', [1, 1], [10, 30]);
    const second = {
      ...answers('record page', [1, 1, 1], [20, 40, 50]),
      non2xx: 1,
      refusals: { '404 not_found': 1 },
    };

    const merged = mergeLabelStats([first, second]);
    const row = rowOf(merged, 'GET /risk-points/{id}');

    expect(row.requests).toBe(5);
    expect(row.requestsPerSecond).toBe(0.5);
    expect(row.p50).toBe(30);
    expect(merged.refusals).toEqual({ '404 not_found': 1 });
    expect(first.latencies).toEqual([10, 30]);
  });
});
