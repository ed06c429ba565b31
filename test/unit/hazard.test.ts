import {
  applyHazardAction,
  DEFAULT_SETTINGS,
  type Hazard,
  type HazardAction,
  hasCapability,
  newHazard,
  type Photo,
  type Principal,
  type Role,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const NOW = new Date('2026-10-10T00:00:00.000Z');
const ID = '01JD5Y7ZK3QF8W0M2N4P6R8T0V';
const as = (role: Role): Principal => ({ userId: role, username: role, tenant: 'taihe', role, grants: [] });
const photo: Photo = {
  id: '01JD5Y7ZK3QF8W0M2N4P6R8T0W',
  key: `t/taihe/hazards/${ID}/p.jpg`,
  contentType: 'image/jpeg',
  size: 10,
  sha256: 'a'.repeat(64),
  status: 'verified',
  requestedAt: NOW.toISOString(),
};

function hazard(severity: 'general' | 'major' = 'general', patch: Partial<Hazard> = {}): Hazard {
  const unit = {
    id: ID,
    name: '恒达加油站',
    industry: 'gas_station',
    gridId: ID,
    gridPath: `${ID}/${ID}/${ID}`,
  };
  return {
    ...newHazard(
      { id: ID, title: '静电接地损坏', severity, unit, source: 'direct', photos: [photo] },
      DEFAULT_SETTINGS,
      NOW,
      'grid.member',
    ),
    ...patch,
  };
}
const act = (h: Hazard, action: HazardAction, role: Role, input = {}) =>
  applyHazardAction(h, action, { principal: as(role), now: NOW, settings: DEFAULT_SETTINGS }, input);

describe('the hazard work order', () => {
  it('walks open → rectifying → rectified → closed', () => {
    const started = act(hazard(), 'start', 'unit_user');
    expect(started.status).toBe('rectifying');
    const reported = act(started, 'report-rectified', 'unit_user', { note: '已更换', photoIds: [photo.id] });
    expect(reported).toMatchObject({
      status: 'rectified',
      rectification: { note: '已更换', photoIds: [photo.id] },
    });
    const closed = act(reported, 'verify', 'township_officer');
    expect(closed).toMatchObject({ status: 'closed', resolution: { how: 'verified' } });
    expect(closed.escalateAt).toBeUndefined();
  });

  it('sends a rejected rectification back to rectifying with the reason', () => {
    const reported = act(hazard(), 'report-rectified', 'unit_user', { note: '已更换', photoIds: [photo.id] });
    const rejected = act(reported, 'reject', 'department_officer', { reason: '未见检测报告' });
    expect(rejected).toMatchObject({ status: 'rectifying', rejectReason: '未见检测报告', rejections: 1 });
  });

  it('refuses a rectification report without a confirmed photo, naming the field', () => {
    expect(() => act(hazard(), 'report-rectified', 'unit_user', { note: '已更换', photoIds: [] })).toThrow(
      expect.objectContaining({
        problems: [{ path: 'photoIds', message: 'name at least one confirmed photo' }],
      }),
    );
  });

  it('lets a grid member resolve a general hazard on the spot, but not a major one', () => {
    expect(
      act(hazard(), 'resolve-on-site', 'grid_member', { note: '当场整改', photoIds: [photo.id] }),
    ).toMatchObject({
      status: 'closed',
      resolution: { how: 'on_site' },
    });
    expect(() =>
      act(hazard('major'), 'resolve-on-site', 'grid_member', { note: 'x', photoIds: [photo.id] }),
    ).toThrow(/verified/);
    expect(() => act(hazard(), 'resolve-on-site', 'unit_user', { note: 'x', photoIds: [photo.id] })).toThrow(
      /grid member/,
    );
  });

  it('refuses verification by a unit or a grid member, and of a listed hazard by anyone but the county', () => {
    const reported = act(hazard('major'), 'report-rectified', 'unit_user', {
      note: 'x',
      photoIds: [photo.id],
    });
    expect(() => act(reported, 'verify', 'unit_user')).toThrow(/may not verify/);
    expect(() => act(reported, 'verify', 'grid_member')).toThrow(/may not verify/);
    const listed = act(act(hazard('major'), 'supervise', 'county_admin'), 'report-rectified', 'unit_user', {
      note: 'x',
      photoIds: [photo.id],
    });
    expect(() => act(listed, 'verify', 'township_officer')).toThrow(/county/);
    expect(act(listed, 'verify', 'county_admin').status).toBe('closed');
  });

  it('refuses steps the state does not allow with a conflict', () => {
    expect(() => act(hazard(), 'verify', 'township_officer')).toThrow(
      expect.objectContaining({ code: 'wrong_state' }),
    );
    const closed = act(hazard(), 'resolve-on-site', 'grid_member', { note: 'x', photoIds: [photo.id] });
    expect(() => act(closed, 'escalate', 'county_admin')).toThrow(
      expect.objectContaining({ code: 'wrong_state' }),
    );
    expect(() => act(hazard(), 'supervise', 'county_admin')).toThrow(/major/);
  });

  it('raises a hazard one level by hand and refuses to go past the county', () => {
    const township = act(hazard(), 'escalate', 'township_officer');
    expect(township).toMatchObject({ level: 'township', escalationStep: 1 });
    const county = act(township, 'escalate', 'department_officer');
    expect(county.level).toBe('county');
    expect(() => act(county, 'escalate', 'county_admin')).toThrow(/already at the county/);
  });

  it('gives listed supervision to the county admin alone', () => {
    expect(hasCapability(as('county_admin'), 'hazard.supervise')).toBe(true);
    for (const role of ['township_officer', 'department_officer', 'grid_member', 'unit_user'] as const) {
      expect(hasCapability(as(role), 'hazard.supervise')).toBe(false);
    }
    expect(act(hazard('major'), 'supervise', 'county_admin')).toMatchObject({
      supervised: true,
      level: 'county',
    });
  });
});
