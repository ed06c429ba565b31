import { DEFAULT_ALERTS_PER_MINUTE, verifyAuditChain } from '@gridsafe/core';
import { signatureOf, signedHeaders } from '@gridsafe/core/signed-message';
import { readAuditTrail } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { countyTest, everyItem, type TestApi } from '../support/fixtures.ts';

const it = countyTest({ prefix: 'al', neighbour: { prefix: 'an' } });

let serial = 0;
/** An alert body as a monitoring system sends it; each call a new event unless told. */
function alertBody(sourceId: string, extra: Record<string, unknown> = {}) {
  serial += 1;
  return {
    sourceId,
    eventId: `evt-${Date.now()}-${serial}`,
    kind: 'gas_concentration',
    level: 'red',
    message: `可燃气体浓度 ${20 + serial}% LEL，超过报警值`,
    observedAt: new Date().toISOString(),
    ...extra,
  };
}

/** POSTs raw bytes to the intake as a machine would: no token, the headers given. */
async function send(api: TestApi, tenant: string, raw: string, headers: Record<string, string>) {
  const response = await api.app.request(`/t/${tenant}/api/v1/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}

/** Sends a body signed now with `secret`. */
function sendSigned(api: TestApi, tenant: string, secret: string, body: unknown) {
  const raw = JSON.stringify(body);
  return send(api, tenant, raw, signedHeaders(secret, raw));
}

describe('monitoring alerts', () => {
  it('shows the demo county’s monitoring system and its open alerts, each at its unit', async ({ admin }) => {
    const sources = (await admin.get('/alert-sources')).body.items as { name: string }[];
    expect(sources.map((source) => source.name)).toContain('重大危险源在线监测系统');
    const open = await everyItem(admin, '/alerts?status=open');
    const seeded = open.filter((alert) => alert.sourceName === '重大危险源在线监测系统');
    expect(seeded.map((alert) => alert.level).sort()).toEqual(['orange', 'red', 'yellow']);
    expect(seeded.every((alert) => alert.unitId && alert.location)).toBe(true);
  });

  it('registers a source whose secret is shown once and never listed', async ({ admin, township }) => {
    const created = await admin.post('/alert-sources', { name: '燃气监测平台' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^gss_/);
    const listed = await admin.get('/alert-sources');
    expect(listed.status).toBe(200);
    const source = listed.body.items.find((item: { id: string }) => item.id === created.body.id);
    expect(source).toMatchObject({ name: '燃气监测平台', ratePerMinute: DEFAULT_ALERTS_PER_MINUTE });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(JSON.stringify(listed.body)).not.toContain('secret');
    expect((await township.get('/alert-sources')).status).toBe(403);
    expect((await township.post('/alert-sources', { name: '别人的平台' })).status).toBe(403);
    const nameless = await admin.post('/alert-sources', {});
    expect(nameless.status).toBe(400);
    expect(nameless.body.errors[0].path).toContain('name');
  });

  it('accepts a signed alert, places it at its unit and tells the village’s grid member and the department', async ({
    api,
    admin,
    member,
    department,
    county,
  }) => {
    const { body: source } = await admin.post('/alert-sources', { name: '危化品储罐监测' });
    // Unit 3 lies in village 1 under the emergency department, which the department officer holds.
    const unitId = county.unit(3);
    const body = alertBody(source.id, { unitId });
    const accepted = await sendSigned(api, county.tenant, source.secret, body);
    expect(accepted.status).toBe(202);
    expect(accepted.body.id).toMatch(/^[0-9A-Z]{26}$/);

    const alert = (await member.get(`/alerts/${accepted.body.id}`)).body;
    expect(alert).toMatchObject({ status: 'open', unitId, level: 'red', sourceName: '危化品储罐监测' });
    const open = await everyItem(member, '/alerts?status=open');
    expect(open.map((item) => item.id)).toContain(accepted.body.id);
    for (const client of [member, department]) {
      const inbox = await client.get('/notifications');
      expect(
        inbox.body.items.some(
          (note: { topic: string; subject: { id: string } }) =>
            note.topic === 'alert_received' && note.subject.id === accepted.body.id,
        ),
      ).toBe(true);
    }
    // On the map at its unit's position.
    const unit = (await admin.get(`/units/${unitId}`)).body;
    const map = await admin.get('/map/points?kind=alert');
    expect(map.status).toBe(200);
    const point = map.body.items.find((item: { id: string }) => item.id === accepted.body.id);
    expect(point).toMatchObject({ lat: unit.location.lat, lng: unit.location.lng, level: 'red' });
  });

  it('refuses a wrong signature, a missing one, an unknown source and a stale timestamp with 401', async ({
    api,
    admin,
    county,
  }) => {
    const { body: source } = await admin.post('/alert-sources', { name: '视频监控' });
    const before = (await everyItem(admin, '/alerts')).length;
    const raw = JSON.stringify(alertBody(source.id));
    const now = Math.floor(Date.now() / 1000);
    const wrongKey = await send(api, county.tenant, raw, signedHeaders('gss_not-the-secret', raw));
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.headers.get('content-type')).toContain('application/problem+json');
    expect(wrongKey.body.code).toBe('signature_mismatch');
    // The body changed after signing.
    const tampered = await send(
      api,
      county.tenant,
      raw.replace('red', 'blue'),
      signedHeaders(source.secret, raw),
    );
    expect(tampered.status).toBe(401);
    expect((await send(api, county.tenant, raw, {})).body.code).toBe('signature_missing');
    const stale = now - 6 * 60;
    const old = await send(api, county.tenant, raw, {
      'x-gridsafe-timestamp': String(stale),
      'x-gridsafe-signature': signatureOf(source.secret, stale, raw),
    });
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('signature_stale');
    const future = now + 6 * 60;
    const ahead = await send(api, county.tenant, raw, {
      'x-gridsafe-timestamp': String(future),
      'x-gridsafe-signature': signatureOf(source.secret, future, raw),
    });
    expect(ahead.status).toBe(401);
    // Four minutes off is within the tolerance.
    const late = now - 4 * 60;
    const within = await send(api, county.tenant, raw, {
      'x-gridsafe-timestamp': String(late),
      'x-gridsafe-signature': signatureOf(source.secret, late, raw),
    });
    expect(within.status).toBe(202);
    const unknown = JSON.stringify(alertBody('01ARZ3NDEKTSV4RRFFQ69G5FAV'));
    expect((await send(api, county.tenant, unknown, signedHeaders(source.secret, unknown))).status).toBe(401);
    expect((await everyItem(admin, '/alerts')).length).toBe(before + 1);
  });

  it('answers the same event again with the first alert’s id and the same status, never a second alert', async ({
    api,
    admin,
    county,
  }) => {
    const { body: source } = await admin.post('/alert-sources', { name: '液位计' });
    const body = alertBody(source.id, { unitId: county.unit(1) });
    const first = await sendSigned(api, county.tenant, source.secret, body);
    const copies = await Promise.all(
      [1, 2, 3].map(() => sendSigned(api, county.tenant, source.secret, body)),
    );
    expect(first.status).toBe(202);
    for (const copy of copies)
      expect({ status: copy.status, id: copy.body.id }).toEqual({ status: 202, id: first.body.id });
    // Two copies of a new event in flight at once still make one alert.
    const twin = alertBody(source.id, { unitId: county.unit(1) });
    const [a, b] = await Promise.all([
      sendSigned(api, county.tenant, source.secret, twin),
      sendSigned(api, county.tenant, source.secret, twin),
    ]);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(a.body.id).toBe(b.body.id);
    const mine = (await everyItem(admin, '/alerts')).filter((alert) => alert.sourceId === source.id);
    expect(mine.map((alert) => alert.eventId).sort()).toEqual([body.eventId, twin.eventId].sort());
  });

  it('keeps the old secret working for a while after a rotation, and the new one at once', async ({
    api,
    admin,
    county,
  }) => {
    const { body: source } = await admin.post('/alert-sources', { name: '轮换测试' });
    const rotated = await admin.post(`/alert-sources/${source.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(source.secret);
    expect(Date.parse(rotated.body.previousSecretUntil)).toBeGreaterThan(Date.now() + 30 * 60_000);
    const withOld = await sendSigned(api, county.tenant, source.secret, alertBody(source.id));
    expect(withOld.status).toBe(202);
    const withNew = await sendSigned(api, county.tenant, rotated.body.secret, alertBody(source.id));
    expect(withNew.status).toBe(202);
    // A second rotation retires the first secret.
    const again = await admin.post(`/alert-sources/${source.id}/rotate`);
    expect((await sendSigned(api, county.tenant, source.secret, alertBody(source.id))).status).toBe(401);
    expect((await sendSigned(api, county.tenant, again.body.secret, alertBody(source.id))).status).toBe(202);
    expect(JSON.stringify((await admin.get('/alert-sources')).body)).not.toContain(again.body.secret);
  });

  it('turns an alert into a hazard of its unit with one action, links it, and refuses a second conversion', async ({
    api,
    admin,
    township,
    county,
    store,
  }) => {
    const { body: source } = await admin.post('/alert-sources', { name: '转隐患测试' });
    const unitId = county.unit(1);
    const { body } = await sendSigned(api, county.tenant, source.secret, alertBody(source.id, { unitId }));
    const converted = await township.post(`/alerts/${body.id}/hazard`, { severity: 'general' });
    expect(converted.status).toBe(201);
    expect(converted.body.hazard).toMatchObject({
      unitId,
      source: 'alert',
      alertId: body.id,
      status: 'open',
    });
    expect(converted.body.alert).toMatchObject({ status: 'handled', hazardId: converted.body.hazard.id });
    const hazard = await township.get(`/hazards/${converted.body.hazard.id}`);
    expect(hazard.status).toBe(200);
    expect(hazard.body.title).toContain('gas_concentration');
    expect((await township.get(`/alerts/${body.id}`)).body.status).toBe('handled');
    expect((await everyItem(township, '/alerts?status=open')).map((a) => a.id)).not.toContain(body.id);
    expect((await everyItem(township, '/alerts?status=handled')).map((a) => a.id)).toContain(body.id);
    const second = await township.post(`/alerts/${body.id}/hazard`, { severity: 'general' });
    expect(second.status).toBe(409);
    const trail = await readAuditTrail(store, 'alert', body.id);
    expect(trail.map((event) => event.action)).toEqual(['created', 'handled']);
    expect(verifyAuditChain(trail).intact).toBe(true);
  });

  it('asks for a unit when the alert names none, then makes the hazard of the unit named', async ({
    api,
    admin,
    township,
    county,
  }) => {
    const { body: source } = await admin.post('/alert-sources', { name: '无单位告警' });
    const { body } = await sendSigned(
      api,
      county.tenant,
      source.secret,
      alertBody(source.id, { location: { lat: 33.16, lng: 115.62 } }),
    );
    // Of no unit, it is the county's: the township does not see it yet.
    expect((await township.get(`/alerts/${body.id}`)).status).toBe(403);
    const unitless = await admin.post(`/alerts/${body.id}/hazard`, { severity: 'major' });
    expect(unitless.status).toBe(400);
    expect(unitless.body.errors).toEqual([expect.objectContaining({ path: 'unitId' })]);
    expect((await admin.get(`/alerts/${body.id}`)).body.status).toBe('open');
    const named = await admin.post(`/alerts/${body.id}/hazard`, {
      severity: 'major',
      unitId: county.unit(2),
    });
    expect(named.status).toBe(201);
    expect(named.body.hazard).toMatchObject({ unitId: county.unit(2), severity: 'major' });
    expect(named.body.alert).toMatchObject({ unitId: county.unit(2), status: 'handled' });
    expect((await township.get(`/alerts/${body.id}`)).status).toBe(200);
  });

  it('shows each person only the alerts of their area, and no county another’s', async ({
    api,
    admin,
    member,
    unitUser,
    county,
    neighbour,
  }) => {
    const { body: source } = await admin.post('/alert-sources', { name: '范围测试' });
    // Unit 4 lies in village 2: not the grid member's.
    const away = await sendSigned(
      api,
      county.tenant,
      source.secret,
      alertBody(source.id, { unitId: county.unit(4) }),
    );
    expect((await member.get(`/alerts/${away.body.id}`)).status).toBe(403);
    expect((await everyItem(member, '/alerts')).map((a) => a.id)).not.toContain(away.body.id);
    expect((await member.post(`/alerts/${away.body.id}/hazard`, { severity: 'general' })).status).toBe(403);
    expect((await unitUser.get('/alerts')).status).toBe(403);
    // The neighbour county knows neither the alert nor the source: its secret signs nothing there.
    expect(
      (
        await sendSigned(
          api,
          neighbour.tenant,
          source.secret,
          alertBody(source.id, { unitId: county.unit(4) }),
        )
      ).status,
    ).toBe(401);
    expect((await admin.get(`/alerts/${away.body.id}`)).status).toBe(200);
  });

  it('throttles a storm from one source on its own budget, loses nothing it accepted and slows no one else', async ({
    api,
    admin,
    member,
    county,
  }) => {
    const { body: stormy } = await admin.post('/alert-sources', { name: '故障传感器' });
    const { body: calm } = await admin.post('/alert-sources', { name: '正常传感器' });
    const started = Date.now();
    const answers: { status: number; eventId: string; id?: string; retryAfter: string | null }[] = [];
    const userAnswers: number[] = [];
    // 1,000 alerts from one source within the minute, twenty in flight at a time, a person working meanwhile.
    for (let batch = 0; batch < 50; batch++) {
      const bodies = Array.from({ length: 20 }, () => alertBody(stormy.id, { unitId: county.unit(1) }));
      const [sent, user] = await Promise.all([
        Promise.all(bodies.map((body) => sendSigned(api, county.tenant, stormy.secret, body))),
        batch % 10 === 0 ? member.get('/hazards?limit=5') : Promise.resolve(undefined),
      ]);
      for (const [index, answer] of sent.entries())
        answers.push({
          status: answer.status,
          eventId: bodies[index]!.eventId,
          id: answer.body?.id,
          retryAfter: answer.headers.get('retry-after'),
        });
      if (user) userAnswers.push(user.status);
    }
    const minutes = Math.floor(Date.now() / 60_000) - Math.floor(started / 60_000) + 1;
    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(accepted.length + refused.length).toBe(1000);
    expect(accepted.length).toBeGreaterThanOrEqual(DEFAULT_ALERTS_PER_MINUTE);
    expect(accepted.length).toBeLessThanOrEqual(DEFAULT_ALERTS_PER_MINUTE * minutes);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
    }
    // The people of the county were answered all along; another source's alert is accepted at once.
    expect(userAnswers).toEqual([200, 200, 200, 200, 200]);
    expect((await member.get('/alerts?limit=1')).status).toBe(200);
    expect((await sendSigned(api, county.tenant, calm.secret, alertBody(calm.id))).status).toBe(202);
    // Every alert accepted is there, and nothing refused is.
    const stored = (await everyItem(admin, '/alerts')).filter((alert) => alert.sourceId === stormy.id);
    expect(stored.map((alert) => alert.id).sort()).toEqual(accepted.map((answer) => answer.id).sort());
    const refusedEvents = new Set(refused.map((answer) => answer.eventId));
    expect(stored.some((alert) => refusedEvents.has(alert.eventId))).toBe(false);
    // An accepted event sent again during the storm still answers its id, not 429.
    const again = await sendSigned(api, county.tenant, stormy.secret, {
      ...alertBody(stormy.id),
      eventId: accepted[0]!.eventId,
      unitId: county.unit(1),
    });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(accepted[0]!.id);
  }, 180_000);

  it('answers 400 naming the field for a signed alert of an unknown unit, and accepts nothing', async ({
    api,
    admin,
    county,
  }) => {
    const { body: source } = await admin.post('/alert-sources', { name: '错误单位' });
    const noUnit = await sendSigned(
      api,
      county.tenant,
      source.secret,
      alertBody(source.id, { unitId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
    );
    expect(noUnit.status).toBe(400);
    expect(noUnit.body.errors).toEqual([expect.objectContaining({ path: 'unitId' })]);
    const badLevel = await sendSigned(
      api,
      county.tenant,
      source.secret,
      alertBody(source.id, { level: 'purple' }),
    );
    expect(badLevel.status).toBe(400);
    expect(badLevel.body.errors[0].path).toContain('level');
    expect((await everyItem(admin, '/alerts')).some((alert) => alert.sourceId === source.id)).toBe(false);
  });
});
