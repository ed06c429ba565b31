import type { LookupAddress } from 'node:dns';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { createApp } from '@gridsafe/api';
import { runWebhookDeliveries } from '@gridsafe/api/channels';
import { AdjustableClock, verifyAuditChain } from '@gridsafe/core';
import { backfillExchangeIndex, ensureTable, GSI_NAMES, tableDefinition } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { addPhoto } from '../support/duties.ts';
import { type Client, countyTest } from '../support/fixtures.ts';
import { clientFor, DEMO_LOGIN_PASSWORD } from '../support/harness.ts';
import { redPoint } from '../support/record-bodies.ts';
import { postSignedAlert } from '../support/signed-alert.ts';
import { startReceiver, verifiedByDocs } from '../support/webhook-receiver.ts';

const MINUTE = 60_000;
const clock = new AdjustableClock();
// These tests drive the county's timer themselves (retries, backoff, dead letters): a write's deliveries wait for
// it. webhooks-kick.test.ts is the first delivery sent right after the write.
const it = countyTest({ prefix: 'wh', neighbour: { prefix: 'wn' }, clock, webhookDeliveries: 'timer' })
  /** The county's timer run once: what the outbox has due is sent (http://127.0.0.1 allowed, as locally). */
  .extend(
    'deliver',
    { scope: 'file' },
    ({ store }) =>
      () =>
        runWebhookDeliveries({ store, clock, publicOnly: false }),
  );

const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

async function subscribe(admin: Client, url: string, events: string[]) {
  const created = await admin.post('/webhooks', { url, events });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; secret: string };
}

async function log(admin: Client, id: string) {
  const page = await admin.get(`/webhooks/${id}/deliveries`);
  expect(page.status, JSON.stringify(page.body)).toBe(200);
  return page.body.items as Record<string, any>[];
}

/** A red point the grid member filed through the whole review: submitted, township, county. */
async function fileRedPoint(
  member: Client,
  township: Client,
  admin: Client,
  county: Parameters<typeof redPoint>[0],
) {
  const created = await member.post('/risk-points', redPoint(county));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await addPhoto(member, 'risk-points', created.body.id);
  expect((await member.post(`/risk-points/${created.body.id}/submit`)).status).toBe(200);
  expect((await township.post(`/risk-points/${created.body.id}/approve`)).status).toBe(200);
  const filed = await admin.post(`/risk-points/${created.body.id}/approve`);
  expect(filed.body.status).toBe('filed');
  return filed.body as { id: string; updatedAt: string };
}

describe('outbound webhooks', () => {
  it('registers a webhook whose secret is shown once and never listed, for the county admin only', async ({
    admin,
    township,
    department,
    neighbour,
    api,
  }) => {
    const receiver = await startReceiver();
    try {
      const created = await subscribe(admin, receiver.url, ['risk-point.filed']);
      expect(created.secret).toMatch(/^gss_/);
      const listed = await admin.get('/webhooks');
      expect(listed.status).toBe(200);
      const mine = listed.body.items.find((hook: { id: string }) => hook.id === created.id);
      expect(mine).toMatchObject({ url: receiver.url, events: ['risk-point.filed'], enabled: true });
      expect(JSON.stringify(listed.body)).not.toContain(created.secret);
      expect(JSON.stringify((await admin.get(`/webhooks/${created.id}`)).body)).not.toContain(created.secret);
      expect((await township.get('/webhooks')).status).toBe(403);
      expect(
        (await department.post('/webhooks', { url: receiver.url, events: ['hazard.closed'] })).status,
      ).toBe(403);
      // Another county does not know it.
      const neighbourAdmin = clientFor(
        api.app,
        neighbour.tenant,
        await api.login(neighbour.tenant, 'county.admin', DEMO_LOGIN_PASSWORD),
      );
      expect((await neighbourAdmin.get(`/webhooks/${created.id}`)).status).toBe(404);
      // Locally a target is https, or http only at 127.0.0.1; an unknown event is named.
      const plain = await admin.post('/webhooks', {
        url: 'http://example.com/hook',
        events: ['hazard.closed'],
      });
      expect(plain.status).toBe(400);
      expect(plain.body.errors[0].path).toBe('url');
      const unknown = await admin.post('/webhooks', { url: receiver.url, events: ['hazard.opened'] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].path).toMatch(/^events/);
      // Deleted: it leaves the list, its trail stays verified.
      expect((await admin.delete(`/webhooks/${created.id}`)).body).toMatchObject({ enabled: false });
      expect((await admin.get('/webhooks')).body.items.map((hook: { id: string }) => hook.id)).not.toContain(
        created.id,
      );
      expect((await admin.get(`/webhooks/${created.id}`)).status).toBe(404);
    } finally {
      await receiver.close();
    }
  });

  it('sends a filed risk point and a hazard raised to the township, signed as docs/exchange.md says', async ({
    county,
    admin,
    township,
    member,
    deliver,
  }) => {
    const receiver = await startReceiver();
    try {
      const hook = await subscribe(admin, receiver.url, ['risk-point.filed', 'hazard.escalated']);
      const point = await fileRedPoint(member, township, admin, county);
      const major = await member.post('/hazards', {
        unitId: county.unit(3),
        severity: 'major',
        title: '液氨管道腐蚀严重',
      });
      expect(major.body.level).toBe('township');
      expect(receiver.received).toHaveLength(0);

      const run = await deliver();
      expect(run).toMatchObject({ delivered: 2, retrying: 0, dead: 0 });
      const [escalated, filed] = [...receiver.received].sort((a, b) =>
        a.body.type.localeCompare(b.body.type),
      );
      if (!filed || !escalated) throw new Error('two deliveries expected');
      expect(filed.body).toMatchObject({
        type: 'risk-point.filed',
        tenant: county.tenant,
        data: { kind: 'risk-point', id: point.id, status: 'filed', color: 'red', unitId: county.unit(3) },
      });
      expect(filed.body.id).toMatch(/^evt_/);
      expect(escalated.body).toMatchObject({
        type: 'hazard.escalated',
        data: { kind: 'hazard', id: major.body.id, level: 'township', severity: 'major' },
      });
      for (const delivery of receiver.received) {
        expect(delivery.headers['content-type']).toBe('application/json');
        expect(verifiedByDocs(hook.secret, delivery, nowSeconds())).toBe(true);
        expect(verifiedByDocs('gss_someone-else', delivery, nowSeconds())).toBe(false);
        expect(delivery.headers['x-gridsafe-event']).toBe(delivery.body.type);
      }
      const entries = await log(admin, hook.id);
      expect(entries).toHaveLength(2);
      for (const entry of entries)
        expect(entry).toMatchObject({
          status: 'delivered',
          attempts: 1,
          lastStatus: 200,
          deadLettered: false,
        });
      // Sent once: the next run finds nothing due.
      expect(await deliver()).toMatchObject({ due: 0 });
      expect(receiver.received).toHaveLength(2);
      await admin.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('tries again a minute after the receiver answers 500, and records the success', async ({
    county,
    admin,
    member,
    deliver,
  }) => {
    const receiver = await startReceiver();
    try {
      const hook = await subscribe(admin, receiver.url, ['hazard.closed']);
      const created = await member.post('/hazards', {
        unitId: county.unit(3),
        severity: 'general',
        title: '消防通道堵塞',
      });
      const { photoId } = await addPhoto(member, 'hazards', created.body.id);
      const resolved = await member.post(`/hazards/${created.body.id}/resolve-on-site`, {
        note: '当场清理',
        photoIds: [photoId],
      });
      expect(resolved.body.status).toBe('closed');
      receiver.answer(500, 200);

      expect(await deliver()).toMatchObject({ delivered: 0, retrying: 1 });
      const [failed] = await log(admin, hook.id);
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, deadLettered: false });
      expect(failed?.lastError).toContain('500');
      expect(Date.parse(failed?.nextAttemptAt) - clock.now().getTime()).toBeGreaterThan(50_000);
      // Not before its time.
      expect(await deliver()).toMatchObject({ due: 0 });
      clock.advance(MINUTE + 1000);
      expect(await deliver()).toMatchObject({ delivered: 1 });
      const [delivered] = await log(admin, hook.id);
      expect(delivered).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
      expect(delivered?.nextAttemptAt).toBeUndefined();
      // Both attempts carried the same event, so a receiver can drop a repeat by its id.
      expect(receiver.received.map((r) => r.body.id)).toEqual([
        receiver.received[0]?.body.id,
        receiver.received[0]?.body.id,
      ]);
      expect(receiver.received[1]?.body).toMatchObject({ type: 'hazard.closed', data: { status: 'closed' } });
      await admin.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('dead-letters a delivery after its last retry, and a replay sends it again', async ({
    county,
    api,
    admin,
    deliver,
  }) => {
    const receiver = await startReceiver();
    try {
      const hook = await subscribe(admin, receiver.url, ['alert.created']);
      const source = (await admin.post('/alert-sources', { name: '储罐液位监测' })).body;
      const sent = await postSignedAlert(
        api.app,
        county.tenant,
        source.secret,
        {
          sourceId: source.id,
          eventId: `wh-${Date.now()}`,
          unitId: county.unit(3),
          kind: 'tank_level',
          level: 'orange',
          message: '液位超过高报值',
          observedAt: clock.now().toISOString(),
        },
        nowSeconds(),
      );
      expect(sent.status, await sent.clone().text()).toBeLessThan(300);
      receiver.answer(500);
      // 1 + 5 retries, each after its wait: 1 min, 5 min, 30 min, 2 h, 12 h.
      for (const wait of [0, 1, 5, 30, 120, 720]) {
        clock.advance(wait * MINUTE + 1000);
        expect((await deliver()).due).toBe(1);
      }
      const [dead] = await log(admin, hook.id);
      expect(dead).toMatchObject({ status: 'dead', deadLettered: true, attempts: 6, lastStatus: 500 });
      expect(dead?.nextAttemptAt).toBeUndefined();
      clock.advance(24 * 60 * MINUTE);
      expect(await deliver()).toMatchObject({ due: 0 });
      expect(receiver.received).toHaveLength(6);

      receiver.answer(200);
      const replayed = await admin.post(`/webhooks/${hook.id}/deliveries/${dead?.id}/replay`);
      expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
      expect(replayed.body).toMatchObject({ status: 'pending', attempts: 0, replayedBy: 'county.admin' });
      // A delivery still being tried is not replayed twice.
      expect((await admin.post(`/webhooks/${hook.id}/deliveries/${dead?.id}/replay`)).status).toBe(409);
      expect(await deliver()).toMatchObject({ delivered: 1 });
      expect(receiver.received).toHaveLength(7);
      expect(receiver.received[6]?.body).toMatchObject({ type: 'alert.created', data: { level: 'orange' } });
      expect(verifiedByDocs(hook.secret, receiver.received[6] as never, nowSeconds())).toBe(true);
      const trail = (await admin.get(`/webhooks/${hook.id}/audit`)).body;
      expect(trail.items.map((event: { action: string }) => event.action)).toEqual([
        'created',
        'delivery_replayed',
      ]);
      expect(verifyAuditChain(trail.items).intact).toBe(true);
      expect(
        (await admin.post(`/webhooks/${hook.id}/deliveries/01JD5Y7ZK3QF8W0M2N4P6R8T0V/replay`)).status,
      ).toBe(404);
      await admin.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('pages the export feed of filed risk points and hazards changed since a time, in the caller’s area', async ({
    county,
    admin,
    township,
    department,
    member,
  }) => {
    const since = clock.now().toISOString();
    clock.advance(1000);
    const point = await fileRedPoint(member, township, admin, county);
    const hazard = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'general',
      title: '配电箱未接地',
    });
    const draft = await member.post('/risk-points', { ...redPoint(county), name: '未提交的风险点' });
    expect(draft.status).toBe(201);

    const seen: Record<string, any>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await admin.get(
        `/exchange/feed?since=${encodeURIComponent(since)}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.map((item) => `${item.kind}:${item.id}`).sort()).toEqual(
      [`risk-point:${point.id}`, `hazard:${hazard.body.id}`].sort(),
    );
    // Oldest change first; the draft is not in it until it is filed.
    expect(seen.map((item) => item.updatedAt)).toEqual([...seen.map((item) => item.updatedAt)].sort());
    expect(seen.find((item) => item.kind === 'risk-point')).toMatchObject({ status: 'filed', color: 'red' });
    expect(JSON.stringify(seen)).not.toContain('photos');

    // Township 1's officer and the unit's department see them; township 2's part of the county is another feed.
    const townshipFeed = (await township.get(`/exchange/feed?since=${encodeURIComponent(since)}`)).body.items;
    expect(townshipFeed.map((item: { id: string }) => item.id).sort()).toEqual(
      [point.id, hazard.body.id].sort(),
    );
    const departmentFeed = await department.get(`/exchange/feed?since=${encodeURIComponent(since)}`);
    expect(departmentFeed.status).toBe(200);
    const outside = await admin.get(
      `/exchange/feed?since=${encodeURIComponent(since)}&grid=${county.township2}`,
    );
    expect(outside.body.items).toEqual([]);
    expect((await township.get(`/exchange/feed?grid=${county.township2}`)).status).toBe(403);
    // Without a time, the whole feed from its start.
    const whole = await admin.get('/exchange/feed?limit=100');
    expect(whole.status, JSON.stringify(whole.body)).toBe(200);
    expect(whole.body.items.map((item: { id: string }) => item.id)).toEqual(
      expect.arrayContaining([point.id, hazard.body.id]),
    );
    // The grid member has no feed; a bad time is named.
    expect((await member.get('/exchange/feed')).status).toBe(403);
    const bad = await admin.get('/exchange/feed?since=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('since');
    // Later than everything: an empty page, no cursor.
    clock.advance(1000);
    const none = await admin.get(`/exchange/feed?since=${encodeURIComponent(clock.now().toISOString())}`);
    expect(none.body).toEqual({ items: [] });
  });

  it('refuses private, loopback and metadata targets in AWS, and checks the name again at delivery', async ({
    county,
    api,
    admin,
    member,
    store,
  }) => {
    // A name's addresses as DNS would answer them: one public, one re-pointed into the VPC after registration.
    const zone: Record<string, string[]> = {
      'hooks.example.com': ['93.184.216.34'],
      'intranet.example.com': ['93.184.216.35', '10.0.3.7'],
    };
    const lookup = ((
      host: string,
      _options: unknown,
      callback: (e: Error | null, a?: LookupAddress[]) => void,
    ) => {
      const found = zone[host];
      if (!found) return callback(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
      callback(
        null,
        found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    }) as never;
    const cloud = createApp({ ...api.deps, webhooks: { publicOnly: true, lookup } });
    const cloudAdmin = clientFor(
      cloud,
      county.tenant,
      await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD),
    );
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/hook',
      'https://[::ffff:192.168.1.9]/hook',
      'https://localhost/hook',
      'http://hooks.example.com/hook',
      'https://intranet.example.com/hook',
      'https://nowhere.example.com/hook',
    ]) {
      const refused = await cloudAdmin.post('/webhooks', { url, events: ['alert.created'] });
      expect(refused.status, url).toBe(400);
      expect(refused.body.errors[0].path, url).toBe('url');
    }
    const accepted = await cloudAdmin.post('/webhooks', {
      url: 'https://hooks.example.com/gridsafe',
      events: ['hazard.closed'],
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    // The name now answers a private address too: the delivery is refused at connection, nothing is sent.
    zone['hooks.example.com'] = ['93.184.216.34', '169.254.169.254'];
    const created = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'general',
      title: '仓库堆垛过高',
    });
    const { photoId } = await addPhoto(member, 'hazards', created.body.id);
    const closed = await member.post(`/hazards/${created.body.id}/resolve-on-site`, {
      note: '已整改',
      photoIds: [photoId],
    });
    expect(closed.body.status, JSON.stringify(closed.body)).toBe('closed');
    const run = await runWebhookDeliveries({ store, clock, publicOnly: true, lookup });
    expect(run).toMatchObject({ due: 1, delivered: 0, retrying: 1 });
    const [refusedDelivery] = await log(admin, accepted.body.id);
    expect(refusedDelivery?.lastError).toMatch(/169\.254\.169\.254.*metadata/);
    expect(refusedDelivery?.lastStatus).toBeUndefined();
  });

  it('gives records written before the feed their place in it when the county is migrated, once', async ({
    county,
    admin,
    member,
    store,
  }) => {
    const since = clock.now().toISOString();
    clock.advance(1000);
    const hazard = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'general',
      title: '旧隐患',
    });
    expect(hazard.status).toBe(201);
    // As the API wrote it before the feed existed: no `changed` index keys.
    await store.update({
      Key: { pk: store.key('HZ', hazard.body.id), sk: 'HZ' },
      UpdateExpression: 'REMOVE changedpk, changedsk',
    });
    const feed = async () =>
      (await admin.get(`/exchange/feed?since=${encodeURIComponent(since)}`)).body.items.map(
        (item: { id: string }) => item.id,
      );
    expect(await feed()).not.toContain(hazard.body.id);

    const first = await backfillExchangeIndex(store);
    expect(first.hazards).toBeGreaterThanOrEqual(1);
    expect(await feed()).toContain(hazard.body.id);
    // Run again, it writes nothing: every record has its keys.
    expect(await backfillExchangeIndex(store)).toEqual({ riskPoints: 0, hazards: 0 });
  });

  it('adds an index a table made by an older version lacks, instead of refusing to start', async ({
    api,
  }) => {
    const tableName = `gridsafe-old-${Date.now().toString(36)}`;
    const client = api.deps.documentClient;
    const definition = tableDefinition(tableName);
    await client.send(
      new CreateTableCommand({
        ...definition,
        AttributeDefinitions: definition.AttributeDefinitions.filter(
          (a) => !a.AttributeName.startsWith('changed'),
        ),
        GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes.filter(
          (index) => index.IndexName !== 'changed',
        ),
      }),
    );
    try {
      expect(await ensureTable(client, tableName)).toBe('exists');
      const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
        [...GSI_NAMES].sort(),
      );
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    }
  });
});
