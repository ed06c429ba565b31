import { createApp } from '@gridsafe/api';
import { runWebhookDeliveries, timerOnlyDeliveries } from '@gridsafe/api/channels';
import { systemClock } from '@gridsafe/core';
import { describe, expect } from 'vitest';
import { type Client, countyTest } from '../support/fixtures.ts';
import { clientFor, DEMO_LOGIN_PASSWORD } from '../support/harness.ts';
import { postSignedAlert } from '../support/signed-alert.ts';
import { startReceiver, verifiedByDocs } from '../support/webhook-receiver.ts';

/**
 * A write that queues webhook deliveries asks for them to be sent at once (channels/delivery-kick.ts): no test here
 * runs the county's timer to get a first delivery out. The app is the local stack's: the deliveries run in its
 * process right after the answer (in AWS, the county's sweep function invoked asynchronously for them alone).
 */
const it = countyTest({ prefix: 'wk' });

/** Seconds within which a kicked delivery must arrive: the promise is a minute, locally it is moments. */
const FEW_SECONDS = 5_000;

async function subscribe(admin: Client, url: string, events: string[]) {
  const created = await admin.post('/webhooks', { url, events });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; secret: string };
}

async function deliveryLog(admin: Client, id: string) {
  const page = await admin.get(`/webhooks/${id}/deliveries`);
  expect(page.status, JSON.stringify(page.body)).toBe(200);
  return page.body.items as Record<string, any>[];
}

describe('a webhook’s first delivery', () => {
  it('arrives within seconds of the write that queued it, without the county’s timer, and the answer does not wait for it', async ({
    county,
    admin,
    member,
    api,
  }) => {
    const receiver = await startReceiver();
    try {
      const hook = await subscribe(admin, receiver.url, ['hazard.escalated']);
      // A receiver that answers nothing until the test lets it: the write's answer cannot have waited for it.
      const release = receiver.holdUntilReleased();
      const major = await member.post('/hazards', {
        unitId: county.unit(3),
        severity: 'major',
        title: '液氨储罐区无泄漏报警',
      });
      const answeredAt = Date.now();
      expect(major.status, JSON.stringify(major.body)).toBe(201);
      expect(major.body.level).toBe('township');
      expect(receiver.answered()).toBe(0);

      await receiver.waitFor(1, FEW_SECONDS);
      expect(receiver.arrivedAt[0]! - answeredAt).toBeLessThan(FEW_SECONDS);
      release();
      const [delivery] = receiver.received;
      expect(delivery?.body).toMatchObject({
        type: 'hazard.escalated',
        tenant: county.tenant,
        data: { kind: 'hazard', id: major.body.id, level: 'township' },
      });
      expect(verifiedByDocs(hook.secret, delivery!, Math.floor(Date.now() / 1000))).toBe(true);
      await api.deliveriesIdle();
      const [entry] = await deliveryLog(admin, hook.id);
      expect(entry).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
      // Nothing is left for the timer: it would send nothing more.
      expect(receiver.received).toHaveLength(1);
      await admin.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('is sent at once for a signed alert, which has no user behind it, and again at once on a replay', async ({
    county,
    admin,
    api,
  }) => {
    const receiver = await startReceiver();
    try {
      const hook = await subscribe(admin, receiver.url, ['alert.created']);
      const source = (await admin.post('/alert-sources', { name: '可燃气体探测' })).body;
      const sent = await postSignedAlert(api.app, county.tenant, source.secret, {
        sourceId: source.id,
        eventId: `wk-${Date.now()}`,
        unitId: county.unit(3),
        kind: 'gas_leak',
        level: 'red',
        message: '可燃气体浓度超过一级报警值',
        observedAt: new Date().toISOString(),
      });
      expect(sent.status, await sent.clone().text()).toBeLessThan(300);
      await receiver.waitFor(1, FEW_SECONDS);
      expect(receiver.received[0]?.body).toMatchObject({ type: 'alert.created', data: { level: 'red' } });
      await api.deliveriesIdle();

      // The receiver lost it: the county admin replays the delivered event, and it is sent again at once.
      const [delivered] = await deliveryLog(admin, hook.id);
      expect(delivered).toMatchObject({ status: 'delivered' });
      const replayed = await admin.post(`/webhooks/${hook.id}/deliveries/${delivered?.id}/replay`);
      expect(replayed.status, JSON.stringify(replayed.body)).toBe(200);
      await receiver.waitFor(2, FEW_SECONDS);
      expect(receiver.received[1]?.body.id).toBe(receiver.received[0]?.body.id);
      await api.deliveriesIdle();
      expect((await deliveryLog(admin, hook.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
      await admin.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });

  it('is sent once per event when kicks and timer runs work on the same due deliveries at once', async ({
    county,
    admin,
    member,
    api,
    store,
  }) => {
    const receiver = await startReceiver();
    // Slow enough that every run below is still sending when the others look at the same deliveries.
    receiver.hold(300);
    try {
      const hook = await subscribe(admin, receiver.url, ['hazard.escalated']);
      // Eight deliveries queued by an app that asks for no kick: all due at once for whoever runs first.
      const quiet = clientFor(
        createApp({ ...api.deps, deliveries: timerOnlyDeliveries }),
        county.tenant,
        await api.login(county.tenant, 'grid.member', DEMO_LOGIN_PASSWORD),
      );
      const queued = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          quiet.post('/hazards', { unitId: county.unit(3), severity: 'major', title: `重大隐患 ${n + 1}` }),
        ),
      );
      for (const hazard of queued) expect(hazard.status, JSON.stringify(hazard.body)).toBe(201);
      expect(receiver.received).toHaveLength(0);

      // Three runs of the county's timer and a ninth write's kick, all at once.
      const [kicked, ...runs] = await Promise.all([
        member.post('/hazards', { unitId: county.unit(3), severity: 'major', title: '重大隐患 9' }),
        ...[0, 1, 2].map(() => runWebhookDeliveries({ store, clock: systemClock, publicOnly: false })),
      ]);
      expect(kicked.status, JSON.stringify(kicked.body)).toBe(201);
      await receiver.waitFor(9, FEW_SECONDS * 2);
      await api.deliveriesIdle();
      // Each delivery was claimed by one run; the others passed it by.
      const sentByTimer = runs.reduce((sum, run) => sum + (run as { delivered: number }).delivered, 0);
      expect(sentByTimer).toBeLessThanOrEqual(9);
      expect(await runWebhookDeliveries({ store, clock: systemClock, publicOnly: false })).toMatchObject({
        due: 0,
      });

      const events = receiver.received.map((delivery) => delivery.body.id);
      expect(events).toHaveLength(9);
      expect(new Set(events).size).toBe(9);
      expect(receiver.received.map((delivery) => delivery.body.data.id).sort()).toEqual(
        [...queued, kicked].map((hazard) => hazard.body.id).sort(),
      );
      const entries = await deliveryLog(admin, hook.id);
      expect(entries).toHaveLength(9);
      for (const entry of entries) expect(entry).toMatchObject({ status: 'delivered', attempts: 1 });
      await admin.delete(`/webhooks/${hook.id}`);
    } finally {
      await receiver.close();
    }
  });
});
