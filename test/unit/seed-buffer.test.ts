import {
  type AuditEvent,
  ConflictError,
  DEFAULT_SETTINGS,
  type Hazard,
  planPatrol,
  verifyAuditChain,
} from '@gridsafe/core';
import {
  createDocumentClient,
  HazardRepository,
  hazardEntity,
  PatrolRepository,
  TenantStore,
} from '@gridsafe/db';
import { describe, expect, it } from 'vitest';
import { DEMO_UNIT_KINDS } from '../../scripts/seed/demo-data.ts';
import { demoId } from '../../scripts/seed/demo-ids.ts';
import { demoUnit } from '../../scripts/seed/demo-records.ts';
import { SeedBuffer } from '../../scripts/seed/seed-buffer.ts';
import { DEMO_HAZARDS, seedHazard } from '../../scripts/seed/seed-demo-hazards.ts';

/**
 * The sized seed's write-back buffer (scripts/seed/seed-buffer.ts) keeps the repositories' transactions in
 * memory. These run without a database: the client points at a closed port, so any read or write that reached
 * it would fail the test (a hazard that closes or escalates would look up the county's webhooks, a Query, so the
 * story here stops at the rectification report).
 */
const tenant = 'buffer';
const store = new TenantStore(
  createDocumentClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 }),
  'unused-table',
  tenant,
);
const now = new Date('2026-12-01T02:00:00Z');
const unit = demoUnit({
  id: demoId(tenant, 'unit:1'),
  name: '示例化工厂',
  creditCode: '913412220000000001',
  kind: DEMO_UNIT_KINDS[0]!,
  village: { id: 'V1', path: 'C1/T1/V1' },
  departments: [],
  address: '示例村1号',
  location: { lat: 33.16, lng: 115.62 },
  contact: { name: '联系人', phone: '13855580001' },
  now,
});

function auditTrail(buffer: SeedBuffer, entityType: string, id: string): AuditEvent[] {
  return buffer
    .ofType('AuditEvent')
    .filter((event) => event.entityType === entityType && event.entityId === id)
    .map(({ pk: _pk, sk: _sk, type: _type, ...event }) => event as unknown as AuditEvent)
    .sort((a, b) => a.seq - b.seq);
}

describe('the seed buffer', () => {
  it('keeps a hazard walked through its steps as one item at its last version, every step in an intact chain', async () => {
    const buffer = new SeedBuffer(store, ['HZ#', 'PATROL#', 'PATROLOPEN']);
    const plan = DEMO_HAZARDS.find((story) => story.key === 'rectified')!;
    const env = {
      tenant,
      hazards: new HazardRepository(buffer),
      store: buffer,
      settings: DEFAULT_SETTINGS,
      now,
      photos: undefined,
      evidence: undefined,
    };
    expect(await seedHazard(env, plan, unit)).toBe(true);
    const hazards = buffer.ofType('Hazard').map((item) => hazardEntity.fromItem<Hazard>(item));
    expect(hazards).toHaveLength(1);
    expect(hazards[0]).toMatchObject({ status: 'rectified', version: 4, unitId: unit.id });
    const trail = auditTrail(buffer, 'hazard', hazards[0]!.id);
    // Created, started, a photo added, reported rectified: each its own event, chained in memory.
    expect(trail.map((event) => event.action)).toEqual([
      'created',
      'started',
      'photo_added',
      'rectification_reported',
    ]);
    expect(verifyAuditChain(trail)).toEqual({ intact: true, length: trail.length });
    // The same hazard again finds it in the buffer, without asking the table.
    expect(await seedHazard(env, plan, unit)).toBe(false);
  });

  it('refuses a second open task for one unit, as the transaction’s condition would', async () => {
    const buffer = new SeedBuffer(store, ['HZ#', 'PATROL#', 'PATROLOPEN']);
    const patrols = new PatrolRepository(buffer);
    const ctx = {
      principal: {
        userId: 'system',
        username: 'patrol-planner',
        tenant,
        role: 'county_admin' as const,
        grants: [],
      },
      now,
    };
    await patrols.create(planPatrol(unit, [], DEFAULT_SETTINGS, now, demoId(tenant, 'patrol:a')), ctx);
    await expect(
      patrols.create(planPatrol(unit, [], DEFAULT_SETTINGS, now, demoId(tenant, 'patrol:b')), ctx),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(buffer.ofType('Patrol')).toHaveLength(1);
    expect((await buffer.get(store.key('PATROLOPEN'), unit.id))?.patrolId).toBe(demoId(tenant, 'patrol:a'));
  });
});
