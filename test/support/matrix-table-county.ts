import { canSeeGrid, inScope, makeCreditCode, type Principal, ROLES, type Role } from '@gridsafe/core';
import { expect } from 'vitest';
import { snapshot } from './duties.ts';
import { type Call, type Entry, mayList, type PublicEntry, type Reuse } from './matrix-rules.ts';
import type { Case, Client, MatrixWorld } from './matrix-world.ts';

/**
 * The permission matrix's rows for the county's frame: session, grids, departments, units, people, settings,
 * the knowledge base, the login log, the vendor's grants, notifications and the assessment.
 */

const everyone = { rule: 'everyone the county admits', roles: () => true };
const countyPeople = {
  rule: 'the county’s own people: the vendor has no inbox in a county',
  roles: (role: Role) => role !== 'vendor_operator',
};
const COUNTY_WIDE = ['in'] as const;

/** A unit of the case as its county's admin reads it, with where it sits. */
export async function unitOf(w: MatrixWorld, role: Role, c: Case, reuse: Reuse) {
  const id = w.unit(role, c);
  return reuse(`unit:${id}`, async () => {
    const read = await w.readerFor(c).get(`/units/${id}`);
    expect(read.status).toBe(200);
    return read.body as { id: string; gridId: string; gridPath: string; departmentId?: string };
  });
}
export const unitTarget = (unit: { id: string; gridPath: string; departmentId?: string }) => ({
  gridPath: unit.gridPath,
  ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
  unitId: unit.id,
});

/** A record's version and audit length, as the county admin reads them. */
export const recordWitness = (reader: Client, path: string) => () => snapshot(reader, path);
/**
 * The records of a list that carry the name a refused create sent (none, before and after), as the county admin
 * reads them: other calls may add records to the same list meanwhile, but none under this name.
 */
export const createdWitness = (reader: Client, path: string, field: string, value: string) => async () => {
  const page = await reader.get(path);
  expect(page.status, path).toBe(200);
  return (page.body.items as Record<string, unknown>[]).filter((item) => item[field] === value);
};

/**
 * The list query a role asks for its own area, the one beside it, or another county's: a department officer
 * names its department, a unit's manager asks for its own unit without a filter, everyone else names a grid.
 */
export async function listQuery(
  w: MatrixWorld,
  role: Role,
  c: Case,
  options: { department: boolean },
): Promise<Pick<Call, 'path' | 'reach' | 'missing'>> {
  if (role === 'department_officer' && options.department) {
    const department =
      c === 'foreign' ? w.there.emergencyDept : c === 'in' ? w.here.emergencyDept : w.here.commerceDept;
    // A department is not looked up before the grant is: another county's is simply not the caller's.
    return { path: `?department=${department}`, reach: mayList({ departmentId: department }), missing: 403 };
  }
  if (c === 'in' && (role === 'unit_user' || role === 'department_officer')) return { path: '' };
  const grid = await w.grid(role, c);
  return { path: `?grid=${grid.id}`, reach: mayList({ path: grid.path }) };
}

export const PUBLIC_TABLE: Record<string, PublicEntry> = {
  'GET /health': { public: true, success: 200, call: () => ({ path: '/health' }) },
  'GET /openapi.json': { public: true, success: 200, call: () => ({ path: '/openapi.json' }) },
  'GET /auth-config': { public: true, success: 200, call: () => ({ path: '/auth-config' }) },
  // The matrix's counties sign in at the shared Cognito-protocol issuer, so they publish no keys of their own
  // (county-directory.test.ts reads them where a county does).
  'GET /.well-known/openid-configuration': {
    public: true,
    success: 404,
    call: () => ({ path: '/.well-known/openid-configuration' }),
  },
  'GET /.well-known/jwks.json': {
    public: true,
    success: 404,
    call: () => ({ path: '/.well-known/jwks.json' }),
  },
  // A wrong password, an unknown refresh token or challenge: the answer is about what was sent, never the caller.
  'POST /session': {
    public: true,
    success: 401,
    call: () => ({ path: '/session', body: { username: 'matrix.nobody', password: 'Wrong-pass-2026' } }),
  },
  'POST /session/refresh': {
    public: true,
    success: 401,
    call: () => ({ path: '/session/refresh', body: { refreshToken: 'not-a-refresh-token' } }),
  },
  'POST /session/challenge': {
    public: true,
    success: 400,
    call: () => ({
      path: '/session/challenge',
      body: { username: 'matrix.nobody', session: 'not-a-session', code: '000000' },
    }),
  },
  'POST /session/logout': {
    public: true,
    success: 200,
    call: () => ({ path: '/session/logout', body: { refreshToken: 'not-a-refresh-token' } }),
  },
};

export const COUNTY_TABLE: Record<string, Entry> = {
  'GET /me': { may: everyone, success: 200, cases: COUNTY_WIDE, call: async () => ({ path: '/me' }) },

  'GET /grids': {
    may: 'grid.read',
    success: 200,
    call: async (w, role, c) => {
      const grid = await w.grid(role, c);
      return { path: `/grids?parent=${grid.id}`, reach: (p) => canSeeGrid(p, grid.path) };
    },
  },
  'POST /grids': {
    may: 'grid.manage',
    success: 201,
    call: async (w, _role, c) => {
      const township = await w.grid('township_officer', c);
      const name = `矩阵村${w.builders.serial()}`;
      return {
        path: '/grids',
        body: { name, level: 'village', parentId: township.id },
        // The parent is named in the body: another county's is no grid of this county.
        missing: 400,
        witness: createdWitness(w.readerFor(c), `/grids?parent=${township.id}&limit=100`, 'name', name),
      };
    },
  },
  'GET /grids/{id}': gridRead('grid.read', ''),
  'GET /grids/{id}/stats': gridRead('stats.read', '/stats'),
  'GET /grids/{id}/audit': gridRead('grid.read', '/audit'),
  'PATCH /grids/{id}': gridWrite('', { code: '341222100' }),

  'GET /departments': countyRead('department.read', '/departments'),
  'POST /departments': {
    may: 'department.manage',
    success: 201,
    cases: COUNTY_WIDE,
    call: async (w) => {
      const name = `矩阵局${w.builders.serial()}`;
      return {
        path: '/departments',
        body: { name, industries: [] },
        witness: createdWitness(w.admin, '/departments', 'name', name),
      };
    },
  },

  'GET /units': {
    may: 'unit.read',
    success: 200,
    call: async (w, role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      return { ...query, path: `/units${query.path}` };
    },
  },
  'POST /units': {
    may: 'unit.create',
    success: 201,
    call: async (w, role, c) => {
      const village = await w.village(role, c);
      const serial = w.builders.serial();
      return {
        path: '/units',
        body: {
          name: `矩阵厂${serial}`,
          creditCode: makeCreditCode('91341222', 8000 + serial),
          industry: 'gas',
          gridId: village.id,
        },
        reach: (p) => inScope(p, { gridPath: village.path }),
        missing: 400,
        witness: createdWitness(
          w.readerFor(c),
          `/units?grid=${village.id}&limit=100`,
          'name',
          `矩阵厂${serial}`,
        ),
      };
    },
  },
  'GET /units/{id}': unitRead(''),
  'GET /units/{id}/audit': unitRead('/audit'),
  'PATCH /units/{id}': {
    alone: true,
    may: 'unit.update',
    success: 200,
    call: async (w, role, c, reuse) => {
      const unit = await unitOf(w, role, c, reuse);
      return {
        path: `/units/${unit.id}`,
        body: { contact: { name: `矩阵${w.builders.serial()}` } },
        reach: (p) => inScope(p, unitTarget(unit)),
        witness: recordWitness(w.readerFor(c), `/units/${unit.id}`),
      };
    },
  },
  'POST /units/import': {
    may: 'unit.import',
    success: 200,
    cases: COUNTY_WIDE,
    call: async (w) => {
      const [township, village] = await Promise.all([
        w.admin.get(`/grids/${w.here.township1}`),
        w.admin.get(`/grids/${w.here.village1}`),
      ]);
      const serial = w.builders.serial();
      const csv = [
        'name,creditCode,industry,township,village',
        `矩阵导入厂${serial},${makeCreditCode('91341222', 9000 + serial)},gas,${township.body.name},${village.body.name}`,
      ].join('\n');
      return {
        path: '/units/import',
        rawBody: csv,
        headers: { 'content-type': 'text/csv' },
        witness: createdWitness(
          w.admin,
          `/units?grid=${w.here.village1}&limit=100`,
          'name',
          `矩阵导入厂${serial}`,
        ),
      };
    },
  },

  'GET /users': countyRead('user.read', '/users'),
  'POST /users': {
    may: 'user.manage',
    success: 201,
    cases: COUNTY_WIDE,
    call: async (w) => {
      const username = `matrix.${w.builders.serial()}`;
      return {
        path: '/users',
        body: {
          username,
          displayName: '矩阵',
          role: 'grid_member',
          scope: [`grid:${w.here.village1}`],
          password: 'Matrix-pass-2026',
        },
        witness: createdWitness(w.admin, '/users?limit=100', 'username', username),
      };
    },
  },
  'GET /users/{id}': {
    may: 'user.read',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => ({ path: `/users/${await personOf(w, c, reuse)}` }),
  },
  'PATCH /users/{id}': {
    may: 'user.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => {
      const id = await personOf(w, c, reuse);
      return {
        path: `/users/${id}`,
        body: { displayName: `矩阵${w.builders.serial()}` },
        witness: async () => (await w.readerFor(c).get(`/users/${id}`)).body,
      };
    },
  },

  'GET /settings': countyRead('settings.read', '/settings'),
  'PUT /settings': sameAgain('settings.manage', '/settings', 'settings'),
  'GET /knowledge/industries': countyRead(everyone, '/knowledge/industries'),
  'GET /knowledge/industries/{code}': countyRead(everyone, '/knowledge/industries/industry_trade_general'),
  'GET /knowledge/overrides': countyRead('knowledge.manage', '/knowledge/overrides'),
  'PUT /knowledge/overrides': sameAgain('knowledge.manage', '/knowledge/overrides', 'overrides'),

  'GET /login-events': countyRead('loginEvent.read', '/login-events?limit=5'),
  'GET /vendor-access-grants': countyRead('vendorGrant.manage', '/vendor-access-grants'),
  'POST /vendor-access-grants': {
    may: 'vendorGrant.manage',
    success: 201,
    cases: COUNTY_WIDE,
    call: async (w) => {
      const reason = `矩阵${w.builders.serial()}`;
      return {
        path: '/vendor-access-grants',
        body: { hours: 1, reason },
        witness: createdWitness(w.admin, '/vendor-access-grants', 'reason', reason),
      };
    },
  },
  'DELETE /vendor-access-grants/{id}': {
    may: 'vendorGrant.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => {
      // Each revoke ends a grant of its own; the vendor's own grant (the longest) is never the one revoked.
      const id = await reuse(`grant:${c}`, () => w.builders.grant(c === 'foreign'));
      return {
        path: `/vendor-access-grants/${id}`,
        witness: async () =>
          (await w.readerFor(c).get('/vendor-access-grants')).body.items.find(
            (grant: { id: string }) => grant.id === id,
          ),
      };
    },
  },

  'GET /notifications': countyRead(countyPeople, '/notifications'),
  'POST /notifications/{id}/read': {
    may: countyPeople,
    success: 200,
    call: async (w, role, c) => {
      const { notice, owner } = await noticeFor(w, role, c);
      return {
        path: `/notifications/${notice.id}/read`,
        // Someone else's notice answers as a missing one.
        reach: (p) => addressedTo(p, notice.recipient),
        outside: 404,
        // Read is per person: a refused caller leaves the notice as its owner sees it.
        witness: async () =>
          ((await owner()).find((item) => item.id === notice.id) as Notice & { read?: boolean })?.read,
      };
    },
  },
  'GET /notifications/unread-count': countyRead(countyPeople, '/notifications/unread-count'),
  'POST /notifications/read-all': {
    may: countyPeople,
    success: 200,
    cases: COUNTY_WIDE,
    // It reads every notice of the caller's inbox, which the per-notice row witnesses its refusals on.
    alone: true,
    call: async (w) => ({
      path: '/notifications/read-all',
      // The vendor, refused, leaves the county admin's (its grantor's) unread notices as they were.
      witness: async () => (await w.admin.get('/notifications/unread-count')).body,
    }),
  },
  'GET /assessments': countyRead('assessment.read', '/assessments'),
};

export function countyRead(may: Entry['may'], path: string): Entry {
  return { may, success: 200, cases: COUNTY_WIDE, call: async () => ({ path }) };
}

/** Saves the county-wide document as it stands: a new version for the permitted, nothing for the refused. */
export function sameAgain(
  may: Entry['may'],
  path: string,
  field: 'settings' | 'overrides' | 'channels',
): Entry {
  return {
    may,
    success: 200,
    cases: COUNTY_WIDE,
    call: async (w) => {
      const current = (await w.admin.get(path)).body;
      return {
        path,
        body: { [field]: current[field], version: current.version },
        witness: async () => (await w.admin.get(path)).body.version,
      };
    },
  };
}

/** A county admin's change to the role's grid (its refusals witnessed on the node's version and trail). */
export function gridWrite(tail: string, body: unknown): Entry {
  return {
    alone: true,
    may: 'grid.manage',
    success: 200,
    call: async (w, role, c) => {
      const grid = await w.grid(role, c);
      return {
        path: `/grids/${grid.id}${tail}`,
        body,
        reach: (p) => canSeeGrid(p, grid.path),
        witness: recordWitness(w.readerFor(c), `/grids/${grid.id}`),
      };
    },
  };
}

function gridRead(may: 'grid.read' | 'stats.read', tail: string): Entry {
  return {
    may,
    success: 200,
    call: async (w, role, c) => {
      const grid = await w.grid(role, c);
      return { path: `/grids/${grid.id}${tail}`, reach: (p) => canSeeGrid(p, grid.path) };
    },
  };
}

function unitRead(tail: string): Entry {
  return {
    may: 'unit.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const unit = await unitOf(w, role, c, reuse);
      return { path: `/units/${unit.id}${tail}`, reach: (p) => inScope(p, unitTarget(unit)) };
    },
  };
}

/** A person of the county to read and change: one the matrix made (in A), or B's grid member. */
export async function personOf(w: MatrixWorld, c: Case, reuse: Reuse): Promise<string> {
  return reuse(`person:${c}`, async () => {
    const reader = w.readerFor(c);
    if (c === 'foreign') {
      const people = (await reader.get('/users?limit=100')).body.items as { id: string; username: string }[];
      return people.find((person) => person.username === 'grid.member')!.id;
    }
    const created = await reader.post('/users', {
      username: `matrix.person.${w.builders.serial()}`,
      displayName: '矩阵人员',
      role: 'grid_member',
      scope: [`grid:${w.here.village2}`],
      password: 'Matrix-pass-2026',
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  });
}

interface Notice {
  id: string;
  recipient: { kind: string; id: string };
}
const addressedTo = (p: Principal, recipient: Notice['recipient']) =>
  p.grants.some((grant) => grant.kind === recipient.kind && grant.id === recipient.id);

/** A notice in the role's own inbox, one in someone else's, or one of county B; with its owner's inbox. */
async function noticeFor(
  w: MatrixWorld,
  role: Role,
  c: Case,
): Promise<{ notice: Notice; owner: () => Promise<Notice[]> }> {
  const inbox = (who: Role | 'member of B') => async () => {
    const answer =
      who === 'member of B'
        ? await w.memberOfB.get('/notifications?limit=100')
        : await w.as(who, 'GET', '/notifications?limit=100');
    expect(answer.status, `${who}'s inbox`).toBe(200);
    return answer.body.items as Notice[];
  };
  if (c === 'foreign') {
    const owner = inbox('member of B');
    return { notice: firstOf(await owner(), 'a notice of county B'), owner };
  }
  // The vendor is refused before any notice is looked at: any of the county's serves.
  const self: Role = role === 'vendor_operator' ? 'county_admin' : role;
  if (c === 'in') {
    const owner = inbox(self);
    return { notice: firstOf(await owner(), `a notice in ${self}'s inbox`), owner };
  }
  for (const other of ROLES.filter((person) => person !== self && person !== 'vendor_operator')) {
    const owner = inbox(other);
    const theirs = (await owner()).filter((notice) => !addressedTo(w.principals[self], notice.recipient));
    if (theirs.length > 0) return { notice: theirs[0]!, owner };
  }
  throw new Error(`no notice outside ${self}'s inboxes`);
}

function firstOf<T>(items: T[], what: string): T {
  expect(items.length, what).toBeGreaterThan(0);
  return items[0]!;
}
