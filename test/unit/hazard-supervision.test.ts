import {
  applyHazardAction,
  DEFAULT_SETTINGS,
  type Hazard,
  type HazardAction,
  type HazardActionInput,
  newHazard,
  type Photo,
  type Principal,
  type Role,
  supervisionAgeDays,
  supervisionIncomplete,
  ValidationError,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const NOW = new Date('2026-12-01T02:00:00.000Z');
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
const FIVE = {
  responsibility: '石料厂法定代表人',
  measures: '削坡减载',
  funds: 350000,
  deadline: '2027-03-31',
  plan: '雨天停产，坡脚警戒',
};

function major(patch: Partial<Hazard> = {}): Hazard {
  const unit = { id: ID, name: '石料厂', industry: 'mining', gridId: ID, gridPath: `${ID}/${ID}/${ID}` };
  return {
    ...newHazard(
      { id: ID, title: '边坡超高超陡', severity: 'major', unit, source: 'direct' },
      DEFAULT_SETTINGS,
      NOW,
      'grid.member',
    ),
    photos: [photo],
    ...patch,
  };
}
const act = (h: Hazard, action: HazardAction, role: Role = 'county_admin', input: HazardActionInput = {}) =>
  applyHazardAction(h, action, { principal: as(role), now: NOW, settings: DEFAULT_SETTINGS }, input);
const rectified = (h: Hazard) =>
  act(h, 'report-rectified', 'unit_user', { note: '已削坡', photoIds: [photo.id] });

describe('挂牌督办: listing a major hazard with its 五落实', () => {
  it('lists a major hazard with its five commitments and its 督办单 number, taking it to the county', () => {
    const listed = act(major(), 'supervise', 'county_admin', { ...FIVE, supervisionNumber: '2026-001' });
    expect(listed).toMatchObject({
      supervised: true,
      level: 'county',
      supervision: { ...FIVE, number: '2026-001', stage: 'listed', listedBy: 'county_admin' },
    });
  });

  it('names every missing commitment when a listing comes without them (a phone’s write queued before they existed)', () => {
    let caught: unknown;
    try {
      act(major(), 'supervise', 'county_admin', { reason: '县安委办挂牌督办' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).problems.map((p) => p.path)).toEqual([
      'responsibility',
      'measures',
      'funds',
      'deadline',
      'plan',
    ]);
    expect(() => act(major(), 'supervise', 'county_admin', { ...FIVE, plan: '  ' })).toThrow(ValidationError);
  });

  it('completes a listing made before the register (its fields 待补充) by listing it again, and refuses a second complete listing', () => {
    const old = major({ supervised: true, supervisedAt: '2026-11-01T02:00:00.000Z', level: 'county' });
    expect(supervisionIncomplete(old)).toBe(true);
    const completed = act(old, 'supervise', 'county_admin', { ...FIVE, supervisionNumber: '2026-002' });
    expect(completed.supervision).toMatchObject({
      ...FIVE,
      listedAt: '2026-11-01T02:00:00.000Z',
      number: '2026-002',
    });
    expect(supervisionIncomplete(completed)).toBe(false);
    expect(() => act(completed, 'supervise', 'county_admin', FIVE)).toThrow(/already listed/);
  });

  it('lists only major hazards, and only by the county admin', () => {
    const general = { ...major(), severity: 'general' as const };
    expect(() => act(general, 'supervise', 'county_admin', FIVE)).toThrow(/major/);
    for (const role of ['township_officer', 'department_officer', 'grid_member', 'unit_user'] as const)
      expect(() => act(major(), 'supervise', role, FIVE)).toThrow(/may not supervise/);
  });
});

describe('挂牌督办: closing through 验收 and then 销号', () => {
  const listed = () => act(major(), 'supervise', 'county_admin', FIVE);

  it('closes a listed hazard only by acceptance and then delisting, two separate steps', () => {
    const accepted = act(rectified(listed()), 'accept', 'county_admin', { note: '现场验收合格' });
    expect(accepted).toMatchObject({
      status: 'rectified',
      supervision: { stage: 'accepted', acceptNote: '现场验收合格' },
    });
    const delisted = act(accepted, 'delist');
    expect(delisted).toMatchObject({
      status: 'closed',
      supervision: { stage: 'delisted', delistedBy: 'county_admin' },
    });
  });

  it('refuses verification of a listed hazard, acceptance before the rectification is reported, and 销号 before acceptance', () => {
    expect(() => act(rectified(listed()), 'verify')).toThrow(/acceptance/);
    expect(() => act(listed(), 'accept')).toThrow(expect.objectContaining({ code: 'wrong_state' }));
    expect(() => act(rectified(listed()), 'delist')).toThrow(/only after its acceptance/);
    expect(() => act(major(), 'accept')).toThrow(/Only a hazard listed/);
  });

  it('leaves acceptance and 销号 to the county admin', () => {
    const ready = rectified(listed());
    for (const role of ['township_officer', 'department_officer'] as const)
      expect(() => act(ready, 'accept', role)).toThrow(/may not accept/);
  });

  it('does not reject an accepted rectification: 销号 comes next', () => {
    const accepted = act(rectified(listed()), 'accept');
    expect(() => act(accepted, 'reject', 'county_admin', { reason: 'x' })).toThrow(/delisted/);
  });

  it('counts a listing’s age in calendar days, until its 销号', () => {
    const h = listed();
    expect(supervisionAgeDays(h, new Date('2026-12-11T02:00:00.000Z'))).toBe(10);
    const delisted = { ...h, supervision: { ...h.supervision!, delistedAt: '2026-12-04T02:00:00.000Z' } };
    expect(supervisionAgeDays(delisted, new Date('2026-12-31T02:00:00.000Z'))).toBe(3);
  });
});
