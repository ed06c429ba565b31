import {
  applyHazardAction,
  DEFAULT_SETTINGS,
  type Hazard,
  type HazardAction,
  hasCapability,
  isSinglePersonVerification,
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
  verifiedAt: NOW.toISOString(),
};

function hazard(severity: 'general' | 'major' = 'general', patch: Partial<Hazard> = {}): Hazard {
  const unit = {
    id: ID,
    name: '恒达加油站',
    industry: 'gas_station',
    gridId: ID,
    gridPath: `${ID}/${ID}/${ID}`,
  };
  // `photo` is confirmed on the hazard after it was reported: evidence a fix may name.
  return {
    ...newHazard(
      { id: ID, title: '静电接地损坏', severity, unit, source: 'direct' },
      DEFAULT_SETTINGS,
      NOW,
      'grid.member',
    ),
    photos: [photo],
    ...patch,
  };
}
const act = (h: Hazard, action: HazardAction, role: Role, input = {}, settings = DEFAULT_SETTINGS) =>
  applyHazardAction(h, action, { principal: as(role), now: NOW, settings }, input);
/** A listing's 五落实 (挂牌督办). */
const FIVE = {
  responsibility: '站长',
  measures: '更换接地',
  funds: 5000,
  deadline: '2026-12-31',
  plan: '停业',
};

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
    const listed = act(
      act(hazard('major'), 'supervise', 'county_admin', FIVE),
      'report-rectified',
      'unit_user',
      {
        note: 'x',
        photoIds: [photo.id],
      },
    );
    expect(() => act(listed, 'verify', 'township_officer')).toThrow(/county/);
    // The county closes a listed hazard by acceptance and 销号, not by verification.
    expect(() => act(listed, 'verify', 'county_admin')).toThrow(/acceptance/);
    expect(act(act(listed, 'accept', 'county_admin'), 'delist', 'county_admin').status).toBe('closed');
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
    expect(act(hazard('major'), 'supervise', 'county_admin', FIVE)).toMatchObject({
      supervised: true,
      level: 'county',
    });
  });

  it('never lets the person who reported a rectification verify or reject it', () => {
    const reported = act(hazard(), 'report-rectified', 'township_officer', {
      note: 'x',
      photoIds: [photo.id],
    });
    for (const action of ['verify', 'reject'] as const)
      expect(() => act(reported, action, 'township_officer', { reason: 'x' })).toThrow(
        expect.objectContaining({ code: 'same_person' }),
      );
    expect(act(reported, 'verify', 'county_admin').status).toBe('closed');
  });

  it('lets a one-person township verify its own report only where the county allows it', () => {
    const reported = act(hazard(), 'report-rectified', 'township_officer', {
      note: 'x',
      photoIds: [photo.id],
    });
    const allowing = { ...DEFAULT_SETTINGS, reviews: { allowSinglePersonTownship: true } };
    expect(act(reported, 'verify', 'township_officer', {}, allowing).status).toBe('closed');
    expect(isSinglePersonVerification(reported, as('township_officer'), allowing)).toBe(true);
    expect(isSinglePersonVerification(reported, as('township_officer'), DEFAULT_SETTINGS)).toBe(false);
  });

  it('leaves a hazard escalated to the county to the county admin or the department, setting or not', () => {
    const atCounty = act(act(hazard('major'), 'escalate', 'county_admin'), 'report-rectified', 'unit_user', {
      note: 'x',
      photoIds: [photo.id],
    });
    expect(atCounty.level).toBe('county');
    const allowing = { ...DEFAULT_SETTINGS, reviews: { allowSinglePersonTownship: true } };
    expect(() => act(atCounty, 'verify', 'township_officer', {}, allowing)).toThrow(
      expect.objectContaining({ code: 'escalated_to_county' }),
    );
    expect(act(atCounty, 'verify', 'department_officer').status).toBe('closed');
  });

  it('refuses as evidence of a fix the report’s photo, the same file under another id, or a photo older than the report', () => {
    const finding: Photo = {
      ...photo,
      id: '01JD5Y7ZK3QF8W0M2N4P6R8T1A',
      purpose: 'finding',
      key: 'k1',
      sha256: 'b'.repeat(64),
    };
    const copy: Photo = { ...photo, id: '01JD5Y7ZK3QF8W0M2N4P6R8T1B', key: 'k2', sha256: 'b'.repeat(64) };
    const older: Photo = {
      ...photo,
      id: '01JD5Y7ZK3QF8W0M2N4P6R8T1C',
      key: 'k3',
      sha256: 'c'.repeat(64),
      verifiedAt: '2026-10-09T00:00:00.000Z',
    };
    const h = hazard('general', { photos: [finding, copy, older, photo] });
    expect(() =>
      act(h, 'resolve-on-site', 'grid_member', { note: 'x', photoIds: [finding.id, copy.id, older.id] }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          { path: 'photoIds.0', message: 'shows the problem as reported, not its fix' },
          { path: 'photoIds.1', message: 'shows the problem as reported, not its fix' },
          { path: 'photoIds.2', message: 'was confirmed before the hazard was reported' },
        ],
      }),
    );
    expect(act(h, 'resolve-on-site', 'grid_member', { note: 'x', photoIds: [photo.id] }).status).toBe(
      'closed',
    );
  });

  it('keeps a patrol’s photos as the finding of the hazard it opens', () => {
    const unit = { id: ID, name: 'x', industry: 'gas', gridId: ID, gridPath: ID };
    const made = newHazard(
      { id: ID, title: 'x', severity: 'general', unit, source: 'patrol', photos: [photo] },
      DEFAULT_SETTINGS,
      NOW,
      'grid.member',
    );
    expect(made.photos.map((p) => p.purpose)).toEqual(['finding']);
  });
});
