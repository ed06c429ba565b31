import {
  type Grant,
  type Hazard,
  type Principal,
  parseGrant,
  type RiskPoint,
  ROLES,
  type Role,
  type TenantSettings,
} from '@gridsafe/core';
import { countyApiBasePath } from '@gridsafe/core/contract';
import { totpCode } from '@gridsafe/identity';
import { expect } from 'vitest';
import { platformPoolUsername } from '../../packages/api/src/platform/platform-identity.ts';
import { enrolOperatorTotp } from '../../scripts/seed/seed-platform.ts';
import { addPhoto } from './duties.ts';
import {
  clientFor,
  DEMO_LOGIN_PASSWORD,
  seedTestCounty,
  startTestApi,
  TEST_PASSWORD,
  uniqueTenant,
} from './harness.ts';
import { type Answer, call } from './reliability/client.ts';

/**
 * The county the permission matrix runs in: two seeded counties (A, where every role works, and a smaller B,
 * whose ids are "another county"), one person per role of core's ROLES logged in to A, the vendor's operator admitted to A
 * under a county admin's grant, and builders for records in the states an operation needs.
 */
export type Case = 'in' | 'out' | 'foreign';
export const CASES: readonly Case[] = ['in', 'out', 'foreign'];
export type Client = ReturnType<typeof clientFor>;

/** The demo county's logins: one person per role. */
const USERNAME: Record<Exclude<Role, 'vendor_operator'>, string> = {
  county_admin: 'county.admin',
  department_officer: 'dept.officer',
  township_officer: 'township.officer',
  grid_member: 'grid.member',
  unit_user: 'unit.manager',
};

/**
 * The seeded unit each role works on, and one it does not (units 1–3 lie in village 1, 4 in village 2, 13 in
 * township 2; unit 3 is under the emergency department, which the department officer holds). For the county
 * admin and the vendor the "away" unit is still their county: the matrix expects them to reach it.
 */
const OWN_UNIT: Record<Role, number> = {
  vendor_operator: 1,
  county_admin: 1,
  department_officer: 3,
  township_officer: 1,
  grid_member: 1,
  unit_user: 1,
};
const AWAY_UNIT: Record<Role, number> = {
  vendor_operator: 13,
  county_admin: 13,
  department_officer: 1,
  township_officer: 13,
  grid_member: 4,
  unit_user: 2,
};

export interface GridTarget {
  id: string;
  path: string;
}

let serial = 0;
const next = () => ++serial;
const YELLOW = { method: 'LEC', L: 3, E: 6, C: 7 };

export async function startMatrixWorld() {
  const [a, b] = [uniqueTenant('mx'), uniqueTenant('my')];
  const api = await startTestApi({ tenants: [a, b] });
  const [here, there] = await Promise.all([seedTestCounty(api, a), seedTestCounty(api, b, 'linquan')]);
  const send = (token: string | undefined, method: string, path: string, init: SendInit = {}) =>
    call(api.app, method, `${countyApiBasePath(a)}${path}`, { ...init, ...(token ? { token } : {}) });

  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    if (role !== 'vendor_operator') tokens[role] = await api.login(a, USERNAME[role], DEMO_LOGIN_PASSWORD);
  }
  const admin = clientFor(api.app, a, tokens.county_admin);
  const tokenOfB = await api.login(b, 'county.admin', DEMO_LOGIN_PASSWORD);
  const adminOfB = clientFor(api.app, b, tokenOfB);
  const memberOfB = clientFor(api.app, b, await api.login(b, 'grid.member', DEMO_LOGIN_PASSWORD));
  // The vendor's grant runs longest, so the one-hour grants the matrix creates and revokes never replace it.
  expect((await admin.post('/vendor-access-grants', { hours: 72, reason: '权限矩阵' })).status).toBe(201);
  tokens.vendor_operator = await vendorOperatorToken(api);

  // A second county admin files and reports what the matrix's callers then review or verify, so no caller ever
  // meets its own filing (four eyes) unless the case is about exactly that.
  expect(
    (
      await admin.post('/users', {
        username: 'matrix.deputy',
        displayName: '副局长',
        role: 'county_admin',
        scope: [`grid:${here.county}`],
        password: 'Matrix-pass-2026',
      })
    ).status,
  ).toBe(201);
  const deputy = clientFor(api.app, a, await api.login(a, 'matrix.deputy', 'Matrix-pass-2026'));

  const principals = {} as Record<Role, Principal>;
  for (const role of ROLES) {
    const me = await send(tokens[role], 'GET', '/me');
    expect(me.status, `${role} /me`).toBe(200);
    principals[role] = {
      userId: me.body.id,
      username: me.body.username,
      tenant: a,
      role: me.body.role,
      grants: (me.body.scope as string[]).map((s) => parseGrant(s)).filter((g): g is Grant => !!g),
    };
  }

  const grids = new Map<string, GridTarget>();
  const grid = async (id: string, county: 'here' | 'there' = 'here'): Promise<GridTarget> => {
    const known = grids.get(id);
    if (known) return known;
    const read = await (county === 'here' ? admin : adminOfB).get(`/grids/${id}`);
    expect(read.status).toBe(200);
    const target = { id, path: read.body.path as string };
    grids.set(id, target);
    return target;
  };

  const settings = (await admin.get('/settings')).body.settings as TenantSettings;
  const made = builders(admin, deputy, adminOfB, memberOfB);
  // Reopening a filed point tells its village and its unit: every person of A then has a notice to read.
  for (const [foreign, reviewer] of [
    [false, admin],
    [true, adminOfB],
  ] as const) {
    const reopened = await made.point((foreign ? there : here).unit(1), 'filed', foreign);
    expect((await reviewer.post(`/risk-points/${reopened.id}/reopen`, { reason: '矩阵通知' })).status).toBe(
      200,
    );
  }

  return {
    api,
    tenant: a,
    here,
    there,
    tokens,
    principals,
    admin,
    adminOfB,
    memberOfB,
    deputy,
    settings,
    /** Sends as a role of county A (or without a token); paths are relative to A's API base. */
    as: (role: Role | undefined, method: string, path: string, init?: SendInit) =>
      send(role ? tokens[role] : undefined, method, path, init),
    /** County B's admin's token on county A's paths. */
    asForeignToken: (method: string, path: string, init?: SendInit) => send(tokenOfB, method, path, init),
    clientOf: (role: Role) => clientFor(api.app, a, tokens[role]),
    unit: (role: Role, c: Case) =>
      c === 'foreign' ? there.unit(1) : here.unit(c === 'in' ? OWN_UNIT[role] : AWAY_UNIT[role]),
    /** The grid node a role works in, one beside it, or one of county B. */
    grid: (role: Role, c: Case): Promise<GridTarget> => {
      if (c === 'foreign') return grid(there.township1, 'there');
      const village = role === 'grid_member' || role === 'unit_user';
      if (c === 'in') return grid(village ? here.village1 : here.township1);
      return grid(role === 'grid_member' ? here.village2 : here.township2);
    },
    /** A village a role registers units in, one outside its area, or one of county B. */
    village: (role: Role, c: Case): Promise<GridTarget> => {
      if (c === 'foreign') return grid(there.village1, 'there');
      if (c === 'in') return grid(here.village1);
      return grid(role === 'grid_member' ? here.village2 : here.villageInTownship2);
    },
    /** The reader of a case's records: county A's admin, or county B's for B's ids. */
    readerFor: (c: Case) => (c === 'foreign' ? adminOfB : admin),
    builders: made,
  };
}
export type MatrixWorld = Awaited<ReturnType<typeof startMatrixWorld>>;
type SendInit = { body?: unknown; rawBody?: BodyInit; headers?: Record<string, string> };

/** An operator of the vendor, logged in with TOTP as the control plane's operators are. */
async function vendorOperatorToken(api: Awaited<ReturnType<typeof startTestApi>>): Promise<string> {
  const name = `mx${Date.now().toString(36)}`;
  const operator = platformPoolUsername(name);
  await api.deps.cellDirectory.createUser(operator, TEST_PASSWORD, {});
  const secret = await enrolOperatorTotp(api.deps.cellDirectory, { username: name, password: TEST_PASSWORD });
  const step = await api.deps.cellDirectory.startLogin(operator, TEST_PASSWORD);
  if (!('challenge' in step)) throw new Error('an operator login must ask for a code');
  const answered = await api.deps.cellDirectory.answerChallenge(operator, step.challenge, step.session, {
    code: totpCode(secret ?? ''),
  });
  if (!('tokens' in answered)) throw new Error('the code did not finish the login');
  return answered.tokens.accessToken;
}

/**
 * Records in the states the matrix's operations act on: filed and reported by A's deputy or B's grid member, and
 * reviewed by the county's admin, so no reviewer meets its own filing.
 */
function builders(admin: Client, deputy: Client, adminOfB: Client, memberOfB: Client) {
  const filer = (foreign: boolean) => (foreign ? memberOfB : deputy);
  const ok = (answer: { status: number; body?: unknown }, what: string, status = 200) =>
    expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(status);

  async function point(
    unitId: string,
    stage: 'draft' | 'submitted' | 'filed',
    foreign = false,
  ): Promise<RiskPoint> {
    const by = filer(foreign);
    const created = await by.post('/risk-points', {
      name: `矩阵点${next()}`,
      unitId,
      industry: 'industry_trade_general',
      location: { lat: 33.171, lng: 115.633 },
      assessment: YELLOW,
    });
    ok(created, 'a risk point', 201);
    const id = created.body.id as string;
    await addPhoto(by, 'risk-points', id);
    if (stage !== 'draft') ok(await by.post(`/risk-points/${id}/submit`), 'submit');
    // A yellow point's chain is the township alone; the county admin reviews at any level.
    if (stage === 'filed') ok(await (foreign ? adminOfB : admin).post(`/risk-points/${id}/approve`), 'file');
    return strip((await (foreign ? adminOfB : admin).get(`/risk-points/${id}`)).body);
  }

  async function hazard(
    unitId: string,
    options: {
      severity?: 'general' | 'major';
      photo?: boolean;
      rectified?: boolean;
      escalated?: boolean;
      foreign?: boolean;
    },
  ): Promise<{ hazard: Hazard; photoId?: string }> {
    const by = filer(options.foreign ?? false);
    const created = await by.post('/hazards', {
      unitId,
      severity: options.escalated ? 'major' : (options.severity ?? 'general'),
      title: `矩阵隐患${next()}`,
    });
    ok(created, 'a hazard', 201);
    const id = created.body.id as string;
    // A major hazard starts at the township; escalated by the county's reviewer, it is the county's.
    if (options.escalated)
      ok(
        await (options.foreign ? adminOfB : admin).post(`/hazards/${id}/escalate`, { reason: '矩阵' }),
        'escalate',
      );
    let photoId: string | undefined;
    if (options.photo || options.rectified)
      photoId = (await addPhoto(by, 'hazards', id, { purpose: 'fix' })).photoId;
    if (options.rectified)
      ok(await by.post(`/hazards/${id}/report-rectified`, { note: '矩阵', photoIds: [photoId] }), 'rectify');
    const read = await (options.foreign ? adminOfB : admin).get(`/hazards/${id}`);
    return { hazard: strip(read.body), ...(photoId ? { photoId } : {}) };
  }

  /** The unit's one scheduled patrol (the seed plans one per unit; completing it plans the next). */
  async function patrol(unitId: string, foreign = false) {
    const page = await (foreign ? adminOfB : admin).get(`/patrols?unit=${unitId}&status=scheduled`);
    expect(page.body.items, `scheduled patrols of ${unitId}`).toHaveLength(1);
    return page.body.items[0] as {
      id: string;
      checklist: { code: string }[];
      targets: { location: unknown }[];
    };
  }

  async function grant(foreign = false): Promise<string> {
    const created = await (foreign ? adminOfB : admin).post('/vendor-access-grants', {
      hours: 1,
      reason: `矩阵${next()}`,
    });
    ok(created, 'a grant', 201);
    return created.body.id;
  }

  return { point, hazard, patrol, grant, serial: next };
}

/** A record as core sees it: without what the API adds for the caller. */
function strip<T>(body: T & { allowedActions?: unknown }): T {
  const { allowedActions: _a, ...record } = body;
  return record as T;
}

export type { Answer };
