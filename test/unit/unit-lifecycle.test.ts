import {
  type AssessmentRecords,
  allowedUnitStatuses,
  assessQuarter,
  nextUnitStatus,
  type Patrol,
  type Principal,
  patrolFigures,
  publicBoardOf,
  type RiskPoint,
  reinstatedPatrol,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const C = 'C0000000000000000000000000';
const T = 'T1000000000000000000000000';
const V = `${C}/${T}/V1000000000000000000000000`;
const target = { gridPath: V, unitId: 'u1' };
const now = new Date('2026-12-06T02:00:00.000Z');
const person = (role: Principal['role'], grants: Principal['grants']): Principal => ({
  userId: role,
  username: role,
  tenant: 'taihe',
  role,
  grants,
});
const township = person('township_officer', [{ kind: 'grid', id: T }]);
const member = person('grid_member', [{ kind: 'grid', id: 'V1000000000000000000000000' }]);
const countyAdmin = person('county_admin', []);

describe('a unit’s status', () => {
  it('lets the township suspend a unit in its villages with a reason, dated by the clock it is given', () => {
    expect(
      nextUnitStatus({}, { status: 'suspended', statusReason: '停产整顿' }, township, target, now),
    ).toEqual({
      status: 'suspended',
      statusReason: '停产整顿',
      statusChangedAt: now.toISOString(),
    });
  });

  it('asks why a unit stops being active, but not why it reopens', () => {
    expect(() => nextUnitStatus({}, { status: 'closed' }, township, target, now)).toThrow(
      expect.objectContaining({
        problems: [{ path: 'statusReason', message: expect.stringMatching(/why/) }],
      }),
    );
    expect(nextUnitStatus({ status: 'closed' }, { status: 'active' }, township, target, now).status).toBe(
      'active',
    );
  });

  it('refuses the grid member, a township outside the unit, and any step after deregistration', () => {
    const body = { status: 'closed' as const, statusReason: '取缔' };
    expect(() => nextUnitStatus({}, body, member, target, now)).toThrow(/may not/);
    const elsewhere = { gridPath: `${C}/T2000000000000000000000000/V2`, unitId: 'u2' };
    expect(() => nextUnitStatus({}, body, township, elsewhere, now)).toThrow(/outside/);
    expect(() =>
      nextUnitStatus({ status: 'deregistered' }, { status: 'active' }, countyAdmin, target, now),
    ).toThrow(/cannot become/);
    expect(() =>
      nextUnitStatus({ status: 'suspended' }, { ...body, status: 'suspended' }, countyAdmin, target, now),
    ).toThrow(/already/);
  });

  it('offers each person the steps they may take from the unit’s status', () => {
    expect(allowedUnitStatuses({}, township, target)).toEqual(['suspended', 'closed', 'deregistered']);
    expect(allowedUnitStatuses({ status: 'closed' }, countyAdmin, target)).toEqual([
      'active',
      'deregistered',
    ]);
    expect(allowedUnitStatuses({}, member, target)).toEqual([]);
    expect(allowedUnitStatuses({ status: 'deregistered' }, countyAdmin, target)).toEqual([]);
  });
});

describe('what a unit that is not active counts for', () => {
  const records: AssessmentRecords = {
    townships: [{ id: T, name: '城关镇' }],
    departments: [],
    units: [
      { id: 'u1', gridPath: V, createdAt: '2026-01-01T00:00:00.000Z' },
      { id: 'u2', gridPath: V, createdAt: '2026-01-01T00:00:00.000Z', status: 'active' },
      { id: 'u3', gridPath: V, createdAt: '2026-01-01T00:00:00.000Z', status: 'suspended' },
      { id: 'u4', gridPath: V, createdAt: '2026-01-01T00:00:00.000Z', status: 'closed' },
    ],
    riskPoints: [],
    patrols: [
      { gridPath: V, dueAt: '2026-11-01T00:00:00.000Z', status: 'scheduled' },
      { gridPath: V, dueAt: '2026-11-02T00:00:00.000Z', status: 'cancelled' },
    ],
    hazards: [],
  };

  it('assesses only the active units (and units stored before the lifecycle) and no cancelled patrol', () => {
    const [row] = assessQuarter('2026Q4', records).rows;
    expect(row).toMatchObject({ units: 2, patrolsDue: 1 });
  });

  it('takes a cancelled patrol out of the patrols due, and brings it back due no earlier than the reopening', () => {
    expect(patrolFigures({ status: 'cancelled', dueAt: '2026-11-02T00:00:00.000Z' }).flows).toEqual([]);
    const cancelled = {
      status: 'cancelled',
      cancelledAt: '2026-11-01T00:00:00.000Z',
      dueAt: '2026-11-02T00:00:00.000Z',
    } as Patrol;
    const back = reinstatedPatrol(cancelled, now);
    expect(back).toMatchObject({ status: 'scheduled', dueAt: now.toISOString() });
    expect(back.cancelledAt).toBeUndefined();
    const later = reinstatedPatrol({ ...cancelled, dueAt: '2027-01-01T00:00:00.000Z' }, now);
    expect(later.dueAt).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('the public notice board', () => {
  it('carries the board’s fields and nothing of the register', () => {
    const point = {
      id: 'p1',
      name: '液氨储罐',
      color: 'red',
      hazardFactors: ['泄漏'],
      accidentTypes: ['中毒'],
      controlMeasures: ['巡检'],
      emergencyMeasures: ['疏散'],
      responsiblePerson: { name: '张三', phone: '13800000000' },
      emergencyPhone: '0558-8612345',
      unitId: 'u1',
      unitName: '某厂',
      createdBy: 'someone',
      photos: [{ id: 'x' }],
    } as unknown as RiskPoint;
    expect(Object.keys(publicBoardOf(point)).sort()).toEqual([
      'accidentTypes',
      'color',
      'controlMeasures',
      'emergencyMeasures',
      'emergencyPhone',
      'hazardFactors',
      'id',
      'name',
      'responsiblePerson',
    ]);
  });
});
