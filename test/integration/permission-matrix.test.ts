import { makeCreditCode, type Role } from '@gridsafe/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPhoto } from '../support/duties.ts';
import {
  clientFor,
  DEMO_LOGIN_PASSWORD,
  type SeededCounty,
  seedTestCounty,
  startTestApi,
  uniqueTenant,
} from '../support/harness.ts';

/**
 * Every role × every endpoint × (in scope, out of scope, another county's id), plus every endpoint with a
 * token of another county. The expected status is written out per cell, so a change in the rules shows up
 * as a failing cell naming role, endpoint and case.
 */
type Case = 'in' | 'out' | 'foreign';
const ROLES: Role[] = ['county_admin', 'department_officer', 'township_officer', 'grid_member', 'unit_user'];
const USERNAME: Record<string, string> = {
  county_admin: 'county.admin',
  department_officer: 'dept.officer',
  township_officer: 'township.officer',
  grid_member: 'grid.member',
  unit_user: 'unit.manager',
};

let api: Awaited<ReturnType<typeof startTestApi>>;
let here: SeededCounty;
let there: SeededCounty;
const clients = new Map<string, ReturnType<typeof clientFor>>();
let foreignAdmin: ReturnType<typeof clientFor>;
let serial = 7000;
/** A second county admin of county A: files and reports what the matrix's callers then review or verify. */
let deputy: ReturnType<typeof clientFor>;
/** A risk point and a hazard of county B, for the "another county's id" case. */
let foreignPoint: string;
let foreignHazard: string;
let foreignGrantId: string;

/** A fresh grant of county A, so each revoke in the matrix has one of its own to end. */
async function adminGrant(): Promise<{ id: string }> {
  return (await clients.get('county_admin')!.post('/vendor-access-grants', { hours: 1, reason: '矩阵' }))
    .body;
}

beforeAll(async () => {
  const [a, b] = [uniqueTenant('pm'), uniqueTenant('pn')];
  api = await startTestApi({ tenants: [a, b] });
  [here, there] = await Promise.all([seedTestCounty(api, a), seedTestCounty(api, b)]);
  for (const role of ROLES)
    clients.set(role, clientFor(api.app, a, await api.login(a, USERNAME[role]!, DEMO_LOGIN_PASSWORD)));
  // A token of county B used on county A's paths.
  const tokenOfB = await api.login(b, 'county.admin', DEMO_LOGIN_PASSWORD);
  foreignAdmin = clientFor(api.app, a, tokenOfB);
  const adminOfB = clientFor(api.app, b, tokenOfB);
  foreignPoint = (await adminOfB.post('/risk-points', pointBody(there.unit(1), RED))).body.id;
  foreignHazard = (
    await adminOfB.post('/hazards', { unitId: there.unit(1), severity: 'major', title: '矩阵' })
  ).body.id;
  const created = await clients.get('county_admin')!.post('/users', {
    username: 'county.deputy',
    displayName: '副局长',
    role: 'county_admin',
    scope: [`grid:${here.county}`],
    password: 'Matrix-pass-2026',
  });
  expect(created.status).toBe(201);
  deputy = clientFor(api.app, a, await api.login(a, 'county.deputy', 'Matrix-pass-2026'));
  foreignGrantId = (await adminOfB.post('/vendor-access-grants', { hours: 1, reason: '矩阵' })).body.id;
}, 180_000);

const RED = { method: 'LEC', L: 6, E: 6, C: 15 };
const pointBody = (unitId: string, assessment: Record<string, unknown>) => ({
  name: `矩阵点${serial++}`,
  unitId,
  industry: 'industry_trade_general',
  location: { lat: 33.171, lng: 115.633 },
  assessment,
});

/** A red point the deputy filed and the county admin approved at both steps (so the admin may reopen it). */
async function filedRedPoint(unitId: string): Promise<string> {
  const admin = clients.get('county_admin')!;
  const id = (await deputy.post('/risk-points', pointBody(unitId, RED))).body.id;
  await addPhoto(deputy, 'risk-points', id);
  expect((await deputy.post(`/risk-points/${id}/submit`)).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await admin.post(`/risk-points/${id}/approve`)).status).toBe(200);
  return id;
}

/** A major hazard the deputy escalated to the county and reported rectified, waiting to be verified. */
async function rectifiedCountyHazard(unitId: string): Promise<string> {
  const id = (await deputy.post('/hazards', { unitId, severity: 'major', title: `矩阵隐患${serial++}` })).body
    .id;
  expect((await deputy.post(`/hazards/${id}/escalate`, { reason: '矩阵' })).body.level).toBe('county');
  const { photoId } = await addPhoto(deputy, 'hazards', id);
  expect(
    (await deputy.post(`/hazards/${id}/report-rectified`, { note: '矩阵', photoIds: [photoId] })).status,
  ).toBe(200);
  return id;
}

/** The grid node each role looks at in each case (seeded units 1–3 are in village 1, 4 in village 2, 13 in township 2). */
function gridFor(role: Role, c: Case): string {
  if (c === 'foreign') return there.township1;
  const own = role === 'grid_member' || role === 'unit_user' ? here.village1 : here.township1;
  const away = role === 'grid_member' ? here.village2 : here.township2;
  return c === 'in' ? own : away;
}
function unitFor(role: Role, c: Case): string {
  if (c === 'foreign') return there.unit(1);
  const own: Record<string, number> = { department_officer: 3 };
  const away: Record<string, number> = {
    department_officer: 1,
    township_officer: 13,
    grid_member: 4,
    unit_user: 2,
    county_admin: 13,
  };
  return here.unit(c === 'in' ? (own[role] ?? 1) : away[role]!);
}
function villageFor(role: Role, c: Case): string {
  if (c === 'foreign') return there.village1;
  if (c === 'in') return here.village1;
  return role === 'grid_member' ? here.village2 : here.villageInTownship2;
}

interface Endpoint {
  name: string;
  call(client: ReturnType<typeof clientFor>, role: Role, c: Case): Promise<{ status: number }>;
  /** Public endpoints answer whatever token comes with the request (or none). */
  public?: true;
  /** Expected status per role for [in, out, foreign]. */
  expect: Record<Role, [number, number, number]> | ((role: Role) => [number, number, number]);
}

const all = (status: number): [number, number, number] => [status, status, status];
const readGrid: Endpoint['expect'] = {
  vendor_operator: all(403),
  county_admin: [200, 200, 404],
  department_officer: [200, 200, 404],
  township_officer: [200, 403, 404],
  grid_member: [200, 403, 404],
  unit_user: all(403),
};
const readUnit: Endpoint['expect'] = {
  vendor_operator: all(403),
  county_admin: [200, 200, 404],
  department_officer: [200, 403, 404],
  township_officer: [200, 403, 404],
  grid_member: [200, 403, 404],
  unit_user: [200, 403, 404],
};

const ENDPOINTS: Endpoint[] = [
  { name: 'GET /me', call: (cl) => cl.get('/me'), expect: () => all(200) },
  { name: 'GET /auth-config', public: true, call: (cl) => cl.get('/auth-config'), expect: () => all(200) },
  { name: 'GET /grids/{id}', call: (cl, r, c) => cl.get(`/grids/${gridFor(r, c)}`), expect: readGrid },
  {
    name: 'GET /grids/{id}/stats',
    call: (cl, r, c) => cl.get(`/grids/${gridFor(r, c)}/stats`),
    expect: readGrid,
  },
  {
    name: 'GET /grids/{id}/audit',
    call: (cl, r, c) => cl.get(`/grids/${gridFor(r, c)}/audit`),
    expect: readGrid,
  },
  {
    name: 'GET /grids?parent=',
    call: (cl, r, c) => cl.get(`/grids?parent=${gridFor(r, c)}`),
    expect: readGrid,
  },
  {
    name: 'PATCH /grids/{id}',
    call: (cl, r, c) => cl.patch(`/grids/${gridFor(r, c)}`, { code: '341222100' }),
    expect: (role) => (role === 'county_admin' ? [200, 200, 404] : all(403)),
  },
  {
    name: 'POST /grids',
    call: (cl, _r, c) =>
      cl.post('/grids', {
        name: `矩阵村${serial++}`,
        level: 'village',
        parentId: c === 'foreign' ? there.township1 : here.township1,
      }),
    expect: (role) => (role === 'county_admin' ? [201, 201, 400] : all(403)),
  },
  { name: 'GET /units/{id}', call: (cl, r, c) => cl.get(`/units/${unitFor(r, c)}`), expect: readUnit },
  {
    name: 'GET /units/{id}/audit',
    call: (cl, r, c) => cl.get(`/units/${unitFor(r, c)}/audit`),
    expect: readUnit,
  },
  {
    name: 'PATCH /units/{id}',
    call: (cl, r, c) => cl.patch(`/units/${unitFor(r, c)}`, { contact: { name: `矩阵${serial++}` } }),
    expect: (role) => (role === 'unit_user' ? all(403) : (readUnit[role] as [number, number, number])),
  },
  {
    name: 'GET /units (list)',
    call: (cl, r, c) => {
      if (r === 'department_officer') {
        return cl.get(
          `/units?department=${c === 'in' ? here.emergencyDept : c === 'out' ? here.commerceDept : there.emergencyDept}`,
        );
      }
      if (r === 'unit_user' && c === 'in') return cl.get('/units');
      return cl.get(`/units?grid=${gridFor(r, c)}`);
    },
    expect: {
      vendor_operator: all(403),
      county_admin: [200, 200, 404],
      department_officer: [200, 403, 403],
      township_officer: [200, 403, 404],
      grid_member: [200, 403, 404],
      unit_user: [200, 403, 404],
    },
  },
  {
    name: 'POST /units',
    call: (cl, r, c) =>
      cl.post('/units', {
        name: `矩阵厂${serial}`,
        creditCode: makeCreditCode('91341222', serial++),
        industry: 'gas',
        gridId: villageFor(r, c),
      }),
    expect: {
      vendor_operator: all(403),
      county_admin: [201, 201, 400],
      department_officer: all(403),
      township_officer: [201, 403, 400],
      grid_member: [201, 403, 400],
      unit_user: all(403),
    },
  },
  {
    name: 'GET /users',
    call: (cl) => cl.get('/users'),
    expect: (role) => all(role === 'county_admin' ? 200 : 403),
  },
  {
    name: 'POST /users',
    call: (cl) =>
      cl.post('/users', {
        username: `matrix.${serial++}`,
        displayName: '矩阵',
        role: 'grid_member',
        scope: [`grid:${here.village1}`],
        password: 'Matrix-pass-2026',
      }),
    expect: (role) => all(role === 'county_admin' ? 201 : 403),
  },
  { name: 'GET /departments', call: (cl) => cl.get('/departments'), expect: () => all(200) },
  {
    name: 'POST /departments',
    call: (cl) => cl.post('/departments', { name: `矩阵局${serial++}`, industries: [] }),
    expect: (role) => all(role === 'county_admin' ? 201 : 403),
  },
  {
    name: 'GET /login-events',
    call: (cl) => cl.get('/login-events?limit=5'),
    expect: (role) => all(role === 'county_admin' ? 200 : 403),
  },
  {
    name: 'GET /vendor-access-grants',
    call: (cl) => cl.get('/vendor-access-grants'),
    expect: (role) => all(role === 'county_admin' ? 200 : 403),
  },
  {
    name: 'POST /vendor-access-grants',
    call: (cl) => cl.post('/vendor-access-grants', { hours: 1, reason: '矩阵' }),
    expect: (role) => all(role === 'county_admin' ? 201 : 403),
  },
  {
    // Revoking an id of another county, or one that never existed, is a 404 like any other record.
    name: 'DELETE /vendor-access-grants/{id}',
    call: async (cl, _r, c) => {
      const id = c === 'foreign' ? foreignGrantId : (await adminGrant()).id;
      return cl.delete(`/vendor-access-grants/${id}`);
    },
    expect: (role) => (role === 'county_admin' ? [200, 200, 404] : all(403)),
  },
  {
    name: 'GET /knowledge/industries',
    call: (cl) => cl.get('/knowledge/industries'),
    expect: () => all(200),
  },
  {
    // Reopening takes a point off the register: a red one only by the county (its chain's last step).
    name: 'POST /risk-points/{id}/reopen (a filed red point)',
    call: async (cl, r, c) => {
      const id = c === 'foreign' ? foreignPoint : await filedRedPoint(unitFor(r, c));
      return cl.post(`/risk-points/${id}/reopen`, { reason: '矩阵' });
    },
    expect: (role) =>
      role === 'county_admin' ? [200, 200, 404] : role === 'township_officer' ? [403, 403, 404] : all(403),
  },
  {
    // Four eyes: whoever created and submitted a filing never approves it, the county admin included.
    name: 'POST /risk-points/{id}/approve (the caller’s own filing)',
    call: async (cl, r, c) => {
      if (c === 'foreign') return cl.post(`/risk-points/${foreignPoint}/approve`);
      const created = await cl.post('/risk-points', pointBody(unitFor(r, 'in'), RED));
      if (created.status !== 201) return cl.post(`/risk-points/${foreignPoint}/approve`);
      await addPhoto(cl, 'risk-points', created.body.id);
      await cl.post(`/risk-points/${created.body.id}/submit`);
      return cl.post(`/risk-points/${created.body.id}/approve`);
    },
    expect: (role) => (role === 'county_admin' || role === 'township_officer' ? [403, 403, 404] : all(403)),
  },
  {
    // Only the person who announced a photo confirms it.
    name: 'POST /risk-points/{id}/photos/{photoId}/confirm (announced by someone else)',
    call: async (cl, r, c) => {
      if (c === 'foreign') return cl.post(`/risk-points/${foreignPoint}/photos/${foreignPoint}/confirm`);
      const id = (await deputy.post('/risk-points', pointBody(unitFor(r, c), RED))).body.id;
      const { photoId } = await addPhoto(deputy, 'risk-points', id, { confirm: false });
      return cl.post(`/risk-points/${id}/photos/${photoId}/confirm`);
    },
    expect: (role) => (role === 'department_officer' ? all(403) : [403, 403, 404]),
  },
  {
    // A hazard escalated to the county is verified by the county or its industry department, never the township.
    name: 'POST /hazards/{id}/verify (escalated to the county)',
    call: async (cl, r, c) => {
      const id = c === 'foreign' ? foreignHazard : await rectifiedCountyHazard(unitFor(r, c));
      return cl.post(`/hazards/${id}/verify`);
    },
    expect: {
      vendor_operator: all(403),
      county_admin: [200, 200, 404],
      department_officer: [200, 403, 404],
      township_officer: [403, 403, 404],
      grid_member: all(403),
      unit_user: all(403),
    },
  },
  {
    // A unit's supervising department is the county's call.
    name: 'PATCH /units/{id} (supervising department)',
    call: async (cl, r, c) => {
      const current = (await clients.get('county_admin')!.get(`/units/${unitFor(r, c)}`)).body;
      const other = current?.departmentId === here.commerceDept ? here.emergencyDept : here.commerceDept;
      return cl.patch(`/units/${unitFor(r, c)}`, { departmentId: other });
    },
    expect: (role) =>
      role === 'county_admin' ? [200, 200, 404] : role === 'unit_user' ? all(403) : [403, 403, 404],
  },
];

const CASES: Case[] = ['in', 'out', 'foreign'];

describe('permission matrix', () => {
  for (const endpoint of ENDPOINTS) {
    it(`answers ${endpoint.name} as the rules say for every role and case`, async () => {
      const failures: string[] = [];
      for (const role of ROLES) {
        const expected =
          typeof endpoint.expect === 'function' ? endpoint.expect(role) : endpoint.expect[role];
        for (const [index, c] of CASES.entries()) {
          const { status } = await endpoint.call(clients.get(role)!, role, c);
          if (status !== expected[index])
            failures.push(`${role} / ${c}: got ${status}, expected ${expected[index]}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('refuses every endpoint but the public ones with 403 when the token belongs to another county', async () => {
    const failures: string[] = [];
    for (const endpoint of ENDPOINTS.filter((e) => !e.public)) {
      const { status } = await endpoint.call(foreignAdmin, 'county_admin', 'in');
      if (status !== 403) failures.push(`${endpoint.name}: got ${status}`);
    }
    expect(failures).toEqual([]);
  });
});
