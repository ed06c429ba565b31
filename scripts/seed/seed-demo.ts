import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  type Department,
  formatGrant,
  type Grant,
  type GridNode,
  makeCreditCode,
  type Principal,
  type Role,
  type Unit,
  type User,
} from '@gridsafe/core';
import {
  DepartmentRepository,
  GridRepository,
  rateCounty,
  TenantRegistry,
  TenantStore,
  UnitRepository,
  UserRepository,
  type WriteContext,
} from '@gridsafe/db';
import { type IdentityProvider, poolUsername } from '@gridsafe/identity';
import {
  DEMO_DEPARTMENTS,
  DEMO_PASSWORD,
  DEMO_UNIT_KINDS,
  DEMO_UNIT_PREFIXES,
  type DemoCounty,
} from './demo-data.ts';
import { demoId } from './demo-ids.ts';
import { demoUnit } from './demo-records.ts';
import { seedDemoHazardsAndPatrols } from './seed-demo-hazards.ts';
import { seedDemoResources } from './seed-demo-resources.ts';
import { seedDemoRiskPoints } from './seed-demo-risk-points.ts';

export interface SeedTarget {
  client: DynamoDBDocumentClient;
  tableName: string;
  identity: IdentityProvider;
  /** The provider id of `identity`'s tokens (AppDeps.passwordProvider): each person is linked through it. */
  passwordProvider: string;
  /** Where demo photos go; without it the demo risk points have no photos. */
  evidence?: { client: S3Client; bucket: string };
  cell?: string;
  now?: Date;
}

export interface SeedReport {
  tenant: string;
  created: number;
  present: number;
  logins: { username: string; role: Role }[];
}

/**
 * Seeds one demo county through the real repositories (so every record has its audit trail and counters).
 * Every id is derived from the record's name, and every create is conditional, so running it again only
 * fills in what is missing: a half-finished seed completes, a finished one is left alone.
 */
export async function seedDemoCounty(target: SeedTarget, county: DemoCounty): Promise<SeedReport> {
  const { tenant } = county;
  const store = new TenantStore(target.client, target.tableName, tenant);
  const now = target.now ?? new Date();
  const system: Principal = {
    userId: 'system',
    username: 'demo-seed',
    tenant,
    role: 'county_admin',
    grants: [],
  };
  const ctx: WriteContext = { principal: system, now };
  const report: SeedReport = { tenant, created: 0, present: 0, logins: [] };
  const once = async (write: () => Promise<unknown>) => {
    try {
      await write();
      report.created += 1;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      report.present += 1;
    }
  };

  const registry = new TenantRegistry(target.client, target.tableName);
  await once(() =>
    registry.register({
      id: tenant,
      name: county.name,
      divisionCode: county.divisionCode,
      cell: target.cell ?? 'local',
      createdAt: now.toISOString(),
    }),
  );

  const grids = new GridRepository(store);
  const root: GridNode = await ensureGrid(
    grids,
    { id: demoId(tenant, 'grid:county'), level: 'county', name: county.name, code: county.divisionCode },
    ctx,
    once,
  );
  const villages: { node: GridNode; township: GridNode }[] = [];
  for (const township of county.townships) {
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
      once,
    );
    for (const [index, village] of township.villages.entries()) {
      const node = await ensureGrid(
        grids,
        {
          id: demoId(tenant, `grid:${township.name}/${village}`),
          level: 'village',
          name: village,
          code: `${township.code}${String(index + 1).padStart(3, '0')}`,
          parent: townshipNode,
        },
        ctx,
        once,
      );
      villages.push({ node, township: townshipNode });
    }
  }

  const departmentRepository = new DepartmentRepository(store);
  const departments: Department[] = [];
  for (const [index, department] of DEMO_DEPARTMENTS.entries()) {
    const id = demoId(tenant, `department:${department.key}`);
    // Creation times one second apart keep "first department claiming an industry" stable.
    const deptCtx = { ...ctx, now: new Date(Date.UTC(2026, 0, 1, 0, 0, index)) };
    await once(() =>
      departmentRepository.create(
        { id, name: department.name, industries: [...department.industries] },
        deptCtx,
      ),
    );
    const stored = await departmentRepository.get(id);
    if (stored) departments.push(stored);
  }

  const unitRepository = new UnitRepository(store);
  const units: Unit[] = [];
  let serial = 0;
  for (const { node } of villages) {
    for (let i = 0; i < county.unitsPerVillage; i++) {
      serial += 1;
      const kind = DEMO_UNIT_KINDS[serial % DEMO_UNIT_KINDS.length]!;
      const prefix = DEMO_UNIT_PREFIXES[serial % DEMO_UNIT_PREFIXES.length]!;
      const id = demoId(tenant, `unit:${serial}`);
      const creditCode = makeCreditCode(`91${county.divisionCode}`, serial);
      const unit = demoUnit({
        id,
        name: `${county.name.split(' ')[0]}${prefix}${kind.suffix}`,
        creditCode,
        kind,
        village: node,
        departments,
        address: `${node.name}${(serial % 40) + 1}号`,
        location: jitter(county.centre, serial),
        contact: { name: `联系人${serial}`, phone: `1380558${String(1000 + serial).padStart(4, '0')}` },
        now,
      });
      await once(() => unitRepository.create(unit, ctx));
      units.push((await unitRepository.get(id)) ?? unit);
    }
  }

  const firstVillage = villages[0]!;
  const unitInFirstVillage = units.find((unit) => unit.gridId === firstVillage.node.id)!;
  const emergency = departments[0]!;
  // Each demo person has a (made-up) mobile number, so a county that turns SMS on sees the local sink fill.
  const people: { username: string; displayName: string; role: Role; grants: Grant[]; phone: string }[] = [
    {
      username: 'county.admin',
      phone: '13800550001',
      displayName: '县应急局管理员',
      role: 'county_admin',
      grants: [{ kind: 'grid', id: root.id }],
    },
    {
      username: 'dept.officer',
      phone: '13800550002',
      displayName: '应急局执法人员',
      role: 'department_officer',
      grants: [{ kind: 'dept', id: emergency.id }],
    },
    {
      username: 'township.officer',
      phone: '13800550003',
      displayName: `${firstVillage.township.name}安监员`,
      role: 'township_officer',
      grants: [{ kind: 'grid', id: firstVillage.township.id }],
    },
    {
      username: 'grid.member',
      phone: '13800550004',
      displayName: `${firstVillage.node.name}网格员`,
      role: 'grid_member',
      grants: [{ kind: 'grid', id: firstVillage.node.id }],
    },
    {
      username: 'unit.manager',
      phone: '13800550005',
      displayName: `${unitInFirstVillage.name}安全负责人`,
      role: 'unit_user',
      grants: [{ kind: 'unit', id: unitInFirstVillage.id }],
    },
  ];
  const userRepository = new UserRepository(store);
  for (const person of people) {
    const scope = person.grants.map(formatGrant);
    const directoryName = poolUsername(tenant, person.username);
    let sub = await target.identity.getUserSub(directoryName);
    if (!sub) {
      ({ sub } = await target.identity.createUser(directoryName, DEMO_PASSWORD, {
        displayName: person.displayName,
      }));
      report.created += 1;
    }
    const user: User = {
      id: demoId(tenant, `user:${person.username}`),
      username: person.username,
      displayName: person.displayName,
      role: person.role,
      scope,
      phone: person.phone,
      enabled: true,
      identities: [{ provider: target.passwordProvider, subject: sub }],
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await once(() => userRepository.create(user, ctx));
    report.logins.push({ username: person.username, role: person.role });
  }
  report.created += (await seedDemoRiskPoints(target, county)).created;
  report.created += (await seedDemoHazardsAndPatrols(target, county)).created;
  report.created += (await seedDemoResources(target, county)).created;
  // Every unit rated from the record just seeded. Only when something was: a later start rating the whole county
  // again (8,500 units at Taihe's size) would find scores moved by time alone, write ratings for a minute, and leave
  // the map's snapshot of every village stale for the first reader (docs/performance.md, "The map at Taihe's
  // size"). The sweep's daily re-rating (planPatrols) keeps ratings current with time.
  if (report.created > 0) report.created += (await rateCounty(store, now)).changed;
  return report;
}

export async function ensureGrid(
  grids: GridRepository,
  input: Parameters<GridRepository['create']>[0],
  ctx: WriteContext,
  once: (write: () => Promise<unknown>) => Promise<void>,
): Promise<GridNode> {
  await once(() => grids.create(input, ctx));
  const node = await grids.get(input.id);
  if (!node) throw new Error(`grid ${input.name} is missing after seeding`);
  return node;
}

/** A deterministic scatter of about ±8 km around the county centre. */
export function jitter(centre: { lat: number; lng: number }, serial: number) {
  const angle = serial * 2.399963;
  const radius = 0.02 + ((serial * 7919) % 100) / 1400;
  return {
    lat: Math.round((centre.lat + radius * Math.sin(angle)) * 1e6) / 1e6,
    lng: Math.round((centre.lng + radius * Math.cos(angle)) * 1e6) / 1e6,
  };
}
