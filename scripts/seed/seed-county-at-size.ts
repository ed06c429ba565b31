import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  type CreditLevel,
  creditPatrolDays,
  DEFAULT_SETTINGS,
  type Department,
  type GridNode,
  grade,
  type Hazard,
  isActiveUnit,
  makeCreditCode,
  newResource,
  type Patrol,
  type Principal,
  planPatrol,
  type RiskPoint,
  type Unit,
} from '@gridsafe/core';
import {
  backfillSearchIndex,
  CreditRulesRepository,
  DepartmentRepository,
  GridRepository,
  gridEntity,
  HazardRepository,
  hazardEntity,
  PatrolRepository,
  patrolEntity,
  ResourceRepository,
  RiskPointRepository,
  rateUnitsFrom,
  riskPointsByUnit,
  SettingsRepository,
  systemPrincipal,
  TenantStore,
  UnitRepository,
  type WriteContext,
  withoutSearchPostings,
} from '@gridsafe/db';
import { PhotoStore } from '@gridsafe/evidence';
import { BulkWriter } from '../bench/bulk-writer.ts';
import { runBounded } from '../bench/pool.ts';
import { townshipCells } from './demo-boundaries.ts';
import { DEMO_DEPARTMENTS, DEMO_UNIT_KINDS, DEMO_UNIT_PREFIXES, type DemoCounty } from './demo-data.ts';
import { demoId } from './demo-ids.ts';
import { demoJpegPhoto, demoUnit, LEC_FOR, riskPointFromTemplate } from './demo-records.ts';
import { SeedBuffer } from './seed-buffer.ts';
import { ensureGrid, type SeedTarget } from './seed-demo.ts';
import { DEMO_HAZARDS, type HazardPlan, seedHazard, seedPatrol } from './seed-demo-hazards.ts';
import { DEMO_RISK_POINT_PLAN } from './seed-demo-risk-points.ts';
import {
  sizedUnitLifecycle,
  TAIHE_MORE_DEPARTMENTS,
  TAIHE_MORE_TOWNSHIPS,
  TAIHE_SIZE,
  VILLAGE_STEMS,
} from './taihe-size.ts';

type Colour = RiskPoint['color'];
type ReviewStatus = 'submitted' | 'township_approved';

/** The 300 in review: mostly low-risk filings waiting for the township, the red and orange ones further on. */
const IN_REVIEW: Record<ReviewStatus, Partial<Record<Colour, number>>> = {
  submitted: { red: 2, orange: 13, yellow: 60, blue: 150, ungraded: 35 },
  township_approved: { red: 5, orange: 35 },
};
/** Drafts a grid member has started and not yet submitted (not reported, so outside Taihe's 2,684). */
const DRAFTS = 150;
/**
 * TransactWriteItems calls in flight: DynamoDB Local applies them one at a time, so more only queue there; a few
 * keep it busy while the next request is parsed (1, 2, 4 and 8 measured within the machine's noise of each other).
 */
const BULK_IN_FLIGHT = 4;

/**
 * How the quarter's hazards went, as weights over the demo's own hazard stories (seed-demo-hazards.ts): most
 * closed after a verified rectification or on the spot, some under way, a few rejected, overdue or escalated.
 * Closed stories are moved back in time over the quarter; the others keep their days so they stay current.
 */
const HAZARD_MIX: [key: string, weight: number, spread: boolean][] = [
  ['closed-verified', 50, true],
  ['closed-on-site', 25, true],
  ['rectifying', 8, false],
  ['rectified', 5, false],
  ['open', 5, false],
  ['rejected', 3, false],
  ['overdue-township', 2, false],
  ['overdue-county', 1, false],
  ['manual-escalated', 1, false],
];

export interface SizedSeedReport {
  tenant: string;
  /** True when an earlier start already seeded the county at its size (nothing was written). */
  present: boolean;
  seconds: number;
  added: Record<string, number>;
}

/**
 * Takes a demo county that `seedDemoCounty` made from its small size to Taihe's (taihe-size.ts): departments,
 * townships and villages through their repositories; units and risk points with the repositories' own creation
 * items written in bulk (scripts/bench/bulk-writer.ts), their counters added to what the demo left; a quarter
 * of hazards and patrols through the real state machines. A marker item written last makes a later start add
 * nothing. Every id is derived from a name, so an interrupted seed run again rewrites the same records.
 */
export async function seedCountyAtSize(
  target: SeedTarget,
  county: DemoCounty,
  report: (message: string) => void = () => {},
): Promise<SizedSeedReport> {
  const started = performance.now();
  const log = (step: string) => report(`${step} (at ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  const { tenant } = county;
  const store = new TenantStore(target.client, target.tableName, tenant);
  const marker = { pk: store.key('SEED'), sk: 'county-at-size' };
  if (await store.get(marker.pk, marker.sk, true)) {
    return { tenant, present: true, seconds: (performance.now() - started) / 1000, added: {} };
  }
  const now = target.now ?? new Date();
  const system: Principal = {
    userId: 'system',
    username: 'demo-seed',
    tenant,
    role: 'county_admin',
    grants: [],
  };
  const ctx: WriteContext = { principal: system, now };
  const added: Record<string, number> = {};
  const once = async (what: string, write: () => Promise<unknown>) => {
    try {
      await write();
      added[what] = (added[what] ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  };

  log('departments');
  const departmentRepository = new DepartmentRepository(store);
  for (const [index, department] of TAIHE_MORE_DEPARTMENTS.entries()) {
    const deptCtx = { ...ctx, now: new Date(Date.UTC(2026, 0, 1, 0, 1, index)) };
    await once('departments', () =>
      departmentRepository.create(
        { id: demoId(tenant, `department:${department.key}`), name: department.name, industries: [] },
        deptCtx,
      ),
    );
  }
  const departments = (
    await Promise.all(
      [...DEMO_DEPARTMENTS, ...TAIHE_MORE_DEPARTMENTS].map((d) =>
        departmentRepository.get(demoId(tenant, `department:${d.key}`)),
      ),
    )
  ).filter((d): d is Department => d !== undefined);

  log('townships and villages');
  const { villages, townships } = await seedGridTree(store, county, ctx, once, added);
  log('township boundaries');
  await seedTownshipBoundaries(store, county, townships, ctx, once);

  const firstSerial =
    county.townships.reduce((sum, t) => sum + t.villages.length, 0) * county.unitsPerVillage + 1;
  const newUnits = TAIHE_SIZE.units - firstSerial + 1;
  // Built once each: the points, hazards and patrols look their units up again.
  const builtUnits = new Map<number, Unit>();
  const unitAt = (serial: number): Unit => {
    const built = builtUnits.get(serial) ?? sizedUnit(tenant, county, villages, departments, serial, now);
    builtUnits.set(serial, built);
    return built;
  };
  const photos = target.evidence
    ? new PhotoStore(target.evidence.client, target.evidence.bucket, tenant)
    : undefined;
  // Every record below is written in bulk, its counters summed in memory and added once at the very end, with
  // the marker: a start stopped before then writes the same records again and adds the counters once. (An older
  // seed marked its units and risk points done apart, counters added; such a county keeps them.)
  // By transactions of 100 Puts: `npm start`'s DynamoDB Local keeps its data on disk, where it commits each item of
  // a BatchWriteItem on its own and a transaction's items at once (bulk-writer.ts, `writeBy`).
  const bulk = new BulkWriter(target.client, target.tableName, BULK_IN_FLIGHT, {
    oneShard: true,
    writeBy: 'transaction',
  });
  const recordsMarker = { pk: marker.pk, sk: `${marker.sk}#records` };
  const recordsDone = (await store.get(recordsMarker.pk, recordsMarker.sk, true)) !== undefined;
  if (!recordsDone) {
    await seedUnitsAndRiskPoints({ target, store, ctx, bulk, firstSerial, unitAt, photos, log });
    added.units = newUnits;
  }

  // The quarter's history (hazards, patrols, ratings, the next patrol tasks) goes through the repositories' own
  // transactions into a buffer in memory (seed-buffer.ts), which is written in bulk at the end.
  const { settings } = await new SettingsRepository(store).get();
  const buffer = new SeedBuffer(store, ['HZ#', 'PATROL#', 'PATROLOPEN']);
  log('hazards of the quarter');
  const hazardEnv = {
    tenant,
    hazards: new HazardRepository(buffer),
    store: buffer,
    settings,
    now,
    photos,
    evidence: target.evidence,
  };
  const hazardPlans = hazardPlansOfQuarter();
  // Only the photos' uploads wait on anything: the writes stay in memory.
  await runBounded(hazardPlans.length, 16, async (i) => {
    const serial = firstSerial + ((i * 53) % newUnits);
    if (await seedHazard(hazardEnv, hazardPlans[i]!, unitAt(serial)))
      added.hazards = (added.hazards ?? 0) + 1;
  });

  log('patrols of the quarter');
  const pointsByUnit = await riskPointsByUnit(store);
  const serialOf = new Map<string, number>();
  for (let serial = firstSerial; serial <= TAIHE_SIZE.units; serial++) {
    serialOf.set(demoId(tenant, `unit:${serial}`), serial);
  }
  const patrols = new PatrolRepository(buffer);
  const patrolEnv = { tenant, patrols, settings, centre: county.centre, now };
  // Units the sized seed added that have risk points (the demo's own units keep the demo's named patrols).
  const patrolUnits = [...pointsByUnit.keys()]
    // A suspended or closed unit is not patrolled (and planPatrols passes it by too).
    .filter((unitId) => serialOf.has(unitId) && isActiveUnit(unitAt(serialOf.get(unitId)!)))
    .slice(0, TAIHE_SIZE.completedPatrols);
  for (const [i, unitId] of patrolUnits.entries()) {
    const serial = serialOf.get(unitId)!;
    const dueDay = -1 - (i % 80);
    const plan = {
      key: `size:${serial}`,
      unit: serial,
      dueDay,
      done: { day: dueDay - 1, deficient: i % 12 === 0, far: i % 25 === 0 },
    };
    if (await seedPatrol(patrolEnv, plan, unitAt(serial), pointsByUnit.get(unitId) ?? [])) {
      added.patrols = (added.patrols ?? 0) + 1;
    }
  }

  log('credit ratings');
  // Every new unit rated from the records this seed made (the demo's own units keep the demo's ratings: nothing
  // here is theirs), as rateCounty would rate them after reading the county back.
  const { rules } = await new CreditRulesRepository(store).get();
  const since = now.getTime() - (rules.lookbackDays + 366) * 86_400_000;
  const sizedUnits = Array.from({ length: newUnits }, (_, i) => unitAt(firstSerial + i));
  const rated = await rateUnitsFrom(
    buffer,
    now,
    {
      units: sizedUnits,
      riskPoints: sizedRiskPoints(tenant, now, firstSerial, unitAt),
      hazards: buffer.ofType('Hazard').map((item) => hazardEntity.fromItem<Hazard>(item)),
      patrols: buffer
        .ofType('Patrol')
        .map((item) => patrolEntity.fromItem<Patrol>(item))
        .filter((patrol) => patrol.status === 'done' && Date.parse(patrol.dueAt) >= since),
      enforcement: new Map(),
    },
    (items) => buffer.transact(items, 'credit'),
    { fresh: true },
  );
  added.creditRatings = rated.changed;

  log('patrol tasks for every other unit');
  // What planPatrols does for a unit without an open task, from the ratings just made: a task due one interval
  // from now, at least as often as the unit's credit level asks.
  const levels = new Map(buffer.ofType('UnitCredit').map((item) => [String(item.unitId), item.level]));
  const planner = { principal: systemPrincipal(tenant, 'patrol-planner'), now };
  for (const unit of sizedUnits) {
    if (!isActiveUnit(unit) || (await buffer.get(store.key('PATROLOPEN'), unit.id))) continue;
    const level = levels.get(unit.id) as CreditLevel | undefined;
    const patrol = planPatrol(
      { ...unit, creditPatrolDays: level ? creditPatrolDays(level, rules) : undefined },
      pointsByUnit.get(unit.id) ?? [],
      settings,
      now,
      demoId(tenant, `patrol:planned:${unit.id}`),
    );
    await patrols.create(patrol, planner);
    added.plannedPatrols = (added.plannedPatrols ?? 0) + 1;
  }

  log('emergency resources');
  // Each township's rescue team and supply stockpile beside its centre.
  const resources = new ResourceRepository(buffer);
  for (const [i, { node, centre }] of townships.entries()) {
    const place = (dLat: number) => ({ lat: Math.round((centre.lat + dLat) * 1e6) / 1e6, lng: centre.lng });
    const contact = { name: `${node.name}应急办`, phone: `0558-86${String(1000 + i).padStart(5, '0')}` };
    for (const input of [
      { kind: 'team' as const, name: `${node.name}应急救援队`, members: 20 + (i % 15) },
      {
        kind: 'supply' as const,
        name: `${node.name}应急物资库`,
        supplyType: i % 2 ? '灭火器' : '沙袋',
        quantity: 200 + i * 10,
      },
    ]) {
      const resource = newResource(
        {
          ...input,
          gridId: node.id,
          location: place(input.kind === 'team' ? 0.003 : -0.003),
          address: `${node.name}政府`,
          contact,
        },
        { id: demoId(tenant, `resource:size:${node.id}:${input.kind}`), gridPath: node.path },
        ctx.principal.username,
        now,
      );
      await buffer.transact(resources.creationItems(resource, ctx), 'resource');
    }
  }
  added.resources = townships.length * 2;

  log(`writing the quarter (${buffer.size} items less its search postings)`);
  // The hazards' search postings too are left to `indexSizedCountyForSearch`, which indexes every hazard as well.
  await buffer.flush(bulk, (item) => item.type === 'SearchPosting');
  log(`counters (${bulk.counterTotals().length} items)`);
  // Only the counters of the demo's own grids can already hold counts: the partitions of the grids this seed
  // made are new (unless an older seed counted its units there), so they are written without being read.
  const demoGrids = new Set([
    demoId(tenant, 'grid:county'),
    ...county.townships.flatMap((t) => [
      demoId(tenant, `grid:${t.name}`),
      ...t.villages.map((village) => demoId(tenant, `grid:${t.name}/${village}`)),
    ]),
  ]);
  const newGrids = new Set(
    [...townships.map((t) => t.node.id), ...villages.map((v) => v.node.id)].filter(
      (id) => !demoGrids.has(id),
    ),
  );
  await bulk.finishByMerging(
    recordsDone ? undefined : (pk) => !newGrids.has(pk.slice(store.prefix.length).split('#')[1] ?? ''),
  );
  const { items, calls, unprocessed } = bulk.stats;
  report(`written in bulk: ${items} items in ${calls} calls, ${unprocessed} sent again as unprocessed`);

  await target.client.send(
    new PutCommand({
      TableName: target.tableName,
      Item: { ...marker, type: 'SeedMarker', seededAt: now.toISOString(), added },
    }),
  );
  return { tenant, present: false, seconds: (performance.now() - started) / 1000, added };
}

/** The sized county's unit `serial` (the demo's own units are 1…39): its village, trade, department and place. */
function sizedUnit(
  tenant: string,
  county: DemoCounty,
  villages: PlacedVillage[],
  departments: Department[],
  serial: number,
  now: Date,
): Unit {
  const village = villages[serial % villages.length]!;
  const kind = DEMO_UNIT_KINDS[serial % DEMO_UNIT_KINDS.length]!;
  const prefix = DEMO_UNIT_PREFIXES[(serial * 7) % DEMO_UNIT_PREFIXES.length]!;
  const { status, unlicensed } = sizedUnitLifecycle(serial);
  const created = daysBefore(now, serial % 90);
  const unit = demoUnit({
    id: demoId(tenant, `unit:${serial}`),
    name: `${village.node.name.replace(/(村|社区)$/, '')}${prefix}${kind.suffix}`,
    creditCode: makeCreditCode(`91${county.divisionCode}`, serial),
    kind,
    village: village.node,
    departments,
    address: `${village.township.name}${village.node.name}${(serial % 60) + 1}号`,
    location: around(village.centre, serial, 0.012),
    contact: { name: `联系人${serial}`, phone: `1385558${String(serial).padStart(4, '0')}` },
    now: created,
  });
  const { creditCode: _code, ...withoutCode } = unit;
  return {
    ...(unlicensed ? { ...withoutCode, unlicensed: true } : unit),
    status,
    ...(status === 'active'
      ? {}
      : {
          statusReason:
            status === 'suspended' ? '停产整顿：未落实隐患整改（演示）' : '关闭取缔：非法生产（演示）',
          statusChangedAt: created.toISOString(),
        }),
  };
}

/**
 * Units and risk points in bulk: the repositories' own creation items through the bulk writer, each point with a
 * real (tiny) photo in the evidence bucket, uploaded while the units are written.
 */
async function seedUnitsAndRiskPoints(options: {
  target: SeedTarget;
  store: TenantStore;
  ctx: WriteContext;
  bulk: BulkWriter;
  firstSerial: number;
  unitAt: (serial: number) => Unit;
  photos: PhotoStore | undefined;
  log: (message: string) => void;
}): Promise<void> {
  const { target, store, ctx, bulk, firstSerial, unitAt, photos, log } = options;
  const points = sizedRiskPoints(store.tenant, ctx.now, firstSerial, unitAt);
  // The points' photos go to the evidence bucket while DynamoDB Local writes the units: the uploads are this
  // process's work (the S3 server runs in it) and the writes the JVM's, so neither waits for the other.
  const withPhotos: RiskPoint[] = [];
  const uploads = runBounded(points.length, 8, async (i) => {
    const point = points[i]!;
    withPhotos[i] =
      photos && target.evidence
        ? {
            ...point,
            photos: [
              await demoJpegPhoto({
                tenant: store.tenant,
                photos,
                evidence: target.evidence,
                collection: 'risk-points',
                recordId: point.id,
                photoId: demoId(point.id, 'photo'),
                seed: `demo-${point.id}`,
                when: new Date(point.createdAt),
                location: point.location,
              }),
            ],
          }
        : point;
  });
  // Awaited below; this only keeps a failed upload from counting as unhandled while the units are written.
  uploads.catch(() => undefined);

  const units = new UnitRepository(store);
  log(`units ${firstSerial}…${TAIHE_SIZE.units}`);
  for (let serial = firstSerial; serial <= TAIHE_SIZE.units; serial++) {
    const unit = unitAt(serial);
    await bulk.add(
      withoutSearchPostings(units.creationItems(unit, { ...ctx, now: new Date(unit.createdAt) })),
    );
  }
  await bulk.drain();

  log('risk points');
  await uploads;
  const riskPoints = new RiskPointRepository(store);
  for (const point of withPhotos) {
    await bulk.add(
      withoutSearchPostings(riskPoints.creationItems(point, { ...ctx, now: new Date(point.createdAt) })),
    );
  }
  await bulk.drain();
}

/**
 * The search index of a county the sized seed took to Taihe's size: `npm run migrate`'s backfill over its units,
 * risk points and hazards (idempotent Puts), then a marker so later starts skip it. `present` when a start already
 * built it, or when the county was never seeded at its size (nothing to index).
 */
export async function indexSizedCountyForSearch(
  target: Pick<SeedTarget, 'client' | 'tableName'>,
  tenant: string,
): Promise<{ present: boolean; seconds: number; postings: number }> {
  const started = performance.now();
  const store = new TenantStore(target.client, target.tableName, tenant);
  const pk = store.key('SEED');
  const sizedMarker = await store.get(pk, 'county-at-size', true);
  const indexedMarker = { pk, sk: 'county-at-size#search' };
  if (!sizedMarker || (await store.get(indexedMarker.pk, indexedMarker.sk, true))) {
    return { present: true, seconds: 0, postings: 0 };
  }
  const { postings } = await backfillSearchIndex(store);
  await target.client.send(
    new PutCommand({ TableName: target.tableName, Item: { ...indexedMarker, type: 'SeedMarker', postings } }),
  );
  return { present: false, seconds: (performance.now() - started) / 1000, postings };
}

interface PlacedVillage {
  node: GridNode;
  township: GridNode;
  centre: { lat: number; lng: number };
}

/** Each township's outline (demo-boundaries.ts), through the repository like an upload; one already there is kept. */
async function seedTownshipBoundaries(
  store: TenantStore,
  county: DemoCounty,
  townships: { node: GridNode; centre: { lat: number; lng: number } }[],
  ctx: WriteContext,
  once: (what: string, write: () => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const grids = new GridRepository(store);
  const rings = townshipCells(
    county.centre,
    0.3,
    townships.map((township) => township.centre),
  );
  for (const [i, { node }] of townships.entries()) {
    if (await grids.getBoundary(node.id)) continue;
    const stored = await grids.getWithChain(node.id);
    if (!stored) continue;
    const ring = rings[i]!;
    const geometry = { type: 'Polygon' as const, coordinates: [ring] };
    const bytes = new TextEncoder().encode(JSON.stringify(geometry)).length;
    await once('boundaries', () =>
      grids.setBoundary(stored, geometry, Number(stored.version), ctx, { bytes, positions: ring.length }),
    );
  }
}

/**
 * Every township to 32 and every village to 314, the demo's own kept; answers all villages with a centre, and
 * the townships with the centre their villages are placed around. A township's missing villages are created in
 * one transaction (GridRepository.createSiblings, as the tree import does), not one each.
 */
async function seedGridTree(
  store: TenantStore,
  county: DemoCounty,
  ctx: WriteContext,
  once: (what: string, write: () => Promise<unknown>) => Promise<void>,
  added: Record<string, number>,
): Promise<{
  villages: PlacedVillage[];
  townships: { node: GridNode; centre: { lat: number; lng: number } }[];
}> {
  const grids = new GridRepository(store);
  const { tenant } = county;
  const counted = (what: string) => (write: () => Promise<unknown>) => once(what, write);
  const root = await ensureGrid(
    grids,
    { id: demoId(tenant, 'grid:county'), level: 'county', name: county.name, code: county.divisionCode },
    ctx,
    counted('grids'),
  );
  const townships = [
    ...county.townships.map((t) => ({ name: t.name, code: t.code, villages: [...t.villages] })),
    ...TAIHE_MORE_TOWNSHIPS.map((name, i) => ({
      name,
      code: name.endsWith('街道')
        ? `${county.divisionCode}${String(i + 1).padStart(3, '0')}`
        : `${county.divisionCode}${103 + i}`,
      villages: [] as string[],
    })),
  ];
  const perTownship = (t: number) =>
    Math.floor(TAIHE_SIZE.villages / townships.length) + (t < TAIHE_SIZE.villages % townships.length ? 1 : 0);
  const placed: PlacedVillage[] = [];
  const placedTownships: { node: GridNode; centre: { lat: number; lng: number } }[] = [];
  for (const [t, township] of townships.entries()) {
    const townshipNode = await ensureGrid(
      grids,
      {
        id: demoId(tenant, `grid:${township.name}`),
        level: 'township',
        name: township.name,
        code: township.code,
        parent: root,
      },
      ctx,
      counted('grids'),
    );
    const centre = around(county.centre, t + 1, 0.22);
    placedTownships.push({ node: townshipNode, centre });
    const names = [...township.villages];
    for (let j = 0; names.length < perTownship(t); j++) {
      const stem = VILLAGE_STEMS[(j + t * 5) % VILLAGE_STEMS.length]!;
      const round = Math.floor(j / VILLAGE_STEMS.length);
      const name = `${stem}${round > 0 ? round + 1 : ''}${j % 4 === 3 ? '社区' : '村'}`;
      if (!names.includes(name)) names.push(name);
    }
    const inputs = names.map((village, index) => ({
      id: demoId(tenant, `grid:${township.name}/${village}`),
      level: 'village' as const,
      name: village,
      code: `${township.code}${String(index + 1).padStart(3, '0')}`,
      parent: townshipNode,
    }));
    const nodes = new Map(
      (
        await store.batchGet(
          inputs.map((input) => gridEntity.key(store, input.id)),
          true,
        )
      ).map((item) => {
        const node = gridEntity.fromItem<GridNode>(item);
        return [node.id, node];
      }),
    );
    const missing = inputs.filter((input) => !nodes.has(input.id));
    // Two items a village and the township's check: well within a transaction's 100.
    for (let start = 0; start < missing.length; start += 40) {
      for (const node of await grids.createSiblings(missing.slice(start, start + 40), ctx)) {
        nodes.set(node.id, node);
        added.grids = (added.grids ?? 0) + 1;
      }
    }
    for (const [index, input] of inputs.entries()) {
      placed.push({
        node: nodes.get(input.id)!,
        township: townshipNode,
        centre: around(centre, index + 1, 0.04),
      });
    }
  }
  return { villages: placed, townships: placedTownships };
}

/**
 * The sized county's risk points, without photos: point i goes to a different new unit (37 is prime to the unit
 * count), the riskier colours to the riskier trades (a red or orange point at the next hazardous-chemicals or
 * fireworks unit). The same every time for the same units, so the ratings can be made from them again.
 */
function sizedRiskPoints(
  tenant: string,
  now: Date,
  firstSerial: number,
  unitAt: (serial: number) => Unit,
): RiskPoint[] {
  const newUnits = TAIHE_SIZE.units - firstSerial + 1;
  return riskPointPlans().map((plan, i) => {
    let serial = firstSerial + ((i * 37) % newUnits);
    if (plan.color === 'red' || plan.color === 'orange') {
      while (!['hazardous_chemicals', 'fireworks'].includes(unitAt(serial).industry)) {
        serial = serial >= TAIHE_SIZE.units ? firstSerial : serial + 1;
      }
    }
    const unit = unitAt(serial);
    const at = daysBefore(now, (i % 88) + 1);
    const reviewChain = plan.status === 'draft' ? [] : [...DEFAULT_SETTINGS.reviewChains[plan.color]];
    return riskPointFromTemplate({
      id: demoId(tenant, `risk-point:size:${i}`),
      unit,
      templateIndex: i,
      location: around(unit.location!, i, 0.0006),
      emergencyPhone: '0558-8612345',
      color: plan.color,
      assessment:
        plan.color === 'ungraded'
          ? undefined
          : grade(LEC_FOR[plan.color]!, DEFAULT_SETTINGS.grading, at, 'demo-seed'),
      status: plan.status,
      reviewChain,
      reviewStep: plan.status === 'filed' ? reviewChain.length : plan.status === 'township_approved' ? 1 : 0,
      photos: [],
      now: at,
    });
  });
}

/** The points the sized county adds: Taihe's filed counts, the 300 in review and some drafts, less the demo's own. */
function riskPointPlans(): { color: Colour; status: RiskPoint['status'] }[] {
  const demo = (color: Colour, status: RiskPoint['status']) =>
    DEMO_RISK_POINT_PLAN.filter((p) => p.color === color && p.status === status).length;
  const plans: { color: Colour; status: RiskPoint['status'] }[] = [];
  const add = (color: Colour, status: RiskPoint['status'], count: number) => {
    for (let i = 0; i < count - demo(color, status); i++) plans.push({ color, status });
  };
  for (const [color, count] of Object.entries(TAIHE_SIZE.filed) as [Colour, number][])
    add(color, 'filed', count);
  for (const [status, byColour] of Object.entries(IN_REVIEW) as [
    ReviewStatus,
    Partial<Record<Colour, number>>,
  ][]) {
    for (const [color, count] of Object.entries(byColour) as [Colour, number][]) add(color, status, count);
  }
  const drafts: Colour[] = ['blue', 'yellow', 'ungraded', 'blue', 'orange'];
  for (let i = 0; i < DRAFTS; i++) plans.push({ color: drafts[i % drafts.length]!, status: 'draft' });
  // Interleave colours so each township gets its share of every colour, not a block of one.
  return plans
    .map((plan, i) => ({ plan, key: (i * 2_654_435_761) % 4_294_967_296 }))
    .sort((a, b) => a.key - b.key)
    .map(({ plan }) => plan);
}

/** The quarter's hazards: the demo's stories in HAZARD_MIX's proportions, closed ones spread over the quarter. */
function hazardPlansOfQuarter(): HazardPlan[] {
  const total = HAZARD_MIX.reduce((sum, [, weight]) => sum + weight, 0);
  const plans: HazardPlan[] = [];
  for (const [key, weight, spread] of HAZARD_MIX) {
    const story = DEMO_HAZARDS.find((plan) => plan.key === key);
    if (!story) throw new Error(`No demo hazard story "${key}"`);
    const count = Math.round((TAIHE_SIZE.hazards * weight) / total);
    for (let i = 0; i < count; i++) {
      const shift = spread ? -((i * 7) % 64) : 0;
      plans.push({
        ...story,
        key: `size:${key}:${i}`,
        created: story.created + shift,
        steps: story.steps.map((step) => ({ ...step, day: step.day + shift })),
      });
    }
  }
  return plans;
}

function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 86_400_000);
}

/** A deterministic point within about `radius` degrees of `centre` (a golden-angle spiral). */
function around(centre: { lat: number; lng: number }, serial: number, radius: number) {
  const angle = serial * 2.399963;
  const r = radius * Math.sqrt(((serial * 7919) % 1000) / 1000);
  return {
    lat: Math.round((centre.lat + r * Math.sin(angle)) * 1e6) / 1e6,
    lng: Math.round((centre.lng + r * Math.cos(angle)) * 1e6) / 1e6,
  };
}
