import {
  type AssessmentRecords,
  assessQuarter,
  type Clock,
  type QuarterlyAssessment,
  quarterBounds,
  quarterOf,
} from '@gridsafe/core';
import { DepartmentRepository } from './department-repository.ts';
import { HazardRepository } from './hazard-repository.ts';
import { PatrolRepository } from './patrol-repository.ts';
import type { StoredItem, TenantStore } from './tenant-store.ts';

/** A quarter's assessment as computed at `computedAt`, from the records as they stood then. */
export type AssessmentSnapshot = QuarterlyAssessment & { computedAt: string };

/**
 * How old the current quarter's snapshot may grow before the refresh computes it again: under a day, so the
 * nightly run always finds yesterday's due, while the local stack's minute timer computes it once a day.
 */
export const ASSESSMENT_REFRESH_MS = 20 * 3_600_000;

/**
 * Quarterly assessments, computed ahead of the people who read them. The assessment covers every unit, risk
 * point, patrol and hazard of the county: Taihe's are read in well under a second, Nanjing's 320,000 units and
 * 580,000 risk points take minutes, far past API Gateway's 29 s. So the scheduled job (the escalation sweep's
 * schedule) computes each county's current quarter once a day, and the quarter just ended once more after it
 * closes, and the API answers from the stored snapshot, saying when it was computed (统计截至). A quarter nobody
 * has computed yet (a new county, a small one) is computed on the first request and stored.
 *
 * Item: pk ASSESS#<quarter> / sk ASSESS, the whole assessment (a row per township and department: a few KB).
 */
export class AssessmentSnapshots {
  constructor(private readonly store: TenantStore) {}

  async get(quarter: string): Promise<AssessmentSnapshot | undefined> {
    const item = await this.store.get(this.store.key('ASSESS', quarter), 'ASSESS');
    return item ? (JSON.parse(String(item.assessment)) as AssessmentSnapshot) : undefined;
  }

  /** Computes the quarter from the records now and stores it (a later computation simply replaces it). */
  async compute(quarter: string, now: Date): Promise<AssessmentSnapshot> {
    const snapshot = {
      ...assessQuarter(quarter, await readAssessmentRecords(this.store, quarter)),
      computedAt: now.toISOString(),
    };
    // A derived figure, not a record: replaced whole, no version or audit (the records it counts carry those).
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: this.store.key('ASSESS', quarter),
              sk: 'ASSESS',
              type: 'AssessmentSnapshot',
              quarter,
              computedAt: snapshot.computedAt,
              // One string attribute: read whole, never queried, and JSON keeps the nulls (nothing to rate yet).
              assessment: JSON.stringify(snapshot),
            },
          },
        },
      ],
      'assessment',
    );
    return snapshot;
  }

  /** The stored snapshot, or a fresh one when the quarter has none yet. */
  async getOrCompute(quarter: string, now: Date): Promise<AssessmentSnapshot> {
    return (await this.get(quarter)) ?? this.compute(quarter, now);
  }

  /**
   * The scheduled refresh: the current quarter when its snapshot is missing or a day old, and the previous
   * quarter when its snapshot was computed before the quarter ended (so the final figures include its last day).
   * Returns the quarters it computed.
   */
  async refreshDue(clock: Clock): Promise<string[]> {
    const now = clock.now();
    const current = quarterOf(now);
    const previous = quarterOf(new Date(quarterBounds(current).start.getTime() - 1));
    const refreshed: string[] = [];
    const [currentSnapshot, previousSnapshot] = await Promise.all([this.get(current), this.get(previous)]);
    if (!currentSnapshot || now.getTime() - Date.parse(currentSnapshot.computedAt) >= ASSESSMENT_REFRESH_MS) {
      await this.compute(current, now);
      refreshed.push(current);
    }
    if (previousSnapshot && previousSnapshot.computedAt < quarterBounds(previous).end.toISOString()) {
      await this.compute(previous, now);
      refreshed.push(previous);
    }
    return refreshed;
  }
}

/**
 * Every record the assessment needs, each collection read by its own Query (never a Scan), units and risk points
 * with only the attributes the assessment reads (a risk point item is ~2.3 KB, what is kept ~100 bytes).
 */
export async function readAssessmentRecords(store: TenantStore, quarter: string): Promise<AssessmentRecords> {
  const { start, end } = quarterBounds(quarter);
  const [grids, departments, units, riskPoints, patrols, hazards] = await Promise.all([
    store.queryAll({
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': store.key('GRIDLEVEL', 'township') },
    }),
    new DepartmentRepository(store).list(),
    projected(store, 'UNITS', ['id', 'gridPath', 'departmentId', 'createdAt']),
    projected(store, 'RPS', ['unitId', 'status']),
    new PatrolRepository(store).listDueBetween(start.toISOString(), end.toISOString()),
    new HazardRepository(store).listAll(),
  ]);
  return {
    townships: grids.map((item) => ({ id: String(item.id), name: String(item.name) })),
    departments,
    units: units as unknown as AssessmentRecords['units'],
    riskPoints: riskPoints as unknown as AssessmentRecords['riskPoints'],
    patrols,
    hazards,
  };
}

async function projected(
  store: TenantStore,
  collection: string,
  attributes: string[],
): Promise<StoredItem[]> {
  return store.queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
    ExpressionAttributeValues: { ':pk': store.key(collection) },
  });
}
