import {
  allowedRiskPointActions,
  assertSupervisionChange,
  checkReopenReason,
  DEFAULT_SETTINGS,
  nextReviewState,
  type Principal,
  type RiskPoint,
  type Role,
  reviewNeedsSettings,
  riskPointActionsFor,
  worseColor,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const as = (role: Role, username: string = role): Principal => ({
  userId: username,
  username,
  tenant: 'taihe',
  role,
  grants: [],
});
type ReviewPoint = Parameters<typeof nextReviewState>[0];
const draft = (patch: Partial<RiskPoint> = {}): ReviewPoint => ({
  status: 'draft',
  color: 'red',
  reviewChain: [],
  reviewStep: 0,
  createdBy: 'grid.member',
  ...patch,
});
/** Applies a step's state to the point, as the API does. */
function walk(
  point: ReviewPoint,
  step: Parameters<typeof nextReviewState>[1],
  who: Principal,
  settings = DEFAULT_SETTINGS,
) {
  return { ...point, ...nextReviewState(point, step, who, settings).state };
}
const allowing = { ...DEFAULT_SETTINGS, reviews: { allowSinglePersonTownship: true } };

describe('the risk point review', () => {
  it('files a red point through the township and the county, and only the county reopens it', () => {
    const submitted = walk(draft(), 'submit', as('grid_member', 'grid.member'));
    expect(submitted).toMatchObject({
      reviewChain: ['township', 'county'],
      reviewColor: 'red',
      reopenBy: 'county',
    });
    const filed = walk(walk(submitted, 'approve', as('township_officer')), 'approve', as('county_admin'));
    expect(filed).toMatchObject({ status: 'filed', filedColor: 'red' });
    for (const role of ['unit_user', 'grid_member', 'township_officer', 'department_officer'] as const)
      expect(() => nextReviewState(filed, 'reopen', as(role), DEFAULT_SETTINGS)).toThrow(/county reviewer/);
    expect(walk(filed, 'reopen', as('county_admin'))).toMatchObject({ status: 'draft', filedColor: 'red' });
  });

  it('sends a downgrade through the chain of the colour the point had', () => {
    const reopened = { ...draft({ status: 'filed', color: 'red', reopenBy: 'county' }) };
    const asDraft = walk(reopened, 'reopen', as('county_admin'));
    const resubmitted = walk({ ...asDraft, color: 'blue' }, 'submit', as('grid_member', 'grid.member'));
    expect(resubmitted).toMatchObject({
      reviewColor: 'red',
      reviewChain: ['township', 'county'],
      reopenBy: 'township',
    });
    const filed = walk(walk(resubmitted, 'approve', as('township_officer')), 'approve', as('county_admin'));
    expect(filed).toMatchObject({ status: 'filed', filedColor: 'blue' });
    // Filed blue, its next change is the township's again.
    expect(walk(filed, 'reopen', as('township_officer')).status).toBe('draft');
  });

  it('looks up who reopens a point filed before the reopen level was recorded', () => {
    const legacy = draft({ status: 'filed', color: 'orange' });
    expect(reviewNeedsSettings(legacy, as('county_admin'))).toBe(true);
    expect(() => nextReviewState(legacy, 'reopen', as('township_officer'), DEFAULT_SETTINGS)).toThrow(
      /county/,
    );
    expect(reviewNeedsSettings({ ...legacy, reopenBy: 'county' }, as('county_admin'))).toBe(false);
  });

  it('refuses anyone approving a filing they created or submitted, unless a one-person township is allowed', () => {
    const own = walk(
      draft({ color: 'blue', createdBy: 'township.officer' }),
      'submit',
      as('township_officer', 'township.officer'),
    );
    expect(() =>
      nextReviewState(own, 'approve', as('township_officer', 'township.officer'), DEFAULT_SETTINGS),
    ).toThrow(expect.objectContaining({ code: 'same_person' }));
    const alone = nextReviewState(own, 'approve', as('township_officer', 'township.officer'), allowing);
    expect(alone).toMatchObject({ state: { status: 'filed' }, singlePerson: true });
    const byAdmin = walk(draft({ createdBy: 'county.admin' }), 'submit', as('county_admin', 'county.admin'));
    const atCounty = walk(byAdmin, 'approve', as('township_officer'));
    // The setting is for townships: the county step is never one person's.
    expect(() => nextReviewState(atCounty, 'approve', as('county_admin', 'county.admin'), allowing)).toThrow(
      expect.objectContaining({ code: 'same_person' }),
    );
  });

  it('tells a client the steps this person may take now', () => {
    const filed = draft({ status: 'filed', reopenBy: 'county', filedColor: 'red' });
    expect(allowedRiskPointActions(filed, as('county_admin'), DEFAULT_SETTINGS)).toEqual(['reopen']);
    expect(allowedRiskPointActions(filed, as('grid_member'), DEFAULT_SETTINGS)).toEqual([]);
    expect(allowedRiskPointActions(draft(), as('unit_user'), DEFAULT_SETTINGS)).toEqual(['submit']);
  });

  it('accepts a reopen without a reason only until the transition for older apps ends', () => {
    expect(checkReopenReason(undefined, new Date('2026-12-04T00:00:00Z'))).toEqual({ legacyBody: true });
    expect(checkReopenReason('重新评估', new Date('2027-06-01T00:00:00Z'))).toEqual({ legacyBody: false });
    expect(() => checkReopenReason(undefined, new Date('2027-03-01T00:00:00+08:00'))).toThrow(
      expect.objectContaining({
        problems: [{ path: 'reason', message: 'say why the filed point is reopened' }],
      }),
    );
  });

  it('ranks colours red first', () => {
    expect(worseColor('blue', 'red')).toBe('red');
    expect(worseColor('orange', 'yellow')).toBe('orange');
    expect(worseColor('yellow', undefined)).toBe('yellow');
  });

  it('offers each point of a list page the steps it would offer that point alone, however alike the points are', () => {
    const township = as('township_officer', 'township.officer');
    const submitted = walk(draft(), 'submit', as('grid_member', 'grid.member'));
    const page: ReviewPoint[] = [
      submitted,
      { ...submitted },
      // Alike in every field but who submitted it: the officer may not approve their own filing.
      { ...submitted, submittedBy: 'township.officer' },
      walk(submitted, 'approve', as('township_officer')),
      draft({ status: 'filed', color: 'red', filedColor: 'red', reopenBy: 'township' }),
      draft({ status: 'filed', color: 'red', filedColor: 'red', reopenBy: 'county' }),
      draft(),
    ];
    const actionsOf = riskPointActionsFor(township, DEFAULT_SETTINGS);
    const asked = page.map((point) => actionsOf(point));
    expect(asked).toEqual(page.map((point) => allowedRiskPointActions(point, township, DEFAULT_SETTINGS)));
    expect(asked[0]).toEqual(['approve', 'return']);
    expect(asked[2]).toEqual(['return']);
    expect(asked[4]).toEqual(['reopen']);
    expect(asked[5]).toEqual([]);
  });
});

describe('who supervises a unit', () => {
  const unit = { departmentId: 'D1', departmentOverridden: false, supervisionLevel: 'township' as const };

  it('leaves the department and a lower level to the county admin', () => {
    for (const change of [
      { departmentId: 'D2' },
      { departmentOverridden: true },
      { supervisionLevel: 'village' as const },
    ]) {
      expect(() => assertSupervisionChange(as('grid_member'), unit, { ...unit, ...change })).toThrow(
        expect.objectContaining({ code: 'county_decision' }),
      );
      expect(() => assertSupervisionChange(as('county_admin'), unit, { ...unit, ...change })).not.toThrow();
    }
  });

  it('lets anyone who edits the unit raise its level', () => {
    expect(() =>
      assertSupervisionChange(as('grid_member'), unit, { ...unit, supervisionLevel: 'county' }),
    ).not.toThrow();
  });
});
