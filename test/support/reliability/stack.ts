import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createRuntimeDeps } from '@gridsafe/api';
import {
  type Clock,
  DEFAULT_PROVIDER_ID,
  formatGrant,
  type Grant,
  type Logger,
  makeCreditCode,
  type Principal,
  type Role,
  silentLogger,
} from '@gridsafe/core';
import {
  createDocumentClient,
  DepartmentRepository,
  ensureTable,
  GridRepository,
  TenantRegistry,
  TenantStore,
  UnitRepository,
  UserRepository,
} from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import { poolUsername } from '@gridsafe/identity';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../../scripts/local/dynamodb-local.ts';
import { type LocalIssuer, startLocalIssuer } from '../../../scripts/local/local-issuer.ts';
import { freePort } from '../../../scripts/local/ports.ts';
import { type S3Local, startS3Local } from '../../../scripts/local/s3-local.ts';
import type { DemoCounty } from '../../../scripts/seed/demo-data.ts';
import { createPerson } from '../people.ts';

/** Where the API finds its dependencies: the shared test services (vitest `inject`) or ones started here. */
export interface Services {
  dynamoEndpoint: string;
  s3Endpoint: string;
  issuerUrl: string;
  issuer: string;
  jwksUrl: string;
  userPoolId: string;
  clientId: string;
}

export const TABLE = 'gridsafe-test';
export const BUCKET = 'gridsafe-test-evidence';
export const DEMO_PASSWORD = 'Gridsafe-demo-2026';

/** A token issuer of our own, with its signing key on disk so tests can mint tokens with the real key. */
export async function startOwnIssuer(): Promise<LocalIssuer & { dataDir: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridsafe-rel-issuer-'));
  const issuer = await startLocalIssuer({ port: await freePort(), dataDir });
  return {
    ...issuer,
    dataDir,
    stop: async () => {
      await issuer.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** DynamoDB Local of our own on a free port; with `dbPath` its data survives a kill and a restart. */
export async function startOwnDynamo(dbPath?: string, port?: number): Promise<DynamoDbLocal> {
  const dynamo = await startDynamoDbLocal({
    port: port ?? (await freePort()),
    ...(dbPath ? { dbPath } : {}),
  });
  await ensureTable(createDocumentClient({ endpoint: dynamo.endpoint }), TABLE);
  return dynamo;
}

/** An S3 server of our own (s3rver) with the test bucket. */
export async function startOwnS3(directory: string, port?: number): Promise<S3Local & { port: number }> {
  const chosen = port ?? (await freePort());
  const s3 = await startS3Local({ port: chosen, directory });
  await ensureBucket(createS3Client({ endpoint: s3.endpoint }), BUCKET);
  return { ...s3, port: chosen };
}

export type ReliabilityApi = ReturnType<typeof buildApi>;

/** The part of the app's runtime configuration that says where the (local) services are. */
export function localServiceDeps(services: Services) {
  return {
    tableName: TABLE,
    evidenceBucket: BUCKET,
    dynamoEndpoint: services.dynamoEndpoint,
    s3Endpoint: services.s3Endpoint,
    userPoolId: services.userPoolId,
    userPoolClientId: services.clientId,
    cognitoEndpoint: services.issuerUrl,
    authIssuer: services.issuer,
    authJwksUrl: services.jwksUrl,
  };
}

/** The real app wired to the given services, exactly as the local stack wires it. */
export function buildApi(services: Services, options: { tenants: string[]; logger?: Logger; clock?: Clock }) {
  const tenants = new Set(options.tenants);
  const deps = createRuntimeDeps({
    ...localServiceDeps(services),
    servesTenant: (tenant) => tenants.has(tenant),
    publicOrigin: 'https://gridsafe.example.cn',
    logger: options.logger ?? silentLogger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const app = createApp(deps);
  const s3 = createS3Client({ endpoint: services.s3Endpoint });

  async function login(tenant: string, username: string, password = DEMO_PASSWORD): Promise<string> {
    const response = await app.request(`/t/${tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  }

  async function createUser(tenant: string, username: string, role: Role, grants: Grant[] = []) {
    return createPerson(deps, tenant, username, role, grants, DEMO_PASSWORD);
  }

  /** Seeds the demo county's shape into `tenant` through the same seeder `npm start` uses. */
  async function seed(tenant: string, shape: 'taihe' | 'linquan' | Omit<DemoCounty, 'tenant'> = 'taihe') {
    const { seedDemoCounty } = await import('../../../scripts/seed/seed-demo.ts');
    const { TAIHE, LINQUAN } = await import('../../../scripts/seed/demo-data.ts');
    const { demoId } = await import('../../../scripts/seed/demo-ids.ts');
    const base = shape === 'taihe' ? TAIHE : shape === 'linquan' ? LINQUAN : { ...shape, tenant };
    await seedDemoCounty(
      {
        client: deps.documentClient,
        tableName: TABLE,
        identity: deps.identity,
        passwordProvider: deps.passwordProvider ?? DEFAULT_PROVIDER_ID,
        evidence: { client: s3, bucket: BUCKET },
      },
      { ...base, tenant },
    );
    const [t1, t2] = base.townships;
    return {
      tenant,
      countyName: base.name,
      villages: base.townships.flatMap((t) => t.villages.map((v) => demoId(tenant, `grid:${t.name}/${v}`))),
      county: demoId(tenant, 'grid:county'),
      township1: demoId(tenant, `grid:${t1!.name}`),
      township2: demoId(tenant, `grid:${t2!.name}`),
      village1: demoId(tenant, `grid:${t1!.name}/${t1!.villages[0]}`),
      village2: demoId(tenant, `grid:${t1!.name}/${t1!.villages[1]}`),
      emergencyDept: demoId(tenant, 'department:emergency'),
      user: (username: string) => demoId(tenant, `user:${username}`),
      unit: (serial: number) => demoId(tenant, `unit:${serial}`),
      unitCount: base.townships.reduce((n, t) => n + t.villages.length, 0) * base.unitsPerVillage,
    };
  }

  /**
   * The demo county's grid tree, departments, units and users, without its risk points, hazards and patrols:
   * a fifth of the seed's writes, for tests that make their own records (load, faults, the sweeper).
   */
  async function seedSmall(tenant: string) {
    const { LINQUAN, DEMO_DEPARTMENTS } = await import('../../../scripts/seed/demo-data.ts');
    const { demoId } = await import('../../../scripts/seed/demo-ids.ts');
    const store = new TenantStore(deps.documentClient, TABLE, tenant);
    const now = new Date();
    const ctx = {
      principal: {
        userId: 'system',
        username: 'reliability-seed',
        tenant,
        role: 'county_admin',
        grants: [],
      } as Principal,
      now,
    };
    await new TenantRegistry(deps.documentClient, TABLE).register({
      id: tenant,
      name: LINQUAN.name,
      divisionCode: LINQUAN.divisionCode,
      cell: 'local',
      createdAt: now.toISOString(),
    });
    const grids = new GridRepository(store);
    const root = await grids.create(
      { id: demoId(tenant, 'grid:county'), level: 'county', name: LINQUAN.name, code: LINQUAN.divisionCode },
      ctx,
    );
    const departments = new DepartmentRepository(store);
    for (const [index, department] of DEMO_DEPARTMENTS.entries()) {
      await departments.create(
        {
          id: demoId(tenant, `department:${department.key}`),
          name: department.name,
          industries: [...department.industries],
        },
        { ...ctx, now: new Date(Date.UTC(2026, 0, 1, 0, 0, index)) },
      );
    }
    const emergency = demoId(tenant, 'department:emergency');
    const units = new UnitRepository(store);
    let serial = 0;
    let firstTownship = '';
    let firstVillage = '';
    for (const township of LINQUAN.townships) {
      const townshipNode = await grids.create(
        {
          id: demoId(tenant, `grid:${township.name}`),
          level: 'township',
          name: township.name,
          code: township.code,
          parent: root,
        },
        ctx,
      );
      firstTownship ||= townshipNode.id;
      for (const [index, village] of township.villages.entries()) {
        const node = await grids.create(
          {
            id: demoId(tenant, `grid:${township.name}/${village}`),
            level: 'village',
            name: village,
            code: `${township.code}${String(index + 1).padStart(3, '0')}`,
            parent: townshipNode,
          },
          ctx,
        );
        firstVillage ||= node.id;
        for (let i = 0; i < LINQUAN.unitsPerVillage; i++) {
          serial += 1;
          await units.create(
            {
              id: demoId(tenant, `unit:${serial}`),
              name: `临泉县可靠性${serial}号工厂`,
              creditCode: makeCreditCode(`91${LINQUAN.divisionCode}`, serial),
              industry: 'industry_trade_general',
              gridId: node.id,
              gridPath: node.path,
              departmentId: emergency,
              departmentOverridden: false,
              supervisionLevel: 'township',
              version: 1,
              createdAt: now.toISOString(),
              updatedAt: now.toISOString(),
            },
            ctx,
          );
        }
      }
    }
    const users = new UserRepository(store);
    const people: [string, Role, Grant[]][] = [
      ['county.admin', 'county_admin', [{ kind: 'grid', id: root.id }]],
      ['dept.officer', 'department_officer', [{ kind: 'dept', id: emergency }]],
      ['township.officer', 'township_officer', [{ kind: 'grid', id: firstTownship }]],
      ['grid.member', 'grid_member', [{ kind: 'grid', id: firstVillage }]],
      ['unit.manager', 'unit_user', [{ kind: 'unit', id: demoId(tenant, 'unit:1') }]],
    ];
    for (const [username, role, grants] of people) {
      const scope = grants.map(formatGrant);
      const { sub } = await deps.identity.createUser(poolUsername(tenant, username), DEMO_PASSWORD, {
        displayName: username,
      });
      await users.create(
        {
          id: demoId(tenant, `user:${username}`),
          username,
          displayName: username,
          role,
          scope,
          enabled: true,
          identities: [{ provider: deps.passwordProvider ?? DEFAULT_PROVIDER_ID, subject: sub }],
          version: 1,
          createdAt: now.toISOString(),
          updatedAt: now.toISOString(),
        },
        ctx,
      );
    }
    const [t1, t2] = LINQUAN.townships;
    return {
      tenant,
      countyName: LINQUAN.name,
      villages: LINQUAN.townships.flatMap((t) =>
        t.villages.map((v) => demoId(tenant, `grid:${t.name}/${v}`)),
      ),
      county: root.id,
      township1: firstTownship,
      township2: demoId(tenant, `grid:${t2!.name}`),
      village1: firstVillage,
      village2: demoId(tenant, `grid:${t1!.name}/${t1!.villages[1]}`),
      emergencyDept: emergency,
      user: (username: string) => demoId(tenant, `user:${username}`),
      unit: (n: number) => demoId(tenant, `unit:${n}`),
      unitCount: serial,
    } satisfies Seeded;
  }

  return { app, deps, s3, login, createUser, seed, seedSmall, services };
}

export type Seeded = Awaited<ReturnType<ReliabilityApi['seed']>>;

/**
 * A logger that keeps what the app logs at error and warning level, so a test can say which requests failed and
 * why, and what the app recovered from.
 */
export function recordingLogger(): Logger & {
  errors: { message: string; fields?: Record<string, unknown> }[];
  warnings: { message: string; fields?: Record<string, unknown> }[];
} {
  const errors: { message: string; fields?: Record<string, unknown> }[] = [];
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  return {
    errors,
    warnings,
    debug() {},
    info() {},
    warn(message, fields) {
      warnings.push({ message, ...(fields ? { fields } : {}) });
    },
    error(message, fields) {
      errors.push({ message, ...(fields ? { fields } : {}) });
    },
  };
}
