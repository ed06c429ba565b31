import {
  AdjustableClock,
  DEFAULT_NOTIFICATION_CHANNELS,
  type Delivery,
  type NotificationChannels,
  type NotificationMessage,
  silentLogger,
} from '@gridsafe/core';
import { runReminderSweep, type TenantStore } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { recordLink } from '../../packages/api/src/channels/links.ts';
import { outboundNotifier } from '../../packages/api/src/channels/outbound-notifier.ts';
import { localSink, type OutboundTransports } from '../../packages/api/src/channels/transports.ts';
import { type Client, countyTest, everyItem } from '../support/fixtures.ts';

const clock = new AdjustableClock();
const MINUTE = 60_000;
const DAY = 86_400_000;

/** Moves the shared clock to the next 23:00 in Beijing (15:00 UTC) at or after `from`. */
function toBeijingEleven(from: number) {
  const at = new Date(from);
  at.setUTCHours(15, 0, 0, 0);
  if (at.getTime() < from) at.setTime(at.getTime() + DAY);
  clock.advance(at.getTime() - clock.now().getTime());
  return at.getTime();
}

const smsFor = (topic: string, roles: string[], extra: Partial<NotificationChannels> = {}) => ({
  ...DEFAULT_NOTIFICATION_CHANNELS,
  sms: {
    enabled: true,
    signName: '太和应急',
    roles: { [topic]: roles },
    templates: { [topic]: 'SMS_154950909' },
  },
  ...extra,
});

async function saveChannels(admin: Client, channels: unknown) {
  const current = await admin.get('/notification-channels');
  const saved = await admin.put('/notification-channels', { channels, version: current.body.version });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return saved.body;
}

const deliveries = (admin: Client) => everyItem<Delivery>(admin, '/notification-channels/deliveries');

/** The channels alone on the county's table, with transports of the test's choosing. */
function channelsOn(
  store: TenantStore,
  channels: NotificationChannels,
  transports: OutboundTransports = localSink,
) {
  return outboundNotifier({
    store,
    clock,
    logger: silentLogger,
    transports,
    linkOf: recordLink('https://app.example.cn', store.tenant),
    channels: async () => channels,
  });
}

let serial = 0;
function noticeTo(township: string, urgent: boolean): NotificationMessage {
  serial += 1;
  return {
    id: `01JCHANNELTEST${String(serial).padStart(12, '0')}`,
    recipient: { kind: 'grid', id: township },
    topic: 'hazard_escalated',
    subject: { type: 'hazard', id: `01JCHANNELHAZARD${String(serial).padStart(10, '0')}` },
    title: `【乡镇】一般隐患：测试单位 测试隐患${serial}`,
    body: '请登录系统查看。',
    createdAt: clock.now().toISOString(),
    ...(urgent ? { urgent: true } : {}),
  };
}

const it = countyTest({ prefix: 'ch', clock });

describe('the county’s channel settings', () => {
  it('answers everything off until the county admin turns a channel on, and refuses every other role', async ({
    admin,
    township,
    member,
  }) => {
    const first = await admin.get('/notification-channels');
    expect(first.status).toBe(200);
    expect(first.body.channels.sms.enabled).toBe(false);
    expect(first.body.channels.robots).toEqual([]);
    expect((await township.get('/notification-channels')).status).toBe(403);
    expect((await member.get('/notification-channels/deliveries')).status).toBe(403);
    expect(
      (await township.put('/notification-channels', { channels: DEFAULT_NOTIFICATION_CHANNELS })).status,
    ).toBe(403);
  });

  it('refuses a robot webhook of any host but the provider’s, naming the field, and changes nothing', async ({
    admin,
  }) => {
    const before = await admin.get('/notification-channels');
    const refused = await admin.put('/notification-channels', {
      channels: {
        ...DEFAULT_NOTIFICATION_CHANNELS,
        robots: [
          {
            name: '内网探测',
            kind: 'wecom',
            webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789',
            topics: ['hazard_escalated'],
          },
        ],
      },
      version: before.body.version,
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('channels.robots.0.webhookUrl');
    expect((await admin.get('/notification-channels')).body).toEqual(before.body);
  });

  it('refuses a save against a version that has moved on', async ({ admin }) => {
    const current = await admin.get('/notification-channels');
    await saveChannels(admin, DEFAULT_NOTIFICATION_CHANNELS);
    const stale = await admin.put('/notification-channels', {
      channels: DEFAULT_NOTIFICATION_CHANNELS,
      version: current.body.version,
    });
    expect(stale.status).toBe(409);
  });
});

describe('SMS and robots', () => {
  it('texts the township officer of a major hazard at once, even in quiet hours, and logs the request with the phone masked', async ({
    admin,
    member,
    county,
  }) => {
    await saveChannels(admin, smsFor('hazard_escalated', ['township_officer']));
    toBeijingEleven(clock.now().getTime());
    const created = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'major',
      title: '液氨储罐区未设围堰（短信）',
    });
    expect(created.status).toBe(201);

    const log = (await deliveries(admin)).filter(
      (d) => d.topic === 'hazard_escalated' && d.channel === 'sms',
    );
    const mine = log.filter((d) => d.createdAt === created.body.createdAt);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      target: '138****0003',
      status: 'sent',
      transport: 'local-sink',
      urgent: true,
      attempts: 1,
      request: { SignName: '太和应急', TemplateCode: 'SMS_154950909', PhoneNumbers: '138****0003' },
    });
    expect(JSON.stringify(mine[0])).not.toContain('13800550003');
  });

  it('posts an escalation to the county’s 钉钉 group once, and the log holds neither the token nor the secret', async ({
    admin,
    member,
    county,
  }) => {
    const secret = 'SEC9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    await saveChannels(admin, {
      ...DEFAULT_NOTIFICATION_CHANNELS,
      robots: [
        {
          name: '太和安监群',
          kind: 'dingtalk',
          webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123',
          secret,
          topics: ['hazard_escalated'],
        },
      ],
    });
    clock.advance(MINUTE);
    const created = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'major',
      title: '配电室积水（钉钉）',
    });
    const posts = (await deliveries(admin)).filter(
      (d) => d.channel === 'dingtalk' && d.createdAt === created.body.createdAt,
    );
    // The escalation goes to the township and to the department; the group hears of it once.
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      target: '太和安监群',
      status: 'sent',
      request: { msgtype: 'markdown' },
    });
    expect(JSON.stringify(posts[0]?.request)).toContain(`/hazards/${created.body.id}`);
    expect(JSON.stringify(posts)).not.toContain(secret);
    expect(JSON.stringify(posts)).not.toContain('0123456789abcdef0123');
  });

  it('holds a deadline reminder written in quiet hours until they end, sending it once however many sweeps run', async ({
    admin,
    member,
    unitUser,
    store,
  }) => {
    const channels = smsFor('hazard_deadline_near', ['grid_member', 'unit_user']);
    await saveChannels(admin, channels);
    // The unit manager's own unit, in the grid member's village.
    const unit = (await unitUser.get('/units?limit=1')).body.items[0];
    const created = await member.post('/hazards', {
      unitId: unit.id,
      severity: 'general',
      title: '配电箱未接地（提醒）',
    });
    const eleven = toBeijingEleven(Date.parse(created.body.deadline) - 2 * DAY);
    const outbound = channelsOn(store, channels);
    const first = await runReminderSweep({ store, clock, notifier: outbound });
    const second = await runReminderSweep({ store, clock, notifier: outbound });
    expect(first.created).toBeGreaterThan(0);
    expect(second.created).toBe(0);

    const held = (await deliveries(admin)).filter(
      (d) =>
        d.topic === 'hazard_deadline_near' &&
        d.request.TemplateParam?.toString().includes('配电箱未接地（提醒）'),
    );
    // The grid member of the village and the unit's manager, once each.
    expect(held.map((d) => d.target).sort()).toEqual(['138****0004', '138****0005']);
    expect(held.every((d) => d.status === 'held' && d.attempts === 0)).toBe(true);
    expect(new Set(held.map((d) => d.nextAttemptAt))).toEqual(
      new Set([new Date(eleven + 8 * 3_600_000).toISOString()]),
    );

    await outbound.flush();
    expect(
      (await deliveries(admin)).filter((d) => held.some((h) => h.id === d.id) && d.status === 'held'),
    ).toHaveLength(2);
    clock.advance(8 * 3_600_000 + MINUTE);
    await outbound.flush();
    const sent = (await deliveries(admin)).filter((d) => held.some((h) => h.id === d.id));
    expect(sent.map((d) => [d.status, d.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('stops texting a person at the daily cap, but an urgent notice still goes', async ({
    admin,
    county,
    store,
  }) => {
    clock.advance(DAY);
    const channels = smsFor('hazard_escalated', ['township_officer'], {
      quietHours: undefined,
      dailyCapPerPerson: 1,
    });
    const outbound = channelsOn(store, channels);
    const notices = [
      noticeTo(county.township1, false),
      noticeTo(county.township1, false),
      noticeTo(county.township1, true),
    ];
    for (const notice of notices) await outbound.notify([notice]);
    const log = await deliveries(admin);
    const statusOf = (notice: NotificationMessage) => log.find((d) => d.notificationId === notice.id)?.status;
    expect(notices.map(statusOf)).toEqual(['sent', 'capped', 'sent']);
  });

  it('retries a failing provider after 1, 5 and 25 minutes, then logs it failed', async ({
    admin,
    county,
    store,
  }) => {
    const channels = smsFor('hazard_escalated', ['township_officer'], {
      quietHours: undefined,
      dailyCapPerPerson: 200,
    });
    const failing: OutboundTransports = {
      name: () => 'aliyun-sms',
      sms: async () => {
        throw new Error('isv.BUSINESS_LIMIT_CONTROL');
      },
      robot: async () => ({}),
    };
    const outbound = channelsOn(store, channels, failing);
    const notice = noticeTo(county.township1, false);
    await outbound.notify([notice]);
    const line = async () => (await deliveries(admin)).find((d) => d.notificationId === notice.id);
    expect(await line()).toMatchObject({
      status: 'retrying',
      attempts: 1,
      error: 'isv.BUSINESS_LIMIT_CONTROL',
    });

    clock.advance(MINUTE / 2);
    await outbound.flush();
    expect((await line())?.attempts).toBe(1);
    for (const [wait, attempts] of [
      [MINUTE, 2],
      [5 * MINUTE, 3],
    ] as const) {
      clock.advance(wait);
      await outbound.flush();
      expect(await line()).toMatchObject({ status: 'retrying', attempts });
    }
    clock.advance(25 * MINUTE);
    await outbound.flush();
    const failed = await line();
    expect(failed).toMatchObject({ status: 'failed', attempts: 4 });
    expect(failed?.nextAttemptAt).toBeUndefined();
    // Given up: later sweeps leave it alone.
    clock.advance(DAY);
    await outbound.flush();
    expect(await line()).toEqual(failed);
  });

  it('sends a notice handed to the channels twice only once', async ({ admin, county, store }) => {
    const outbound = channelsOn(
      store,
      smsFor('hazard_escalated', ['township_officer'], { quietHours: undefined, dailyCapPerPerson: 200 }),
    );
    const notice = noticeTo(county.township1, true);
    await outbound.notify([notice]);
    await outbound.notify([notice]);
    expect((await deliveries(admin)).filter((d) => d.notificationId === notice.id)).toHaveLength(1);
  });
});
