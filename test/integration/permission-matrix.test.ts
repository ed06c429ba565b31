import { isDeepStrictEqual } from 'node:util';
import { inScope, ROLES } from '@gridsafe/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Call, type Entry, type PublicEntry, predicted, type Reuse } from '../support/matrix-rules.ts';
import { ALERT_PUBLIC_TABLE, ALERT_TABLE } from '../support/matrix-table-alerts.ts';
import { ASSESSMENT_TABLE } from '../support/matrix-table-assessment.ts';
import { CHANNELS_TABLE } from '../support/matrix-table-channels.ts';
import { COUNTY_TABLE, PUBLIC_TABLE, unitOf, unitTarget } from '../support/matrix-table-county.ts';
import { COUNTY_ADMIN_TABLE } from '../support/matrix-table-county-admin.ts';
import { CREDIT_TABLE } from '../support/matrix-table-credit.ts';
import { INSPECTION_TABLE } from '../support/matrix-table-inspections.ts';
import { JOBS_TABLE } from '../support/matrix-table-jobs.ts';
import { LIFECYCLE_PUBLIC_TABLE, LIFECYCLE_TABLE } from '../support/matrix-table-lifecycle.ts';
import { MAP_TABLE } from '../support/matrix-table-map.ts';
import { RECORD_TABLE } from '../support/matrix-table-records.ts';
import { RESOURCES_TABLE } from '../support/matrix-table-resources.ts';
import { STATISTICS_TABLE } from '../support/matrix-table-statistics.ts';
import { SUPERVISE_TABLE } from '../support/matrix-table-supervise.ts';
import { WEBHOOK_TABLE } from '../support/matrix-table-webhooks.ts';
import { CASES, type MatrixWorld, startMatrixWorld } from '../support/matrix-world.ts';
import { loadOperations } from '../support/reliability/openapi-routes.ts';

/**
 * Every operation of the county's OpenAPI document × every role of core (the vendor's operator included) ×
 * (in the caller's area, beside it, another county's id). The answer each cell expects is predicted by core's
 * capabilities, scope rules and state machines, asked about the target the call is made on; every refused write
 * re-reads its target as a county admin and finds it exactly as it was.
 */
const TABLE: Record<string, Entry | PublicEntry> = {
  ...PUBLIC_TABLE,
  ...COUNTY_TABLE,
  ...RECORD_TABLE,
  ...STATISTICS_TABLE,
  ...LIFECYCLE_PUBLIC_TABLE,
  ...LIFECYCLE_TABLE,
  ...MAP_TABLE,
  ...JOBS_TABLE,
  ...COUNTY_ADMIN_TABLE,
  ...CHANNELS_TABLE,
  ...ASSESSMENT_TABLE,
  ...SUPERVISE_TABLE,
  ...CREDIT_TABLE,
  ...INSPECTION_TABLE,
  ...ALERT_PUBLIC_TABLE,
  ...ALERT_TABLE,
  ...RESOURCES_TABLE,
  ...WEBHOOK_TABLE,
};

let w: MatrixWorld;
beforeAll(async () => {
  w = await startMatrixWorld();
}, 180_000);

/**
 * Targets shared by the calls of the file, dropped once a call has changed them. The rows run side by side, so a
 * row that writes keeps targets of its own (`owner`); the reads share theirs.
 */
const targets = new Map<string, Promise<unknown>>();
function reuseRecording(used: string[], owner = ''): Reuse {
  return <T>(name: string, build: () => Promise<T>) => {
    const key = `${owner}${name}`;
    used.push(key);
    if (!targets.has(key)) targets.set(key, build());
    return targets.get(key) as Promise<T>;
  };
}
const sendInit = (call: Call) => ({
  ...(call.body !== undefined ? { body: call.body } : {}),
  ...(call.rawBody !== undefined ? { rawBody: call.rawBody } : {}),
  ...(call.headers ? { headers: call.headers } : {}),
});
const operationOf = (row: string) => row.split(' · ')[0]!;
const isPublic = (entry: Entry | PublicEntry): entry is PublicEntry => 'public' in entry;

describe('the permission matrix', () => {
  it('has a row for every operation the OpenAPI document lists, and for no other', async () => {
    const { operations } = await loadOperations(w.api.app, w.tenant);
    // A row may come in variants (`POST /hazards/{id}/verify · escalated to the county`): each names its operation.
    expect([...new Set(Object.keys(TABLE).map(operationOf))].sort()).toEqual(
      operations.map((op) => op.name).sort(),
    );
    const publicInDocument = operations.filter((op) => op.public).map((op) => op.name);
    const publicInTable = Object.entries(TABLE)
      .filter(([, entry]) => isPublic(entry))
      .map(([name]) => operationOf(name));
    expect(publicInTable.sort()).toEqual(publicInDocument.sort());
  });

  it('places each role’s own unit inside its area and, below the county, the unit beside it outside', async () => {
    const reuse = reuseRecording([]);
    for (const role of ROLES) {
      const own = await unitOf(w, role, 'in', reuse);
      const away = await unitOf(w, role, 'out', reuse);
      const countyWide = role === 'county_admin' || role === 'vendor_operator';
      expect(inScope(w.principals[role], unitTarget(own)), `${role}: own unit`).toBe(true);
      expect(inScope(w.principals[role], unitTarget(away)), `${role}: unit beside`).toBe(countyWide);
    }
  });

  for (const [name, entry] of Object.entries(TABLE)) {
    const method = name.split(' ')[0]!;
    if (isPublic(entry)) {
      it(`answers ${name} alike whoever calls, signed in or not`, async () => {
        const call = entry.call(w);
        const answers = [
          ['no token', await w.as(undefined, method, call.path, sendInit(call))],
          ['another county’s token', await w.asForeignToken(method, call.path, sendInit(call))],
          ...(await Promise.all(
            ROLES.map(async (role) => [role, await w.as(role, method, call.path, sendInit(call))] as const),
          )),
        ] as const;
        expect(answers.map(([who, answer]) => `${who}: ${answer.status}`)).toEqual(
          answers.map(([who]) => `${who}: ${entry.success}`),
        );
      });
      continue;
    }
    const test = entry.alone ? it.sequential : it.concurrent;
    test(`answers ${name} as core’s rules say for every role and case`, async () => {
      const failures: string[] = [];
      for (const role of ROLES) {
        for (const c of entry.cases ?? CASES) {
          const used: string[] = [];
          const call = await entry.call(w, role, c, reuseRecording(used, method === 'GET' ? '' : name));
          const expected = await predicted(method, entry, call, role, c, w.principals[role]);
          const refusedWrite = method !== 'GET' && expected >= 400;
          if (refusedWrite && !call.witness)
            failures.push(`${role} / ${c}: a refused write with nothing to re-read`);
          const before = refusedWrite ? await call.witness?.() : undefined;
          const answer = await w.as(role, method, call.path, sendInit(call));
          if (answer.status !== expected) {
            failures.push(
              `${role} / ${c}: got ${answer.status}, expected ${expected} (${answer.body?.detail ?? ''})`,
            );
          }
          if (refusedWrite && call.witness) {
            const after = await call.witness();
            if (!isDeepStrictEqual(before, after))
              failures.push(
                `${role} / ${c}: refused, yet ${JSON.stringify(before)} became ${JSON.stringify(after)}`,
              );
          }
          // A write that went through changed its target: the next call builds its own.
          if (method !== 'GET' && answer.status < 300) for (const key of used) targets.delete(key);
        }
      }
      expect(failures).toEqual([]);
      // A row builds its own records for every role and case (a hazard walked to rectified for each verify), and
      // the rows run side by side: on two busy cores the longest take more than vitest's default.
    }, 90_000);
  }
});

describe('a token of another county', () => {
  // Runs after the rows: it may reuse what they left, and none of its calls changes anything.
  it('is refused on every operation but the public ones, and changes nothing', async () => {
    const failures: string[] = [];
    for (const [name, entry] of Object.entries(TABLE)) {
      if (isPublic(entry)) continue;
      const method = name.split(' ')[0]!;
      const used: string[] = [];
      const call = await entry.call(
        w,
        'county_admin',
        'in',
        reuseRecording(used, method === 'GET' ? '' : name),
      );
      const before = await call.witness?.();
      const answer = await w.asForeignToken(method, call.path, sendInit(call));
      if (answer.status !== 403) failures.push(`${name}: got ${answer.status}`);
      const after = await call.witness?.();
      if (!isDeepStrictEqual(before, after)) failures.push(`${name}: changed`);
    }
    expect(failures).toEqual([]);
  });
});
