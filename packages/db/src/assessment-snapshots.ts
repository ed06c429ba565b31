import {
  type AssessmentRecords,
  assessQuarter,
  type Clock,
  ConflictError,
  type QuarterlyAssessment,
  quarterBounds,
  quarterOf,
  ServiceUnavailableError,
} from '@gridsafe/core';
import { DepartmentRepository } from './department-repository.ts';
import { userEntity } from './entities.ts';
import { HazardRepository } from './hazard-repository.ts';
import { PatrolRepository } from './patrol-repository.ts';
import type { TenantStore } from './tenant-store.ts';

/** A quarter's assessment as computed at `computedAt`, from the records as they stood then. */
export type AssessmentSnapshot = QuarterlyAssessment & { computedAt: string };

/** How long one request's computation may hold the quarter before another may take over (a crashed Lambda). */
export const ASSESSMENT_LEASE_MS = 60_000;
/** How long a request waits for another's computation before answering 503 (under API Gateway's 29 s). */
const LEASE_WAIT_MS = 20_000;
const LEASE_POLL_MS = 200;

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

  async get(quarter: string, consistent = false): Promise<AssessmentSnapshot | undefined> {
    const item = await this.store.get(this.store.key('ASSESS', quarter), 'ASSESS', consistent);
    return item ? (JSON.parse(String(item.assessment)) as AssessmentSnapshot) : undefined;
  }

  /** How many times the quarter was computed (the nightly runs and the first request included). */
  async computations(quarter: string): Promise<number> {
    const item = await this.store.get(this.store.key('ASSESS', quarter), 'ASSESS', true);
    return Number(item?.computations ?? 0);
  }

  /** Computes the quarter from the records now and stores it (a later computation simply replaces it). */
  async compute(quarter: string, now: Date): Promise<AssessmentSnapshot> {
    const snapshot = {
      ...assessQuarter(quarter, await readAssessmentRecords(this.store, quarter)),
      computedAt: now.toISOString(),
    };
    // A derived figure, not a record: replaced whole, no version or audit (the records it counts carry those).
    // `computations` counts the runs, so a duplicated computation shows.
    await this.store.transact(
      [
        {
          Update: {
            TableName: this.store.tableName,
            Key: { pk: this.store.key('ASSESS', quarter), sk: 'ASSESS' },
            UpdateExpression:
              'SET #type = :type, quarter = :quarter, computedAt = :computedAt, assessment = :assessment ADD computations :one',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':type': 'AssessmentSnapshot',
              ':quarter': quarter,
              ':computedAt': snapshot.computedAt,
              // One string attribute: read whole, never queried, and JSON keeps the nulls (nothing to rate yet).
              ':assessment': JSON.stringify(snapshot),
              ':one': 1,
            },
          },
        },
      ],
      'assessment',
    );
    return snapshot;
  }

  /**
   * The stored snapshot, or a fresh one computed once however many requests ask at the same moment: the first
   * takes a lease (a conditional put of pk ASSESS#<quarter> / sk LEASE), computes and stores the snapshot; the
   * others read the snapshot every 200 ms until it is there. A lease left by a computation that died is taken
   * over once it is a minute old; the item also carries a TTL.
   */
  async getOrComputeOnce(quarter: string, now: Date): Promise<AssessmentSnapshot> {
    const stored = await this.get(quarter);
    if (stored) return stored;
    if (await this.takeLease(quarter)) {
      try {
        // Someone may have finished between our read and our lease.
        return (await this.get(quarter, true)) ?? (await this.compute(quarter, now));
      } finally {
        await this.releaseLease(quarter);
      }
    }
    const waitUntil = Date.now() + LEASE_WAIT_MS;
    while (Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
      const computed = await this.get(quarter, true);
      if (computed) return computed;
    }
    throw new ServiceUnavailableError(`The assessment of ${quarter}, being computed,`);
  }

  private async takeLease(quarter: string): Promise<boolean> {
    const now = Date.now();
    try {
      await this.store.transact(
        [
          {
            Put: {
              TableName: this.store.tableName,
              Item: {
                pk: this.store.key('ASSESS', quarter),
                sk: 'LEASE',
                type: 'AssessmentLease',
                leaseUntil: now + ASSESSMENT_LEASE_MS,
                expiresAt: Math.ceil((now + 3_600_000) / 1000),
              },
              ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
              ExpressionAttributeValues: { ':now': now },
            },
          },
        ],
        'assessment lease',
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  private async releaseLease(quarter: string): Promise<void> {
    await this.store
      .transact(
        [
          {
            Delete: {
              TableName: this.store.tableName,
              Key: { pk: this.store.key('ASSESS', quarter), sk: 'LEASE' },
            },
          },
        ],
        'assessment lease',
      )
      // A lease left behind only delays the next computation of this quarter by its minute.
      .catch(() => undefined);
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
  const [grids, departments, units, riskPoints, patrols, hazards, members] = await Promise.all([
    store.queryAll({
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': store.key('GRIDLEVEL', 'township') },
    }),
    new DepartmentRepository(store).list(),
    store.collectionFields('UNITS', ['id', 'gridPath', 'departmentId', 'createdAt', 'status']),
    store.collectionFields('RPS', ['unitId', 'status']),
    new PatrolRepository(store).listDueBetween(start.toISOString(), end.toISOString()),
    new HazardRepository(store).listAll(),
    // listGridMembers: Query gsi1 USERS filtered to grid members (a county has a few hundred people).
    userEntity.all(store, {
      index: 'gsi1',
      where: { role: 'grid_member' },
      fields: ['id', 'displayName', 'scope'],
    }),
  ]);
  return {
    townships: grids.map((item) => ({ id: String(item.id), name: String(item.name) })),
    departments,
    units: units as unknown as AssessmentRecords['units'],
    riskPoints: riskPoints as unknown as AssessmentRecords['riskPoints'],
    patrols,
    hazards,
    members: members.map((member) => ({
      id: member.id,
      name: member.displayName,
      gridIds: member.scope.filter((grant) => grant.startsWith('grid:')).map((grant) => grant.slice(5)),
    })),
  };
}
