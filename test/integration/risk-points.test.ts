import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect } from 'vitest';
import { type Client, countyTest, everyItem } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD, type SeededCounty } from '../support/harness.ts';
import { sha256Hex, testJpeg, uploadWith } from '../support/photos.ts';
import { redPoint } from '../support/record-bodies.ts';

const it = countyTest({ prefix: 'rp', reportDynamoCalls: true });
let photoSeed = 1;

async function withPhoto(client: Client, county: SeededCounty, id: string) {
  const bytes = testJpeg(photoSeed++);
  const requested = await client.post(`/risk-points/${id}/photos`, {
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
    location: { lat: 33.171, lng: 115.633 },
  });
  expect(requested.status).toBe(201);
  // Uploads wait under pending/ (expired within a day); the confirmed photo lives under the county's prefix.
  expect(requested.body.photo.key).toMatch(new RegExp(`^pending/t/${county.tenant}/risk-points/${id}/`));
  await uploadWith(requested.body.upload, bytes);
  const confirmed = await client.post(`/risk-points/${id}/photos/${requested.body.photo.id}/confirm`);
  expect(confirmed.status).toBe(200);
  return confirmed.body;
}

/** A red point the grid member filed, with a photo, submitted: waiting for the township's review. */
async function submittedRedPoint(member: Client, county: SeededCounty) {
  const created = await member.post('/risk-points', redPoint(county));
  await withPhoto(member, county, created.body.id);
  const submitted = await member.post(`/risk-points/${created.body.id}/submit`);
  expect(submitted.status).toBe(200);
  return submitted.body as { id: string; version: number };
}

async function villageStats(admin: Client, county: SeededCounty) {
  return (await admin.get(`/grids/${county.village1}/stats`)).body.riskPoints;
}

describe('filing a risk point', () => {
  it('fills a draft from the knowledge-base template and grades it red by LEC', async ({
    county,
    admin,
    member,
  }) => {
    const templates = await member.get('/knowledge/industries/ammonia_refrigeration');
    expect(templates.body.templates.map((t: { code: string }) => t.code)).toContain('ar_ammonia_receiver');
    const before = await villageStats(admin, county);
    const created = await member.post('/risk-points', redPoint(county));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      color: 'red',
      version: 1,
      departmentId: county.emergencyDept,
    });
    expect(created.body.assessment).toMatchObject({
      method: 'LEC',
      score: 540,
      color: 'red',
      tableVersion: 1,
    });
    expect(created.body.checklist.length).toBeGreaterThanOrEqual(5);
    expect(created.body.controlMeasures.length).toBeGreaterThanOrEqual(4);
    const after = await villageStats(admin, county);
    expect(after.red).toBe(before.red + 1);
    expect(after.byStatus.draft).toBe(before.byStatus.draft + 1);
  });

  it('refuses to submit a point without a photo', async ({ county, member }) => {
    const created = await member.post('/risk-points', redPoint(county));
    const submitted = await member.post(`/risk-points/${created.body.id}/submit`);
    expect(submitted.status).toBe(409);
    expect(submitted.body.code).toBe('photo_required');
  });

  it('walks a red point through township and county review to filed, with counters and audit in step', async ({
    county,
    admin,
    township,
    department,
    member,
  }) => {
    const created = await member.post('/risk-points', redPoint(county));
    const id = created.body.id;
    const withEvidence = await withPhoto(member, county, id);
    expect(withEvidence.photos[0]).toMatchObject({ status: 'verified', contentType: 'image/jpeg' });
    const before = await villageStats(admin, county);

    const submitted = await member.post(`/risk-points/${id}/submit`);
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      reviewChain: ['township', 'county'],
      reviewStep: 0,
    });
    expect((await member.post(`/risk-points/${id}/approve`)).status).toBe(403);
    expect(
      (await admin.get(`/risk-points?status=submitted&grid=${county.township1}`)).body.items.map(
        (p: { id: string }) => p.id,
      ),
    ).toContain(id);

    const townshipApproved = await township.post(`/risk-points/${id}/approve`);
    expect(townshipApproved.body.status).toBe('township_approved');
    expect((await township.post(`/risk-points/${id}/approve`)).status).toBe(403);
    const filed = await admin.post(`/risk-points/${id}/approve`);
    expect(filed.body.status).toBe('filed');

    const after = await villageStats(admin, county);
    expect(after.byStatus.filed).toBe(before.byStatus.filed + 1);
    expect(after.byStatus.draft).toBe(before.byStatus.draft - 1);
    expect(after.red).toBe(before.red);

    const audit = await admin.get(`/risk-points/${id}/audit`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'photo_added',
      'submitted',
      'approved',
      'filed',
    ]);
    expect(audit.body.items[1].details.photo).toMatchObject({
      sha256: withEvidence.photos[0].sha256,
      size: withEvidence.photos[0].size,
    });
    expect(audit.body.chain).toEqual({ intact: true, length: 5 });
    // The supervising department sees its industry's point throughout.
    expect((await department.get(`/risk-points/${id}`)).status).toBe(200);
  });

  it('ends the review of a blue point at the township, as the default chain says', async ({
    county,
    township,
    member,
  }) => {
    const created = await member.post('/risk-points', {
      ...redPoint(county),
      name: '配电室',
      assessment: { method: 'LS', L: 1, S: 3 },
    });
    expect(created.body.color).toBe('blue');
    await withPhoto(member, county, created.body.id);
    await member.post(`/risk-points/${created.body.id}/submit`);
    const filed = await township.post(`/risk-points/${created.body.id}/approve`);
    expect(filed.body).toMatchObject({ status: 'filed', reviewChain: ['township'] });
  });

  it('returns a filing to draft with the reason, and a stale version gets 409', async ({
    county,
    township,
    member,
  }) => {
    const submitted = await submittedRedPoint(member, county);
    const stale = await township.post(`/risk-points/${submitted.id}/return`, {
      reason: '照片不清晰',
      version: submitted.version - 1,
    });
    expect(stale.status).toBe(409);
    const returned = await township.post(`/risk-points/${submitted.id}/return`, {
      reason: '照片不清晰',
      version: submitted.version,
    });
    expect(returned.body).toMatchObject({ status: 'draft', returnReason: '照片不清晰' });
    const noReason = await township.post(`/risk-points/${submitted.id}/return`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('reason');
  });

  it('gives exactly one success to ten simultaneous approvals', async ({
    county,
    admin,
    township,
    member,
  }) => {
    const created = await member.post('/risk-points', {
      ...redPoint(county),
      assessment: { method: 'LS', L: 2, S: 3 },
    });
    await withPhoto(member, county, created.body.id);
    await member.post(`/risk-points/${created.body.id}/submit`);
    const before = await villageStats(admin, county);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => township.post(`/risk-points/${created.body.id}/approve`)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409 || r.status === 403)).toBe(
      true,
    );
    const after = await villageStats(admin, county);
    expect(after.byStatus.filed).toBe(before.byStatus.filed + 1);
    const audit = await admin.get(`/risk-points/${created.body.id}/audit`);
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'filed')).toHaveLength(1);
  });

  it('makes one risk point when a field device retries the create ten times at once', async ({
    county,
    admin,
    member,
  }) => {
    const before = await villageStats(admin, county);
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        member.post('/risk-points', redPoint(county), { 'idempotency-key': 'device-7-filing-42' }),
      ),
    );
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect((await villageStats(admin, county)).total).toBe(before.total + 1);
  });
});

describe('grading tables', () => {
  it('saves a county’s first settings with If-Match: 0 and refuses the same stale version afterwards', async ({
    admin,
  }) => {
    const current = await admin.get('/settings');
    expect(current.body.version).toBe(0);
    const first = await admin.put('/settings', { settings: current.body.settings }, { 'if-match': '0' });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(1);
    const stale = await admin.put('/settings', { settings: current.body.settings }, { 'if-match': '0' });
    expect(stale.status).toBe(409);
  });

  it('keeps old gradings when the county changes its bands, and a re-grade keeps both', async ({
    county,
    admin,
    member,
  }) => {
    const created = await member.post('/risk-points', {
      ...redPoint(county),
      assessment: { method: 'LEC', L: 3, E: 6, C: 15 },
    });
    expect(created.body.color).toBe('orange');
    const current = await admin.get('/settings');
    const settings = structuredClone(current.body.settings);
    settings.grading.LEC[1].above = 300;
    const saved = await admin.put('/settings', { settings, version: current.body.version });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.grading.version).toBe(current.body.settings.grading.version + 1);

    const unchanged = await member.get(`/risk-points/${created.body.id}`);
    expect(unchanged.body).toMatchObject({ color: 'orange', assessment: { tableVersion: 1 } });
    const regraded = await member.patch(`/risk-points/${created.body.id}`, {
      assessment: { method: 'LEC', L: 3, E: 6, C: 15 },
    });
    expect(regraded.body.color).toBe('yellow');
    expect(
      regraded.body.gradings.map((g: { tableVersion: number; color: string }) => [g.tableVersion, g.color]),
    ).toEqual([
      [1, 'orange'],
      [2, 'yellow'],
    ]);
    const restored = structuredClone(settings);
    restored.grading.LEC[1].above = 160;
    await admin.put('/settings', { settings: restored, version: saved.body.version });
  });

  it('refuses bands that leave some scores without a colour, naming the field', async ({ admin }) => {
    const current = await admin.get('/settings');
    const settings = structuredClone(current.body.settings);
    settings.grading.LEC[3].above = 50;
    const refused = await admin.put('/settings', { settings, version: current.body.version });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('grading.LEC');
  });
});

describe('evidence and audit', () => {
  it('refuses an upload that does not match the announced hash, and leaves the record untouched', async ({
    county,
    member,
  }) => {
    const created = await member.post('/risk-points', redPoint(county));
    const announced = testJpeg(9000);
    const requested = await member.post(`/risk-points/${created.body.id}/photos`, {
      contentType: 'image/jpeg',
      size: announced.byteLength,
      sha256: sha256Hex(announced),
    });
    const other = testJpeg(9001);
    await uploadWith({ ...requested.body.upload, headers: { 'content-type': 'image/jpeg' } }, other);
    const confirmed = await member.post(
      `/risk-points/${created.body.id}/photos/${requested.body.photo.id}/confirm`,
    );
    expect(confirmed.status).toBe(400);
    expect(confirmed.body.errors.map((e: { path: string }) => e.path)).toContain('sha256');
    const record = await member.get(`/risk-points/${created.body.id}`);
    expect(record.body).toMatchObject({ photos: [], version: 1 });
  });

  it('refuses photo types other than JPEG, PNG, WebP and HEIC, and files over 10 MB', async ({
    county,
    member,
  }) => {
    const created = await member.post('/risk-points', redPoint(county));
    const gif = await member.post(`/risk-points/${created.body.id}/photos`, {
      contentType: 'image/gif',
      size: 10,
      sha256: 'a'.repeat(64),
    });
    expect(gif.status).toBe(400);
    expect(gif.body.errors[0].path).toBe('contentType');
    const huge = await member.post(`/risk-points/${created.body.id}/photos`, {
      contentType: 'image/jpeg',
      size: 11 * 1024 * 1024,
      sha256: 'a'.repeat(64),
    });
    expect(huge.body.errors[0].path).toBe('size');
  });

  it('names the first broken link when an audit event is altered in the database', async ({
    api,
    county,
    admin,
    member,
  }) => {
    const created = await member.post('/risk-points', redPoint(county));
    await member.patch(`/risk-points/${created.body.id}`, { description: '第一次修改' });
    await member.patch(`/risk-points/${created.body.id}`, { description: '第二次修改' });
    await api.deps.documentClient.send(
      new UpdateCommand({
        TableName: api.tableName,
        Key: { pk: `T#${county.tenant}#AUDIT#risk-point#${created.body.id}`, sk: 'EV#00000002' },
        UpdateExpression: 'SET reason = :r',
        ExpressionAttributeValues: { ':r': '事后篡改' },
      }),
    );
    const audit = await admin.get(`/risk-points/${created.body.id}/audit`);
    expect(audit.body.chain).toMatchObject({ intact: false, brokenAt: 2 });
  });

  it('prints a notice board with the colour, measures, escaped text and a QR code to the record', async ({
    api,
    county,
    member,
  }) => {
    const created = await member.post('/risk-points', {
      ...redPoint(county),
      name: '储罐区<script>alert(1)</script>',
    });
    const response = await api.app.request(
      `/t/${county.tenant}/api/v1/risk-points/${created.body.id}/notice-board`,
      {
        headers: {
          authorization: `Bearer ${await api.login(county.tenant, 'grid.member', DEMO_LOGIN_PASSWORD)}`,
        },
      },
    );
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('风险管控告知牌');
    expect(page).toContain('红色');
    expect(page).toContain('储罐区&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('<svg');
    expect(page).toContain(created.body.controlMeasures[0]);
  });
});

describe('lists', () => {
  it('filters the register by colour within a township in at most two DynamoDB calls', async ({
    county,
    admin,
  }) => {
    const { status, body, headers } = await admin.get(
      `/risk-points?grid=${county.township1}&color=red&limit=100`,
    );
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    expect(
      body.items.every(
        (p: { color: string; gridPath: string }) =>
          p.color === 'red' && p.gridPath.includes(county.township1),
      ),
    ).toBe(true);
    expect(Number(headers.get('x-dynamodb-calls'))).toBeLessThanOrEqual(2);
  });

  it('shows a department its industries’ points and refuses another department’s list', async ({
    county,
    department,
  }) => {
    const own = await department.get(`/risk-points?department=${county.emergencyDept}`);
    expect(own.status).toBe(200);
    expect(
      own.body.items.every((p: { departmentId: string }) => p.departmentId === county.emergencyDept),
    ).toBe(true);
    expect((await department.get(`/risk-points?department=${county.commerceDept}`)).status).toBe(403);
  });

  it('answers each listed point with the review steps its caller may take, as the point’s own answer does', async ({
    county,
    township,
    member,
  }) => {
    const created = { body: await submittedRedPoint(member, county) };
    const listed = async (client: Client) => {
      const items = await everyItem(client, `/risk-points?grid=${county.village1}&status=submitted`);
      const item = items.find((point: { id: string }) => point.id === created.body.id);
      expect(item, 'the submitted point is on the list').toBeDefined();
      return item;
    };
    const [forReviewer, forFiler] = await Promise.all([listed(township), listed(member)]);
    expect(forReviewer.allowedActions).toEqual(['approve', 'return']);
    expect(forFiler.allowedActions).toEqual([]);
    expect(forReviewer.allowedActions).toEqual(
      (await township.get(`/risk-points/${created.body.id}`)).body.allowedActions,
    );
    expect(forFiler.allowedActions).toEqual(
      (await member.get(`/risk-points/${created.body.id}`)).body.allowedActions,
    );
    // What the list reads to decide is not part of a summary.
    for (const field of ['createdBy', 'submittedBy', 'filedColor', 'reopenBy'])
      expect(forReviewer).not.toHaveProperty(field);
  });

  it('keeps county counters equal to the sum of the townships’', async ({ county, admin }) => {
    const countyStats = (await admin.get(`/grids/${county.county}/stats`)).body.riskPoints;
    const townships = (await admin.get(`/grids?parent=${county.county}`)).body.items;
    const sums = { total: 0, red: 0, filed: 0 };
    for (const t of townships) {
      const s = (await admin.get(`/grids/${t.id}/stats`)).body.riskPoints;
      sums.total += s.total;
      sums.red += s.red;
      sums.filed += s.byStatus.filed;
    }
    expect(sums).toEqual({
      total: countyStats.total,
      red: countyStats.red,
      filed: countyStats.byStatus.filed,
    });
    expect(countyStats.total).toBe(
      Object.values(countyStats.byStatus as Record<string, number>).reduce((a, b) => a + b, 0),
    );
  });
});
