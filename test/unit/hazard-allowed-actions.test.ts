import {
  allowedHazardActions,
  applyHazardAction,
  DEFAULT_SETTINGS,
  ESCALATION_LEVELS,
  type Grant,
  HAZARD_ACTIONS,
  HAZARD_STATUSES,
  type Hazard,
  newHazard,
  type Photo,
  type Principal,
  ROLES,
  type Role,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const NOW = new Date('2026-10-10T00:00:00.000Z');
const COUNTY = '01JD5Y7ZK3QF8W0M2N4P6R8T01';
const TOWNSHIP = '01JD5Y7ZK3QF8W0M2N4P6R8T02';
const VILLAGE = '01JD5Y7ZK3QF8W0M2N4P6R8T03';
const UNIT = '01JD5Y7ZK3QF8W0M2N4P6R8T04';
const DEPARTMENT = '01JD5Y7ZK3QF8W0M2N4P6R8T05';
const OTHER = '01JD5Y7ZK3QF8W0M2N4P6R8T06';

/** Each role with the grant that puts this hazard in its area (the county admin needs none). */
const GRANT: Record<Role, Grant | undefined> = {
  vendor_operator: { kind: 'grid', id: COUNTY },
  county_admin: undefined,
  department_officer: { kind: 'dept', id: DEPARTMENT },
  township_officer: { kind: 'grid', id: TOWNSHIP },
  grid_member: { kind: 'grid', id: VILLAGE },
  unit_user: { kind: 'unit', id: UNIT },
};
const person = (role: Role, grants = GRANT[role] ? [GRANT[role]] : []): Principal => ({
  userId: role,
  username: role,
  tenant: 'taihe',
  role,
  grants,
});

const fix: Photo = {
  id: '01JD5Y7ZK3QF8W0M2N4P6R8T0W',
  key: `t/taihe/hazards/${UNIT}/fix.jpg`,
  contentType: 'image/jpeg',
  size: 10,
  sha256: 'a'.repeat(64),
  status: 'verified',
  requestedAt: NOW.toISOString(),
  verifiedAt: NOW.toISOString(),
};

/** A hazard in the given state; a rectified or closed one was reported rectified by `rectifiedBy`. */
function hazard(patch: Partial<Hazard> & { rectifiedBy?: string } = {}): Hazard {
  const { rectifiedBy = 'someone.else', ...rest } = patch;
  const base = newHazard(
    {
      id: UNIT,
      title: '静电接地损坏',
      severity: rest.severity ?? 'general',
      source: 'direct',
      unit: {
        id: UNIT,
        name: '恒达加油站',
        industry: 'gas_station',
        gridId: VILLAGE,
        gridPath: `${COUNTY}/${TOWNSHIP}/${VILLAGE}`,
        departmentId: DEPARTMENT,
      },
    },
    DEFAULT_SETTINGS,
    NOW,
    'reporter',
  );
  const reported = rest.status === 'rectified' || rest.status === 'closed';
  return {
    ...base,
    photos: [fix],
    ...(reported
      ? { rectification: { note: '已更换', photoIds: [fix.id], at: NOW.toISOString(), by: rectifiedBy } }
      : {}),
    ...rest,
  };
}

/** Whether the state machine accepts the step from this person, given a complete, valid input. */
function accepts(
  h: Hazard,
  action: (typeof HAZARD_ACTIONS)[number],
  principal: Principal,
  settings = DEFAULT_SETTINGS,
) {
  try {
    applyHazardAction(
      h,
      action,
      { principal, now: NOW, settings },
      {
        note: '已整改',
        reason: '复查',
        photoIds: [fix.id],
        ...{ responsibility: '站长', measures: '更换', funds: 1, deadline: '2026-12-31', plan: '停业' },
      },
    );
    return true;
  } catch {
    return false;
  }
}

const ONE_PERSON_TOWNSHIPS = { ...DEFAULT_SETTINGS, reviews: { allowSinglePersonTownship: true } };

describe('what a person may do with a hazard', () => {
  it('offers exactly the steps the state machine accepts, for every role, status, severity, level, listing and reporter', () => {
    let cases = 0;
    let offered = 0;
    for (const role of ROLES)
      for (const status of HAZARD_STATUSES)
        for (const severity of ['general', 'major'] as const)
          for (const supervised of [false, true])
            for (const level of ESCALATION_LEVELS)
              for (const rectifiedBy of ['someone.else', role])
                for (const settings of [DEFAULT_SETTINGS, ONE_PERSON_TOWNSHIPS]) {
                  const h = hazard({ status, severity, supervised, level, rectifiedBy });
                  const principal = person(role);
                  const expected = HAZARD_ACTIONS.filter((action) => accepts(h, action, principal, settings));
                  expect(
                    allowedHazardActions(h, principal, settings),
                    `${role} on ${JSON.stringify({ status, severity, supervised, level, rectifiedBy })}`,
                  ).toEqual(expected);
                  cases++;
                  offered += expected.length;
                }
    // The sweep covers every combination and both sides: steps offered and steps refused.
    expect(cases).toBe(ROLES.length * 4 * 2 * 2 * 3 * 2 * 2);
    expect(offered).toBeGreaterThan(0);
    expect(offered).toBeLessThan(cases * HAZARD_ACTIONS.length);
  });

  it('offers a township officer verify, reject and escalate on a rectification someone else reported', () => {
    expect(
      allowedHazardActions(hazard({ status: 'rectified' }), person('township_officer'), DEFAULT_SETTINGS),
    ).toEqual(['verify', 'reject', 'escalate']);
  });

  it('offers the officer who reported a rectification no verify or reject, unless the county allows one-person townships', () => {
    const own = hazard({ status: 'rectified', rectifiedBy: 'township_officer' });
    expect(allowedHazardActions(own, person('township_officer'), DEFAULT_SETTINGS)).toEqual(['escalate']);
    expect(allowedHazardActions(own, person('township_officer'), ONE_PERSON_TOWNSHIPS)).toEqual([
      'verify',
      'reject',
      'escalate',
    ]);
  });

  it('leaves a listed hazard’s rectification to the county admin: reject it, or accept it once the listing is complete', () => {
    const listed = hazard({ status: 'rectified', severity: 'major', supervised: true, level: 'county' });
    expect(allowedHazardActions(listed, person('township_officer'), DEFAULT_SETTINGS)).toEqual([]);
    // Listed before the register: its 五落实 are to be completed (listing again) before it can be accepted.
    expect(allowedHazardActions(listed, person('county_admin'), DEFAULT_SETTINGS)).toEqual([
      'reject',
      'supervise',
    ]);
    const complete = {
      ...listed,
      supervision: {
        ...{ responsibility: '站长', measures: '更换', funds: 1, deadline: '2026-12-31', plan: '停业' },
        stage: 'listed' as const,
        listedAt: listed.createdAt,
        listedBy: 'county_admin',
      },
    };
    expect(allowedHazardActions(complete, person('county_admin'), DEFAULT_SETTINGS)).toEqual([
      'reject',
      'accept',
    ]);
  });

  it('offers a grid member the on-site resolution of a general hazard only, and a unit no verification', () => {
    expect(allowedHazardActions(hazard(), person('grid_member'), DEFAULT_SETTINGS)).toEqual([
      'start',
      'report-rectified',
      'resolve-on-site',
    ]);
    expect(
      allowedHazardActions(hazard({ severity: 'major' }), person('grid_member'), DEFAULT_SETTINGS),
    ).toEqual(['start', 'report-rectified']);
    expect(
      allowedHazardActions(hazard({ status: 'rectified' }), person('unit_user'), DEFAULT_SETTINGS),
    ).toEqual([]);
  });

  it('offers nothing on a closed hazard, to a reader, or outside the person’s area', () => {
    for (const role of ROLES)
      expect(allowedHazardActions(hazard({ status: 'closed' }), person(role), DEFAULT_SETTINGS)).toEqual([]);
    expect(allowedHazardActions(hazard(), person('vendor_operator'), DEFAULT_SETTINGS)).toEqual([]);
    const elsewhere = person('grid_member', [{ kind: 'grid', id: OTHER }]);
    expect(allowedHazardActions(hazard(), elsewhere, DEFAULT_SETTINGS)).toEqual([]);
  });
});
