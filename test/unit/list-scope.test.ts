import { assertMayList, ForbiddenError, type Grant, type Principal, type Role } from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

// A county with one township (t1) holding one village (v1), a second township (t2), one department (d1).
const TOWNSHIP = 'taihe/t1';
const VILLAGE = 'taihe/t1/v1';
const OTHER_TOWNSHIP = 'taihe/t2';

const GRANTS: Record<Role, Grant[]> = {
  vendor_operator: [],
  county_admin: [],
  department_officer: [{ kind: 'dept', id: 'd1' }],
  township_officer: [{ kind: 'grid', id: 't1' }],
  grid_member: [{ kind: 'grid', id: 'v1' }],
  unit_user: [{ kind: 'unit', id: 'u1' }],
};
const as = (role: Role): Principal => ({
  userId: role,
  username: role,
  tenant: 'taihe',
  role,
  grants: GRANTS[role],
});

const mayList = (role: Role, within: { path?: string; departmentId?: string }) => {
  try {
    assertMayList(as(role), within);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(ForbiddenError);
    return false;
  }
};

// Each row: the whole county, township t1, village v1, township t2, department d1, department d2.
const EXPECTED: Record<Role, boolean[]> = {
  vendor_operator: [false, false, false, false, false, false],
  county_admin: [true, true, true, true, true, true],
  department_officer: [false, false, false, false, true, false],
  township_officer: [false, true, true, false, false, false],
  grid_member: [false, false, true, false, false, false],
  unit_user: [false, false, false, false, false, false],
};

describe('assertMayList', () => {
  for (const role of Object.keys(EXPECTED) as Role[]) {
    it(`lets a ${role} list exactly the subtrees and departments their grants cover`, () => {
      expect([
        mayList(role, {}),
        mayList(role, { path: TOWNSHIP }),
        mayList(role, { path: VILLAGE }),
        mayList(role, { path: OTHER_TOWNSHIP }),
        mayList(role, { departmentId: 'd1' }),
        mayList(role, { departmentId: 'd2' }),
      ]).toEqual(EXPECTED[role]);
    });
  }

  it('refuses with the message the API answers', () => {
    expect(() => assertMayList(as('grid_member'), { path: TOWNSHIP })).toThrow(
      'List within your own grid or department.',
    );
  });
});
