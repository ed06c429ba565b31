import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_PROVIDER_ID,
  DEFAULT_SETTINGS,
  type Department,
  formatGrant,
  type GridNode,
  grade,
  makeCreditCode,
  type Principal,
  type RiskPoint,
  type Unit,
} from '@gridsafe/core';
import {
  DepartmentRepository,
  GridRepository,
  RiskPointRepository,
  TenantRegistry,
  TenantStore,
  UnitRepository,
  UserRepository,
  type WriteContext,
  withoutSearchPostings,
} from '@gridsafe/db';
import { type IdentityProvider, poolUsername } from '@gridsafe/identity';
import { DEMO_DEPARTMENTS, DEMO_UNIT_KINDS, DEMO_UNIT_PREFIXES } from '../seed/demo-data.ts';
import { demoId } from '../seed/demo-ids.ts';
import { demoUnit, LEC_FOR, riskPointFromTemplate, verifiedJpeg } from '../seed/demo-records.ts';
import { BulkWriter, type BulkWriterStats } from './bulk-writer.ts';
import { runBounded } from './pool.ts';
import {
  type CountyShape,
  colourOf,
  riskPointsOfUnit,
  seededRandom,
  statusOf,
  townshipName,
  townshipOfVillage,
  villageName,
  villageOfUnit,
} from './shape.ts';

export const BENCH_PASSWORD = 'Gridsafe-bench-2026';
export const BENCH_ADMIN = 'bench.admin';
export const BENCH_REVIEWER = 'bench.reviewer';
/** Nanjing's division code; townships and villages extend it to 9 and 12 digits. */
const DIVISION = '320100';
const CENTRE = { lat: 32.06, lng: 118.8 };
/** How many risk points the transition cycle may use, and how many the record page picks from. */
const CYCLE_POOL_MAX = 1_024;
const CYCLE_POOL_MIN = 64;
const RECORD_SAMPLE_MAX = 5_000;
/** How many villages' stats the post-seed check reads through the API (all of them below this). */
const CHECKED_VILLAGES_MAX = 300;

export interface SeedPhase {
  what: string;
  /** Repository creates (each is one TransactWriteItems of the record, its audit event and its counters). */
  records: number;
  seconds: number;
  perSecond: number;
  /** Bulk seeding only: items written (records, audit events, credit-code claims, counter shards) and calls. */
  items?: number;
  batchCalls?: number;
}

/**
 * How a county is seeded. `transactions`: each record through its repository's `create`, one TransactWriteItems
 * of the record, its audit event and its counter updates, as production writes. `bulk`: the same items, built by
 * the repositories' `creationItems` less their search postings (no benchmark row searches), sent with
 * BatchWriteItem (25 a call); the counter updates are summed in memory per shard item and written once at the end
 * (scripts/bench/bulk-writer.ts).
 */
export type SeedPath = 'transactions' | 'bulk';

/** A grid's counters as the seed made them (only the non-zero ones), for the post-seed check through the API. */
export interface ExpectedStats {
  gridId: string;
  level: 'county' | 'township' | 'village';
  counters: Record<string, number>;
}

/** What the load phase needs to know about a seeded county; kept as JSON beside a reused data directory. */
export interface SeededCounty {
  tenant: string;
  scale: number;
  shape: CountyShape;
  countyId: string;
  townshipIds: string[];
  villageIds: string[];
  /** A random sample of risk points, for the record page. */
  riskPointSample: string[];
  /** Drafts (with a verified photo) whose review chain is one step: submit → approve files them, reopen → draft. */
  cyclePool: string[];
  phases: SeedPhase[];
  seedSeconds: number;
  /** Absent in manifests written before the bulk path existed (they were all `transactions`). */
  seedPath?: SeedPath;
  bulk?: BulkWriterStats & { counterShards: number };
  /** The county, every township and up to 300 villages, with the counters the seed should have left. */
  expectedStats?: ExpectedStats[];
}

export interface SeedTarget {
  client: DynamoDBDocumentClient;
  tableName: string;
  identity: IdentityProvider;
  /** The provider id of `identity`'s tokens (AppDeps.passwordProvider); absent, a cell's default. */
  passwordProvider?: string;
}

/**
 * Seeds a synthetic county through the real repositories, as production writes: every create is one
 * transaction of the record, its first audit event and its counters up the grid tree (county shards included),
 * so the seed also measures write throughput on the hot counters. `concurrency` creates are in flight.
 */
export async function seedSyntheticCounty(
  target: SeedTarget,
  tenant: string,
  shape: CountyShape,
  concurrency: number,
  log: (message: string) => void,
  path: SeedPath = 'transactions',
): Promise<SeededCounty> {
  const store = new TenantStore(target.client, target.tableName, tenant);
  // In bulk, `concurrency` is BatchWriteItem calls in flight; records are built one after another (the writer
  // waits for a free call), so the county comes out the same as through the repositories.
  const bulk = path === 'bulk' ? new BulkWriter(target.client, target.tableName, concurrency) : undefined;
  const taskConcurrency = bulk ? 1 : concurrency;
  const now = new Date(Date.UTC(2026, 0, 1));
  const system: Principal = {
    userId: 'system',
    username: 'bench-seed',
    tenant,
    role: 'county_admin',
    grants: [],
  };
  const ctx: WriteContext = { principal: system, now };
  const phases: SeedPhase[] = [];
  const started = performance.now();
  const phase = async (what: string, count: number, task: (index: number) => Promise<number | undefined>) => {
    const t0 = performance.now();
    const before = bulk ? { ...bulk.stats } : undefined;
    let records = 0;
    await runBounded(
      count,
      taskConcurrency,
      async (index) => {
        const written = (await task(index)) ?? 1;
        records += written;
      },
      (done) => {
        const seconds = (performance.now() - t0) / 1000;
        log(`  ${what}: ${done}/${count} (${Math.round(records / Math.max(seconds, 0.001))} records/s)`);
      },
    );
    await bulk?.drain();
    const seconds = (performance.now() - t0) / 1000;
    phases.push({
      what,
      records,
      seconds,
      perSecond: records / seconds,
      ...(bulk && before
        ? { items: bulk.stats.items - before.items, batchCalls: bulk.stats.calls - before.calls }
        : {}),
    });
  };
  // What the counters must say afterwards, summed from the records themselves (not from the counter updates).
  const expected = new Map<string, Record<string, number>>();
  const expect = (gridPath: string, counters: Record<string, number>) => {
    for (const gridId of gridPath.split('/')) {
      const totals = expected.get(gridId) ?? {};
      for (const [name, value] of Object.entries(counters)) totals[name] = (totals[name] ?? 0) + value;
      expected.set(gridId, totals);
    }
  };
  const createUnit = async (unit: Unit) => {
    // No benchmark row searches, so the bulk path leaves the postings out: they are two thirds of a unit's items,
    // and with them Nanjing's scale took hours to seed on DynamoDB Local (docs/performance.md).
    if (bulk) await bulk.add(withoutSearchPostings(units.creationItems(unit, ctx)));
    else await units.create(unit, ctx);
    expect(unit.gridPath, { units: 1 });
  };
  const createRiskPoint = async (point: RiskPoint) => {
    if (bulk) await bulk.add(withoutSearchPostings(riskPoints.creationItems(point, ctx)));
    else await riskPoints.create(point, ctx);
    expect(point.gridPath, { [`rp_${point.color}`]: 1, [`rp_${point.status}`]: 1 });
  };

  const registry = new TenantRegistry(target.client, target.tableName);
  await registry.register({
    id: tenant,
    name: `南京市 · 基准 ${shape.scale}`,
    divisionCode: DIVISION,
    cell: 'local',
    createdAt: now.toISOString(),
  });

  const departmentRepository = new DepartmentRepository(store);
  const departments: Department[] = [];
  for (const [index, department] of DEMO_DEPARTMENTS.entries()) {
    const id = demoId(tenant, `department:${department.key}`);
    // Creation times one second apart keep "first department claiming an industry" stable, as in the demo.
    const deptCtx = { ...ctx, now: new Date(now.getTime() + index * 1000) };
    departments.push(
      await departmentRepository.create(
        { id, name: department.name, industries: [...department.industries] },
        deptCtx,
      ),
    );
  }

  const grids = new GridRepository(store);
  const units = new UnitRepository(store);
  const riskPoints = new RiskPointRepository(store);
  type GridInput = Parameters<GridRepository['create']>[0];
  const createGrid = async (input: GridInput): Promise<GridNode> => {
    if (!bulk) return grids.create(input, ctx);
    const { node, items } = grids.creationItems(input, ctx);
    await bulk.add(items);
    return node;
  };
  const root = await grids.create(
    { id: demoId(tenant, 'grid:county'), level: 'county', name: '南京市 · 基准', code: DIVISION },
    ctx,
  );
  const townships: GridNode[] = new Array(shape.townships);
  await phase('townships', shape.townships, async (t) => {
    townships[t] = await createGrid({
      id: demoId(tenant, `grid:t${t}`),
      level: 'township',
      name: townshipName(t),
      code: `${DIVISION}${String(t + 1).padStart(3, '0')}`,
      parent: root,
    });
    return 1;
  });
  const villages: GridNode[] = new Array(shape.villages);
  await phase('villages', shape.villages, async (v) => {
    const t = townshipOfVillage(shape, v);
    villages[v] = await createGrid({
      id: demoId(tenant, `grid:v${v}`),
      level: 'village',
      name: villageName(v),
      code: `${townships[t]!.code}${String(Math.floor(v / shape.townships) + 1).padStart(3, '0')}`,
      parent: townships[t]!,
    });
    return 1;
  });

  const unitAt = (u: number): Unit => {
    const village = villages[villageOfUnit(shape, u)]!;
    const kind = DEMO_UNIT_KINDS[u % DEMO_UNIT_KINDS.length]!;
    return demoUnit({
      id: demoId(tenant, `unit:${u}`),
      name: `${DEMO_UNIT_PREFIXES[u % DEMO_UNIT_PREFIXES.length]}${kind.suffix}${u + 1}`,
      creditCode: makeCreditCode(`91${DIVISION}`, u + 1),
      kind,
      village,
      departments,
      address: `${village.name}${(u % 200) + 1}号`,
      location: scatter(u),
      contact: { name: `联系人${u + 1}`, phone: `139${String(10_000_000 + u).padStart(8, '0')}` },
      now,
    });
  };
  await phase('units', shape.units, async (u) => {
    await createUnit(unitAt(u));
    return 1;
  });

  const sampling = seededRandom(shape.units);
  const riskPointSample: string[] = [];
  const cyclePool: string[] = [];
  let seen = 0;
  await phase('risk points', shape.units, async (u) => {
    const unit = unitAt(u);
    const count = riskPointsOfUnit(shape, u);
    for (let k = 0; k < count; k++) {
      // A generator per point (not one shared by the concurrent tasks) keeps the county the same run to run.
      const point = riskPointFor(tenant, unit, k, seededRandom(u * 8 + k), now);
      await createRiskPoint(point);
      // Reservoir sampling: every point equally likely to be in the record-page sample.
      seen += 1;
      if (riskPointSample.length < RECORD_SAMPLE_MAX) riskPointSample.push(point.id);
      else {
        const slot = Math.floor(sampling() * seen);
        if (slot < RECORD_SAMPLE_MAX) riskPointSample[slot] = point.id;
      }
      const oneStep = DEFAULT_SETTINGS.reviewChains[point.color].length === 1;
      if (point.status === 'draft' && oneStep && cyclePool.length < CYCLE_POOL_MAX) cyclePool.push(point.id);
    }
    return count;
  });

  // The smallest scales have fewer one-step drafts than the load has connections: top the cycle up with drafts
  // of the first unit (counted in the county's totals like any other point).
  const missing = Math.max(0, CYCLE_POOL_MIN - cyclePool.length);
  if (missing > 0) {
    await phase('extra drafts for the transition cycle', missing, async (k) => {
      const point = riskPointFor(tenant, unitAt(0), 1_000 + k, seededRandom(k), now);
      const assessment = grade(LEC_FOR.blue!, DEFAULT_SETTINGS.grading, now, 'bench-seed');
      const draft: RiskPoint = {
        ...point,
        color: 'blue',
        assessment,
        gradings: [assessment],
        status: 'draft',
        reviewChain: [],
        reviewStep: 0,
      };
      await createRiskPoint(draft);
      cyclePool.push(draft.id);
      return 1;
    });
  }

  let counterShards = 0;
  if (bulk) {
    const t0 = performance.now();
    const items = bulk.stats.items;
    counterShards = await bulk.finish();
    const seconds = (performance.now() - t0) / 1000;
    phases.push({
      what: 'counter shards',
      records: counterShards,
      seconds,
      perSecond: counterShards / seconds,
      items: bulk.stats.items - items,
    });
  }

  const users = new UserRepository(store);
  const scope = [formatGrant({ kind: 'grid', id: root.id })];
  // Two county admins: the transitions under load submit as one and approve as the other, since nobody may
  // approve a filing they submitted (separation of duties).
  for (const [username, displayName] of [
    [BENCH_ADMIN, '基准测试管理员'],
    [BENCH_REVIEWER, '基准测试审核员'],
  ] as const) {
    const { sub } = await target.identity.createUser(poolUsername(tenant, username), BENCH_PASSWORD, {
      displayName,
    });
    await users.create(
      {
        id: demoId(tenant, `user:${username}`),
        username,
        displayName,
        role: 'county_admin',
        scope,
        enabled: true,
        identities: [{ provider: target.passwordProvider ?? DEFAULT_PROVIDER_ID, subject: sub }],
        version: 1,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
      ctx,
    );
  }

  return {
    tenant,
    scale: shape.scale,
    shape,
    countyId: root.id,
    townshipIds: townships.map((node) => node.id),
    villageIds: villages.map((node) => node.id),
    riskPointSample,
    cyclePool,
    phases,
    seedSeconds: (performance.now() - started) / 1000,
    seedPath: path,
    ...(bulk ? { bulk: { ...bulk.stats, counterShards } } : {}),
    expectedStats: [
      { gridId: root.id, level: 'county' as const },
      ...townships.map((node) => ({ gridId: node.id, level: 'township' as const })),
      ...evenlySpaced(villages, CHECKED_VILLAGES_MAX).map((node) => ({
        gridId: node.id,
        level: 'village' as const,
      })),
    ].map((grid) => ({ ...grid, counters: expected.get(grid.gridId) ?? {} })),
  };
}

function evenlySpaced<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

/**
 * One risk point of a unit, from the knowledge-base template of its industry (so items are the size real ones
 * are), in its seeded colour and status, with one verified photo record. The photo's object is not uploaded:
 * nothing the bench measures reads it, and 580,000 objects would only measure the local S3 server.
 */
function riskPointFor(tenant: string, unit: Unit, k: number, random: () => number, now: Date): RiskPoint {
  const id = demoId(tenant, `risk-point:${unit.id}:${k}`);
  const color = colourOf(random);
  const status = statusOf(color, random);
  const chain = status === 'draft' ? [] : [...DEFAULT_SETTINGS.reviewChains[color]];
  const photoId = demoId(id, 'photo');
  const photo = verifiedJpeg({
    id: photoId,
    key: `t/${tenant}/risk-points/${id}/${photoId}.jpg`,
    size: 180_000 + Math.floor(random() * 200_000),
    sha256: createHash('sha256').update(photoId).digest('hex'),
    when: now,
    location: unit.location,
  });
  return riskPointFromTemplate({
    id,
    unit,
    templateIndex: k,
    location: unit.location!,
    emergencyPhone: '025-84123456',
    color,
    assessment:
      color === 'ungraded' ? undefined : grade(LEC_FOR[color]!, DEFAULT_SETTINGS.grading, now, 'bench-seed'),
    status,
    reviewChain: chain,
    reviewStep: status === 'filed' ? chain.length : status === 'township_approved' ? 1 : 0,
    photos: [photo],
    now,
  });
}

/** A deterministic scatter of about ±30 km around the city centre. */
function scatter(serial: number) {
  const angle = serial * 2.399963;
  const radius = 0.02 + ((serial * 7919) % 1000) / 3600;
  return {
    lat: Math.round((CENTRE.lat + radius * Math.sin(angle)) * 1e6) / 1e6,
    lng: Math.round((CENTRE.lng + radius * Math.cos(angle)) * 1e6) / 1e6,
  };
}
