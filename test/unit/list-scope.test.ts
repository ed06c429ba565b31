import {
  coversWholeCounty,
  ForbiddenError,
  type Grant,
  type GridNode,
  type ListedRecords,
  type ListLookups,
  type ListRequest,
  type ListScope,
  listScope,
  NotFoundError,
  type Principal,
  ROLES,
  type Role,
  scopeFilter,
  ValidationError,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

// A county (taihe) with township t1 holding village v1, township t2 holding village v2, departments d1 and d2.
// Unit u1 sits in v1 under d1, unit u2 in v2 under d2.
const PATHS: Record<string, string> = {
  taihe: 'taihe',
  t1: 'taihe/t1',
  v1: 'taihe/t1/v1',
  t2: 'taihe/t2',
  v2: 'taihe/t2/v2',
};
const UNITS = {
  u1: { id: 'u1', gridPath: PATHS.v1!, departmentId: 'd1' },
  u2: { id: 'u2', gridPath: PATHS.v2!, departmentId: 'd2' },
};
const lookups: ListLookups = {
  grid: async (id) => (PATHS[id] ? ({ id, path: PATHS[id] } as GridNode) : undefined),
  unit: async (id) => UNITS[id as keyof typeof UNITS],
};

const GRANTS: Record<Role, Grant[]> = {
  // Under a county admin's grant the vendor holds the county's root grid.
  vendor_operator: [{ kind: 'grid', id: 'taihe' }],
  county_admin: [],
  department_officer: [{ kind: 'dept', id: 'd1' }],
  township_officer: [{ kind: 'grid', id: 't1' }],
  grid_member: [{ kind: 'grid', id: 'v1' }],
  unit_user: [{ kind: 'unit', id: 'u1' }],
};
const as = (role: Role, grants = GRANTS[role]): Principal => ({
  userId: role,
  username: role,
  tenant: 'taihe',
  role,
  grants,
});

/** A scope or the refusal, as one line: `subtree taihe/t1 d1`, `unit u1 taihe/t1/v1`, `403`. */
async function outcome(principal: Principal, request: ListRequest, records?: ListedRecords) {
  try {
    return show(await listScope(principal, request, lookups, records));
  } catch (error) {
    if (error instanceof ForbiddenError) return '403';
    if (error instanceof ValidationError) return '400';
    if (error instanceof NotFoundError) return '404';
    throw error;
  }
}
function show(scope: ListScope): string {
  switch (scope.kind) {
    case 'county':
      return 'county';
    case 'department':
      return `department ${scope.departmentId}`;
    case 'unit':
      return `unit ${scope.unitId} ${scope.path}`;
    case 'subtree':
      return ['subtree', scope.path, scope.departmentId].filter(Boolean).join(' ');
  }
}

const REQUESTS: [string, ListRequest][] = [
  ['nothing', {}],
  ['township t1', { grid: 't1' }],
  ['village v1', { grid: 'v1' }],
  ['township t2', { grid: 't2' }],
  ['department d1', { department: 'd1' }],
  ['department d2', { department: 'd2' }],
  ['t1 of d1', { grid: 't1', department: 'd1' }],
  ['t2 of d1', { grid: 't2', department: 'd1' }],
  ['unit u1', { unit: 'u1' }],
  ['unit u2', { unit: 'u2' }],
  ['unit u2 in t1', { unit: 'u2', grid: 't1' }],
];

const U1 = 'unit u1 taihe/t1/v1';
const U2 = 'unit u2 taihe/t2/v2';
const EXPECTED: Record<Role, string[]> = {
  vendor_operator: [
    'subtree taihe',
    'subtree taihe/t1',
    'subtree taihe/t1/v1',
    'subtree taihe/t2',
    '403',
    '403',
    'subtree taihe/t1 d1',
    'subtree taihe/t2 d1',
    U1,
    U2,
    U2,
  ],
  county_admin: [
    'county',
    'subtree taihe/t1',
    'subtree taihe/t1/v1',
    'subtree taihe/t2',
    'department d1',
    'department d2',
    'subtree taihe/t1 d1',
    'subtree taihe/t2 d1',
    U1,
    U2,
    U2,
  ],
  department_officer: [
    'department d1',
    '403',
    '403',
    '403',
    'department d1',
    '403',
    'subtree taihe/t1 d1',
    'subtree taihe/t2 d1',
    U1,
    '403',
    '403',
  ],
  township_officer: [
    'subtree taihe/t1',
    'subtree taihe/t1',
    'subtree taihe/t1/v1',
    '403',
    '403',
    '403',
    'subtree taihe/t1 d1',
    '403',
    U1,
    '403',
    '403',
  ],
  grid_member: [
    'subtree taihe/t1/v1',
    '403',
    'subtree taihe/t1/v1',
    '403',
    '403',
    '403',
    '403',
    '403',
    U1,
    '403',
    '403',
  ],
  unit_user: [U1, '403', '403', '403', '403', '403', '403', '403', U1, '403', '403'],
};

describe('listScope', () => {
  it('has an expected outcome for every role', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ROLES].sort());
  });

  for (const role of ROLES) {
    it(`gives a ${role} exactly the places their grants cover, for every kind of request`, async () => {
      const outcomes = await Promise.all(REQUESTS.map(([, request]) => outcome(as(role), request)));
      expect(Object.fromEntries(REQUESTS.map(([name], i) => [name, outcomes[i]]))).toEqual(
        Object.fromEntries(REQUESTS.map(([name], i) => [name, EXPECTED[role][i]])),
      );
    });

    it(`answers 404 to a ${role} naming a grid or unit the county does not have`, async () => {
      expect(await outcome(as(role), { grid: 'nowhere' })).toBe('404');
      expect(await outcome(as(role), { unit: 'nobody' })).toBe('404');
    });
  }

  it('lets a department officer read the whole grid tree, which has no departments', async () => {
    const officer = as('department_officer');
    expect(await outcome(officer, {}, 'grid-nodes')).toBe('county');
    expect(await outcome(officer, { grid: 't2' }, 'grid-nodes')).toBe('subtree taihe/t2');
    expect(await outcome(as('township_officer'), { grid: 't2' }, 'grid-nodes')).toBe('403');
  });

  it('asks a person who works more than one place to name the one to list', async () => {
    const twoTownships = as('township_officer', [
      { kind: 'grid', id: 't1' },
      { kind: 'grid', id: 't2' },
    ]);
    await expect(listScope(twoTownships, {}, lookups)).rejects.toMatchObject({
      problems: [{ path: 'query.grid', message: 'name the grid (or department) to list' }],
    });
    expect(await outcome(twoTownships, { grid: 't2' })).toBe('subtree taihe/t2');
    expect(await outcome(as('department_officer', []), {})).toBe('400');
    expect(await outcome(as('unit_user', []), {})).toBe('400');
  });

  it('keeps a unit user with two units on the first unless they name the other', async () => {
    const twoUnits = as('unit_user', [
      { kind: 'unit', id: 'u1' },
      { kind: 'unit', id: 'u2' },
    ]);
    expect(await outcome(twoUnits, {})).toBe(U1);
    expect(await outcome(twoUnits, { unit: 'u2' })).toBe(U2);
  });

  it('refuses with the messages the API answers', async () => {
    await expect(listScope(as('grid_member'), { grid: 't1' }, lookups)).rejects.toThrow(
      'List within your own grid or department.',
    );
    await expect(listScope(as('grid_member'), { unit: 'u2' }, lookups)).rejects.toThrow(
      'This unit is outside your area.',
    );
  });
});

describe('scopeFilter', () => {
  it('turns each scope into the filters a repository list takes', () => {
    expect(scopeFilter({ kind: 'county', path: '' })).toEqual({ withinPath: '' });
    expect(scopeFilter({ kind: 'subtree', path: 'taihe/t1' })).toEqual({ withinPath: 'taihe/t1' });
    expect(scopeFilter({ kind: 'subtree', path: 'taihe/t1', departmentId: 'd1' })).toEqual({
      withinPath: 'taihe/t1',
      departmentId: 'd1',
    });
    expect(scopeFilter({ kind: 'department', path: '', departmentId: 'd1' })).toEqual({
      withinPath: '',
      departmentId: 'd1',
    });
    expect(scopeFilter({ kind: 'unit', path: 'taihe/t1/v1', unitId: 'u1' })).toEqual({
      withinPath: 'taihe/t1/v1',
      unitId: 'u1',
    });
  });
});

describe('coversWholeCounty', () => {
  it('is the county admin alone for records, and the department officer too for the grid tree', () => {
    const covers = (records: ListedRecords) => ROLES.filter((role) => coversWholeCounty(as(role), records));
    expect(covers('records')).toEqual(['county_admin']);
    expect(covers('grid-nodes')).toEqual(['county_admin', 'department_officer']);
  });
});
