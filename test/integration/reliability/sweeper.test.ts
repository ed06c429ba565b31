import { AdjustableClock } from '@gridsafe/core';
import { describe, expect } from 'vitest';
import { reliabilityTest } from '../../support/reliability/fixtures.ts';
import { sweeperScenario } from '../../support/reliability/sweeper.ts';

/**
 * The escalation sweeper killed mid-run and run again: every hazard it raised before dying stays raised once,
 * every one it had not reached is raised by the next run, and none is raised twice. Two sweeps overlapping
 * (a slow run and the next scheduled one) raise each hazard once too.
 */
const clock = new AdjustableClock();
const it = reliabilityTest({ prefix: 'sw', clock });

describe('the escalation sweeper', () => {
  it('raises each hazard exactly once per step when a run is killed after a commit and re-run, and when two runs overlap', async ({
    api,
    county,
    admin,
    member,
  }) => {
    const report = await sweeperScenario({
      client: api.deps.documentClient,
      county,
      admin,
      filer: member,
      clock,
      count: 12,
      dieAfter: 5,
    });
    console.info(`sweeper: ${JSON.stringify(report)}`);
    expect(report.hazards).toBe(12);
    expect(report.killedAfterCommits).toBe(5);
    expect(report.runs.third).toMatchObject({ due: 0, escalated: 0 });
    expect(report.wrong).toEqual([]);
    expect(report.doubled).toEqual([]);
    expect(report.recountedHazards).toBeGreaterThanOrEqual(report.hazards);
    expect(report.recountMismatches).toEqual([]);
  }, 60_000);
});
