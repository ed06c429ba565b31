import { describe, expect } from 'vitest';
import { addPhoto, draftPoint, expectRefused, snapshot, step } from '../support/duties.ts';
import { type Client, countyTest } from '../support/fixtures.ts';
import type { SeededCounty } from '../support/harness.ts';

/**
 * The attack paths of issue 21, tried as a dishonest insider would: each must now be refused, and every refusal
 * leaves the record exactly as it was (version, status, audit length).
 */
const RED = { method: 'LEC', L: 6, E: 6, C: 15 };
const BLUE = { method: 'LS', L: 1, S: 1 };

const it = countyTest({ prefix: 'sd' })
  /** The unit the seeded unit manager manages. */
  .extend('ownUnit', { scope: 'file' }, async ({ unitUser }) =>
    String((await unitUser.get('/me')).body.scope[0]).replace(/^unit:/, ''),
  )
  /** A red point on the unit manager's own unit, filed the honest way: grid member, township, county. */
  .extend(
    'filedRedPoint',
    { scope: 'file' },
    ({ member, township, admin, ownUnit }) =>
      () =>
        filedRedPoint(member, township, admin, ownUnit),
  );

async function filedRedPoint(member: Client, township: Client, admin: Client, ownUnit: string) {
  const id = await draftPoint(member, ownUnit, RED);
  await step(member, `/risk-points/${id}/submit`);
  await step(township, `/risk-points/${id}/approve`);
  const filed = await step(admin, `/risk-points/${id}/approve`);
  expect(filed).toMatchObject({ status: 'filed', color: 'red', reopenBy: 'county' });
  return id;
}

async function setSinglePersonTownship(admin: Client, allowed: boolean) {
  const current = (await admin.get('/settings')).body;
  const saved = await admin.put('/settings', {
    settings: { ...current.settings, reviews: { allowSinglePersonTownship: allowed } },
    version: current.version,
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

describe('reopening is a reviewer’s act', () => {
  it('refuses the unit manager, the grid member and the township a filed red point, changing nothing', async ({
    admin,
    township,
    member,
    unitUser,
    filedRedPoint,
  }) => {
    const id = await filedRedPoint();
    const path = `/risk-points/${id}`;
    const before = await snapshot(admin, path);
    for (const client of [unitUser, member, township]) {
      const answer = await client.post(`${path}/reopen`, { reason: '想改成蓝色', version: before.version });
      await expectRefused(answer, 403, 'forbidden', admin, path, before);
    }
    const seen = await unitUser.get(path);
    expect(seen.body.allowedActions).toEqual([]);
    expect((await admin.get(path)).body.allowedActions).toEqual(['reopen']);
  });

  it('sends a downgraded red point through the county: reopened by the county with a reason, the filers told', async ({
    admin,
    township,
    member,
    filedRedPoint,
  }) => {
    const id = await filedRedPoint();
    const path = `/risk-points/${id}`;
    const version = (await admin.get(path)).body.version;
    const reopened = await step(admin, `${path}/reopen`, { reason: '企业已改造，重新评估', version });
    expect(reopened).toMatchObject({ status: 'draft', filedColor: 'red' });
    const audit = (await admin.get(`${path}/audit`)).body.items.at(-1);
    expect(audit).toMatchObject({ action: 'reopened', reason: '企业已改造，重新评估' });
    const inbox = (await member.get('/notifications')).body.items;
    expect(inbox).toContainEqual(
      expect.objectContaining({ topic: 'risk_point_reopened', subject: { type: 'risk-point', id } }),
    );

    const regraded = await member.patch(path, { assessment: BLUE, version: reopened.version });
    expect(regraded.body.color).toBe('blue');
    const submitted = await step(member, `${path}/submit`);
    // The chain of the colour it had: the township alone can no longer file a red point blue.
    expect(submitted).toMatchObject({ reviewColor: 'red', reviewChain: ['township', 'county'] });
    expect((await step(township, `${path}/approve`)).status).toBe('township_approved');
    expect(await step(admin, `${path}/approve`)).toMatchObject({ status: 'filed', filedColor: 'blue' });
  });

  it('lets the township reopen a blue point its own review filed', async ({ township, member, ownUnit }) => {
    const id = await draftPoint(member, ownUnit, BLUE);
    await step(member, `/risk-points/${id}/submit`);
    await step(township, `/risk-points/${id}/approve`);
    // The web sends where the reviewer stood, as with every review step.
    const reopened = await step(township, `/risk-points/${id}/reopen`, {
      reason: '补充管控措施',
      location: { lat: 33.171, lng: 115.633 },
    });
    expect(reopened.status).toBe('draft');
  });

  it('accepts, until the transition ends, the reason-less body an app loaded before sends, and says so in the audit', async ({
    admin,
    filedRedPoint,
  }) => {
    const id = await filedRedPoint();
    const reopened = await step(admin, `/risk-points/${id}/reopen`, {});
    expect(reopened.status).toBe('draft');
    const event = (await admin.get(`/risk-points/${id}/audit`)).body.items.at(-1);
    expect(event).toMatchObject({ action: 'reopened', details: { legacyBody: true } });
  });
});

describe('four eyes on a filing', () => {
  it('refuses a township officer approving a point they created and submitted', async ({
    county,
    admin,
    township,
  }) => {
    const id = await draftPoint(township, county.unit(3), BLUE);
    await step(township, `/risk-points/${id}/submit`);
    const path = `/risk-points/${id}`;
    const before = await snapshot(admin, path);
    await expectRefused(await township.post(`${path}/approve`), 403, 'same_person', admin, path, before);
    expect((await township.get(path)).body.allowedActions).toEqual(['return']);
  });

  it('refuses a county admin approving at the county step a red point the admin filed', async ({
    county,
    admin,
    township,
  }) => {
    const id = await draftPoint(admin, county.unit(3), RED);
    await step(admin, `/risk-points/${id}/submit`);
    await step(township, `/risk-points/${id}/approve`);
    const path = `/risk-points/${id}`;
    const before = await snapshot(township, path);
    await expectRefused(await admin.post(`${path}/approve`), 403, 'same_person', township, path, before);
  });

  it('lets a one-person township file alone only when the county says so, and the audit shows it', async ({
    county,
    admin,
    township,
  }) => {
    const id = await draftPoint(township, county.unit(3), BLUE);
    await step(township, `/risk-points/${id}/submit`);
    await setSinglePersonTownship(admin, true);
    try {
      expect((await step(township, `/risk-points/${id}/approve`)).status).toBe('filed');
    } finally {
      await setSinglePersonTownship(admin, false);
    }
    const event = (await admin.get(`/risk-points/${id}/audit`)).body.items.at(-1);
    expect(event).toMatchObject({
      action: 'filed',
      details: { singlePerson: true, reviewLevel: 'township' },
    });
  });

  it('keeps the setting off for counties that never chose it', async ({ admin }) => {
    expect((await admin.get('/settings')).body.settings.reviews).toEqual({
      allowSinglePersonTownship: false,
    });
  });
});

describe('four eyes on a fix', () => {
  const general = (county: SeededCounty) => ({
    unitId: county.unit(3),
    severity: 'general',
    title: '压力表未检定',
  });

  it('refuses a township officer verifying the rectification they reported', async ({
    county,
    admin,
    township,
  }) => {
    const hazard = (await township.post('/hazards', general(county))).body;
    const path = `/hazards/${hazard.id}`;
    const { photoId } = await addPhoto(township, 'hazards', hazard.id);
    await step(township, `${path}/report-rectified`, { note: '已送检', photoIds: [photoId] });
    const before = await snapshot(admin, path);
    await expectRefused(await township.post(`${path}/verify`), 403, 'same_person', admin, path, before);
    expect((await step(admin, `${path}/verify`)).status).toBe('closed');
  });

  it('leaves a hazard escalated to the county to the county or its department, never the township', async ({
    county,
    admin,
    township,
    department,
    member,
  }) => {
    const hazard = (await member.post('/hazards', { ...general(county), severity: 'major' })).body;
    const path = `/hazards/${hazard.id}`;
    expect((await step(township, `${path}/escalate`, { reason: '逾期未整改' })).level).toBe('county');
    const { photoId } = await addPhoto(member, 'hazards', hazard.id);
    await step(member, `${path}/report-rectified`, { note: '已整改', photoIds: [photoId] });
    const before = await snapshot(admin, path);
    const refused = await township.post(`${path}/verify`);
    await expectRefused(refused, 403, 'escalated_to_county', admin, path, before);
    expect((await step(department, `${path}/verify`)).status).toBe('closed');
  });

  it('refuses a grid member closing a hazard on the spot with the photo that reported it, or the same file again', async ({
    county,
    admin,
    member,
  }) => {
    const hazard = (await member.post('/hazards', general(county))).body;
    const path = `/hazards/${hazard.id}`;
    const finding = await addPhoto(member, 'hazards', hazard.id, { purpose: 'finding' });
    const before = await snapshot(admin, path);
    const same = await member.post(`${path}/resolve-on-site`, {
      note: '已处理',
      photoIds: [finding.photoId],
    });
    await expectRefused(same, 400, 'validation_failed', admin, path, before);
    expect(same.body.errors).toEqual([
      { path: 'photoIds.0', message: 'shows the problem as reported, not its fix' },
    ]);

    const copy = await addPhoto(member, 'hazards', hazard.id, { bytes: finding.bytes });
    const again = await snapshot(admin, path);
    const resent = await member.post(`${path}/resolve-on-site`, { note: '已处理', photoIds: [copy.photoId] });
    await expectRefused(resent, 400, 'validation_failed', admin, path, again);

    const fix = await addPhoto(member, 'hazards', hazard.id);
    expect(
      (await step(member, `${path}/resolve-on-site`, { note: '已处理', photoIds: [fix.photoId] })).status,
    ).toBe('closed');
  });
});
