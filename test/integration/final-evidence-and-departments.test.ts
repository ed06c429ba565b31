import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { makeCreditCode } from '@gridsafe/core';
import { describe, expect } from 'vitest';
import { encodeUtf8WithBom, unitsCsv } from '../support/csv-fixtures.ts';
import { addPhoto, draftPoint, expectRefused, snapshot, step } from '../support/duties.ts';
import { type Client, countyTest } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD, type SeededCounty } from '../support/harness.ts';

/** Evidence is final when the record is; a unit's department and supervision level are the county's call. */
const it = countyTest({ prefix: 'fe' });
let creditSerial = 4100;

const BLUE = { method: 'LS', L: 1, S: 1 };

describe('evidence is final when the record is', () => {
  it('adds no photo to a filed point, not even one announced before it was filed: reopen first', async ({
    county,
    admin,
    township,
    member,
  }) => {
    const id = await draftPoint(member, county.unit(3), BLUE);
    const late = await addPhoto(member, 'risk-points', id, { confirm: false });
    await step(member, `/risk-points/${id}/submit`);
    await step(township, `/risk-points/${id}/approve`);
    const path = `/risk-points/${id}`;
    const before = await snapshot(admin, path);
    const confirm = await member.post(`${path}/photos/${late.photoId}/confirm`);
    await expectRefused(confirm, 409, 'record_final', admin, path, before);
    const announce = await member.post(`${path}/photos`, {
      contentType: 'image/jpeg',
      size: 100,
      sha256: 'a'.repeat(64),
    });
    await expectRefused(announce, 409, 'record_final', admin, path, before);
  });

  it('adds no photo to a closed hazard', async ({ county, admin, member }) => {
    const hazard = (
      await member.post('/hazards', { unitId: county.unit(3), severity: 'general', title: '灭火器过期' })
    ).body;
    const path = `/hazards/${hazard.id}`;
    const late = await addPhoto(member, 'hazards', hazard.id, { confirm: false });
    const fix = await addPhoto(member, 'hazards', hazard.id);
    await step(member, `${path}/resolve-on-site`, { note: '已更换', photoIds: [fix.photoId] });
    const before = await snapshot(admin, path);
    const confirm = await member.post(`${path}/photos/${late.photoId}/confirm`);
    await expectRefused(confirm, 409, 'record_final', admin, path, before);
  });

  it('lets only the person who announced a photo confirm it', async ({ county, admin, township, member }) => {
    const id = await draftPoint(member, county.unit(3), BLUE);
    const announced = await addPhoto(member, 'risk-points', id, { confirm: false });
    const path = `/risk-points/${id}`;
    const before = await snapshot(admin, path);
    const confirm = await township.post(`${path}/photos/${announced.photoId}/confirm`);
    await expectRefused(confirm, 403, 'not_announcer', admin, path, before);
    expect((await member.post(`${path}/photos/${announced.photoId}/confirm`)).status).toBe(200);
  });

  it('stores a confirmed photo under the county’s evidence prefix, and forgets an announcement a day old', async ({
    api,
    county,
    admin,
    member,
  }) => {
    const id = await draftPoint(member, county.unit(3), BLUE);
    const point = (await admin.get(`/risk-points/${id}`)).body;
    expect(point.photos[0].key).toMatch(new RegExp(`^t/${county.tenant}/risk-points/${id}/`));
    const stale = await addPhoto(member, 'risk-points', id, { confirm: false });
    // TTL deletes within days, not at the second: an item past its time is already gone to the API.
    await api.deps.documentClient.send(
      new UpdateCommand({
        TableName: api.tableName,
        Key: { pk: `T#${county.tenant}#RP#${id}`, sk: `PHOTO#${stale.photoId}` },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 60 },
      }),
    );
    const before = await snapshot(admin, `/risk-points/${id}`);
    const confirm = await member.post(`/risk-points/${id}/photos/${stale.photoId}/confirm`);
    await expectRefused(confirm, 404, 'not_found', admin, `/risk-points/${id}`, before);
  });
});

describe('a unit’s department is the county’s call', () => {
  async function newUnit(admin: Client, county: SeededCounty, level: 'county' | 'village' = 'village') {
    const serial = creditSerial++;
    const created = await admin.post('/units', {
      name: `液氨冷库 ${serial}`,
      creditCode: makeCreditCode('91341223', serial),
      industry: 'ammonia_refrigeration',
      gridId: county.village1,
      supervisionLevel: level,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.departmentId).toBe(county.emergencyDept);
    return { ...created.body, serial };
  }

  it('refuses a grid member overriding a unit’s department or lowering its supervision level', async ({
    county,
    admin,
    member,
  }) => {
    const unit = await newUnit(admin, county, 'county');
    const path = `/units/${unit.id}`;
    const before = await snapshot(admin, path);
    const override = await member.patch(path, { departmentId: county.commerceDept, version: unit.version });
    await expectRefused(override, 403, 'county_decision', admin, path, before);
    const lower = await member.patch(path, { supervisionLevel: 'village', version: unit.version });
    await expectRefused(lower, 403, 'county_decision', admin, path, before);
    const viaIndustry = await member.patch(path, { industry: 'gas_station', version: unit.version });
    await expectRefused(viaIndustry, 403, 'county_decision', admin, path, before);
  });

  it('refuses the grid member the import, and an import row without 监管层级 keeps the unit’s level', async ({
    api,
    county,
    admin,
  }) => {
    const unit = await newUnit(admin, county, 'county');
    const csv = unitsCsv(
      [
        {
          name: unit.name,
          serial: unit.serial,
          industry: 'ammonia_refrigeration',
          township: '城关镇',
          village: '东关社区',
        },
      ],
      '91341223',
    );
    const send = async (client: string) => {
      const token = await api.login(county.tenant, client, DEMO_LOGIN_PASSWORD);
      const response = await api.app.request(`/t/${county.tenant}/api/v1/units/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: encodeUtf8WithBom(csv),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const before = await snapshot(admin, `/units/${unit.id}`);
    await expectRefused(await send('grid.member'), 403, 'forbidden', admin, `/units/${unit.id}`, before);
    const imported = await send('county.admin');
    expect(imported.status).toBe(200);
    expect((await admin.get(`/units/${unit.id}`)).body.supervisionLevel).toBe('county');
  });

  it('re-homes the unit’s open records with the department: the old one loses them at once, the new one sees them', async ({
    county,
    admin,
    department,
    member,
  }) => {
    const unit = await newUnit(admin, county);
    const point = await draftPoint(member, unit.id, BLUE);
    const hazard = (
      await member.post('/hazards', { unitId: unit.id, severity: 'general', title: '氨气报警器失灵' })
    ).body;
    expect((await department.get(`/hazards/${hazard.id}`)).status).toBe(200);

    const moved = await admin.patch(`/units/${unit.id}`, {
      departmentId: county.commerceDept,
      version: unit.version,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    expect((await department.get(`/hazards/${hazard.id}`)).status).toBe(403);
    expect((await department.get(`/risk-points/${point}`)).status).toBe(403);
    const oldHazards = await department.get(`/hazards?department=${county.emergencyDept}&limit=100`);
    expect(oldHazards.body.items.map((h: { id: string }) => h.id)).not.toContain(hazard.id);
    const oldPoints = await department.get(`/risk-points?department=${county.emergencyDept}&limit=100`);
    expect(oldPoints.body.items.map((p: { id: string }) => p.id)).not.toContain(point);

    const newHazards = await admin.get(`/hazards?department=${county.commerceDept}&limit=100`);
    expect(newHazards.body.items.map((h: { id: string }) => h.id)).toContain(hazard.id);
    const newPoints = await admin.get(`/risk-points?department=${county.commerceDept}&limit=100`);
    expect(newPoints.body.items.map((p: { id: string }) => p.id)).toContain(point);
    const event = (await admin.get(`/hazards/${hazard.id}/audit`)).body.items.at(-1);
    expect(event).toMatchObject({
      action: 'moved_with_unit',
      changes: { departmentId: { before: county.emergencyDept, after: county.commerceDept } },
    });
  });
});
