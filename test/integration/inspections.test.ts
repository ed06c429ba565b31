import { AdjustableClock } from '@gridsafe/core';
import { countyApiBasePath } from '@gridsafe/core/contract';
import { inspectionOutcomesOfUnit } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { demoId } from '../../scripts/seed/demo-ids.ts';
import { type Client, countyTest, everyItem } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';
import { sha256Hex, testJpeg, uploadWith } from '../support/photos.ts';

const DAY = 24 * 3600_000;
const clock = new AdjustableClock();
let photoSeed = 9100;

const it = countyTest({ prefix: 'ip', clock })
  /** The two officers who inspect: the township's safety officer and the emergency bureau's. */
  .extend('officers', { scope: 'file' }, ({ county }) => [
    { personId: demoId(county.tenant, 'user:township.officer'), certificateNo: '皖执3412001' },
    { personId: demoId(county.tenant, 'user:dept.officer'), certificateNo: '皖执3412002' },
  ])
  /** A printed document as the browser gets it: status, headers and the HTML. */
  .extend('printed', { scope: 'file' }, ({ api, county }) => async (username: string, path: string) => {
    const token = await api.login(county.tenant, username, DEMO_LOGIN_PASSWORD);
    const response = await api.app.request(`${countyApiBasePath(county.tenant)}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  });

/** A photo (or a drawn signature) announced for an inspection about to be recorded, and uploaded. */
async function announced(client: Client, contentType = 'image/jpeg'): Promise<string> {
  const bytes = testJpeg(photoSeed++);
  const requested = await client.post('/inspections/photos', {
    contentType,
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  await uploadWith(requested.body.upload, bytes);
  return requested.body.photo.id;
}

function inspectionOf(unitId: string, officers: unknown, extra: Record<string, unknown> = {}) {
  return {
    unitId,
    checkedItems: ['安全生产责任制落实情况', '液氨储罐区压力表检定情况'],
    findings: [],
    position: { lat: 33.16, lng: 115.62 },
    signatures: [{ signer: 'unit', name: '王经理', refusedReason: '负责人称需请示总部' }],
    officers,
    outcome: 'compliant',
    ...extra,
  };
}

describe('recording an enforcement inspection', () => {
  it('records a compliant inspection by two officers with a numbered 现场检查记录 and counts it up the tree', async ({
    county,
    township,
    admin,
    officers,
  }) => {
    const before = (await admin.get(`/grids/${county.township1}/stats`)).body.inspections;
    const photoId = await announced(township);
    const signature = await announced(township, 'image/png');
    const answer = await township.post(
      '/inspections',
      inspectionOf(county.unit(3), officers, {
        photoIds: [photoId],
        signatures: [{ signer: 'unit', name: '王经理', photoId: signature }],
      }),
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const inspection = answer.body.inspection;
    expect(inspection.number).toMatch(/^应急现检〔20\d\d〕\d+号$/);
    expect(inspection.status).toBe('closed');
    expect(inspection.officers.map((o: { name: string }) => o.name)).toEqual([
      expect.stringContaining('安监员'),
      '应急局执法人员',
    ]);
    expect(inspection.photos.map((p: { id: string }) => p.id)).toEqual([photoId, signature]);
    expect(answer.body.hazards).toEqual([]);
    const after = (await admin.get(`/grids/${county.township1}/stats`)).body.inspections;
    expect(after.done - before.done).toBe(1);
    const audit = await admin.get(`/inspections/${inspection.id}/audit`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['created']);
    expect(audit.body.chain.intact).toBe(true);
    const photo = await admin.get(`/inspections/${inspection.id}/photos/${photoId}`);
    expect(photo.status).toBe(200);
  });

  it('takes an escalated hazard into an order: each finding becomes a hazard due by the order’s deadline', async ({
    county,
    member,
    department,
    admin,
    officers,
    printed,
  }) => {
    const reported = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'major',
      title: '液氨管道泄漏报警器失效',
    });
    expect(reported.body.level).toBe('township');
    const deadline = new Date(clock.now().getTime() + 10 * DAY).toISOString();
    const answer = await department.post('/inspections', {
      ...inspectionOf(undefined as never, officers, {
        outcome: 'order',
        deadline,
        findings: [
          { text: '泄漏报警器未与紧急切断装置联锁', severity: 'major' },
          { text: '操作规程未张贴', severity: 'general' },
        ],
      }),
      unitId: undefined,
      hazardId: reported.body.id,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const { inspection, hazards } = answer.body;
    expect(inspection.unitId).toBe(county.unit(3));
    expect(inspection.hazardId).toBe(reported.body.id);
    expect(inspection.status).toBe('ordered');
    expect(inspection.order.number).toMatch(/^应急责改〔20\d\d〕\d+号$/);
    expect(inspection.followUpDue).toBe(false);
    expect(hazards).toHaveLength(2);
    for (const [index, hazard] of hazards.entries()) {
      const stored = await admin.get(`/hazards/${hazard.id}`);
      expect(stored.body).toMatchObject({
        source: 'inspection',
        inspectionId: inspection.id,
        deadline,
        title: inspection.findings[index].text,
      });
      expect(inspection.findings[index].hazardId).toBe(hazard.id);
    }
    const ofUnit = await everyItem(admin, `/inspections?unit=${county.unit(3)}`);
    expect(ofUnit.map((i) => i.id)).toContain(inspection.id);

    // The order prints; no follow-up is owed until the deadline comes.
    const order = await printed('dept.officer', `/inspections/${inspection.id}/documents/order`);
    expect(order.status).toBe(200);
    expect(order.text).toContain('责令限期整改指令书');
    expect(order.text).toContain(inspection.order.number);
    expect(order.text).toContain('泄漏报警器未与紧急切断装置联锁');
    const review = await printed('dept.officer', `/inspections/${inspection.id}/documents/review`);
    expect(review.status).toBe(404);
    clock.advance(11 * DAY);
    const due = await department.get(`/inspections/${inspection.id}`);
    expect(due.body.followUpDue).toBe(true);
    expect(due.body.allowedActions).toEqual(['follow-up']);

    const followed = await department.post(`/inspections/${inspection.id}/follow-up`, {
      version: due.body.version,
      opinion: '经复查，报警器联锁已恢复，规程已张贴。',
      items: hazards.map((hazard: { id: string }) => ({ hazardId: hazard.id, rectified: true })),
    });
    expect(followed.status, JSON.stringify(followed.body)).toBe(200);
    expect(followed.body.status).toBe('reviewed');
    expect(followed.body.followUp.number).toMatch(/^应急复查〔20\d\d〕\d+号$/);
    expect(followed.body.followUpDue).toBe(false);
    const reviewed = await printed('dept.officer', `/inspections/${inspection.id}/documents/review`);
    expect(reviewed.status).toBe(200);
    expect(reviewed.text).toContain('整改复查意见书');
    expect(reviewed.text).toContain('经复查，报警器联锁已恢复');
    const again = await department.post(`/inspections/${inspection.id}/follow-up`, {
      opinion: '再次复查',
      items: [{ hazardId: hazards[0].id, rectified: true }],
    });
    expect(again.status).toBe(409);
  });

  it('prints the 现场检查记录 with the officers’ certificates and a refusal to sign as such, under the HTML policy', async ({
    county,
    township,
    officers,
    printed,
  }) => {
    const answer = await township.post('/inspections', inspectionOf(county.unit(3), officers));
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const record = await printed(
      'township.officer',
      `/inspections/${answer.body.inspection.id}/documents/record`,
    );
    expect(record.status).toBe(200);
    expect(record.headers.get('content-type')).toMatch(/^text\/html/);
    expect(record.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(record.text).toContain('现场检查记录');
    expect(record.text).toContain(answer.body.inspection.number);
    expect(record.text).toContain('皖执3412001');
    expect(record.text).toContain('拒绝签字（负责人称需请示总部）');
    const order = await printed(
      'township.officer',
      `/inspections/${answer.body.inspection.id}/documents/order`,
    );
    expect(order.status).toBe(404);
  });

  it('gives consecutive numbers to inspections recorded at the same moment, none twice', async ({
    county,
    township,
    department,
    officers,
  }) => {
    const answers = await Promise.all(
      [township, department, township, department].map((client) =>
        client.post('/inspections', inspectionOf(county.unit(3), officers)),
      ),
    );
    for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const sequence = answers
      .map((answer) => Number(/〕(\d+)号$/.exec(answer.body.inspection.number)?.[1]))
      .sort((a, b) => a - b);
    expect(sequence).toEqual([sequence[0], sequence[0]! + 1, sequence[0]! + 2, sequence[0]! + 3]);
  });

  it('numbers with the county’s own document prefix once it sets one', async ({
    county,
    admin,
    officers,
  }) => {
    const current = await admin.get('/settings');
    const saved = await admin.put(
      '/settings',
      { settings: { ...current.body.settings, inspectionDocumentPrefix: '太应急' } },
      { 'if-match': String(current.body.version) },
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const answer = await admin.post('/inspections', inspectionOf(county.unit(3), officers));
    expect(answer.body.inspection.number).toMatch(/^太应急现检〔20\d\d〕\d+号$/);
  });

  it('lets credit ratings read a unit’s inspection outcomes', async ({ county, store, admin }) => {
    const outcomes = await inspectionOutcomesOfUnit(store, county.unit(3));
    expect(outcomes.map((o) => o.outcome)).toEqual(expect.arrayContaining(['compliant', 'order']));
    expect(outcomes.find((o) => o.outcome === 'order')).toMatchObject({
      status: 'reviewed',
      allRectified: true,
    });
    // Recording them re-rated the unit: its rating names the order and the compliant visit as reasons.
    const credit = (await admin.get(`/units/${county.unit(3)}/credit`)).body;
    const codes = credit.current.reasons.map((reason: { code: string }) => reason.code);
    expect(codes).toEqual(expect.arrayContaining(['enforcement_order', 'enforcement_compliant']));
  });
});

describe('what an inspection refuses', () => {
  it('refuses the same officer twice, a grid member as an officer, and an order without a deadline, writing nothing', async ({
    county,
    township,
    admin,
    officers,
  }) => {
    const before = await everyItem(admin, '/inspections');
    const twice = await township.post(
      '/inspections',
      inspectionOf(county.unit(3), [officers[0], { ...officers[0], certificateNo: '皖执9' }]),
    );
    expect(twice.status).toBe(400);
    expect(twice.body.errors.map((e: { path: string }) => e.path)).toContain('officers.1.personId');
    const member = await township.post(
      '/inspections',
      inspectionOf(county.unit(3), [
        officers[0],
        { personId: demoId(county.tenant, 'user:grid.member'), certificateNo: '皖执3' },
      ]),
    );
    expect(member.status).toBe(400);
    expect(member.body.errors.map((e: { path: string }) => e.path)).toContain('officers.1.personId');
    const noDeadline = await township.post(
      '/inspections',
      inspectionOf(county.unit(3), officers, {
        outcome: 'order',
        findings: [{ text: '消防通道堵塞', severity: 'general' }],
      }),
    );
    expect(noDeadline.status).toBe(400);
    expect(noDeadline.body.errors.map((e: { path: string }) => e.path)).toContain('deadline');
    const unsigned = await township.post(
      '/inspections',
      inspectionOf(county.unit(3), officers, { signatures: [{ signer: 'unit', name: '王经理' }] }),
    );
    expect(unsigned.status).toBe(400);
    const unannounced = await township.post(
      '/inspections',
      inspectionOf(county.unit(3), officers, { photoIds: [demoId(county.tenant, 'photo:none')] }),
    );
    expect(unannounced.status).toBe(400);
    expect(await everyItem(admin, '/inspections')).toHaveLength(before.length);
  });

  it('refuses a grid member, and a township officer at a unit of another township', async ({
    county,
    member,
    township,
    admin,
    officers,
  }) => {
    expect((await member.post('/inspections', inspectionOf(county.unit(3), officers))).status).toBe(403);
    const [outside] = await everyItem(admin, `/units?grid=${county.villageInTownship2}`);
    expect(outside).toBeDefined();
    expect((await township.post('/inspections', inspectionOf(outside.id, officers))).status).toBe(403);
  });
});
