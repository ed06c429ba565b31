import { createHmac } from 'node:crypto';
import {
  type ChannelPerson,
  DEFAULT_NOTIFICATION_CHANNELS,
  escalationMessages,
  type NotificationChannels,
  NotificationChannelsSchema,
  type PlannedRobotPost,
  type PlannedSms,
  planDeliveries,
  quietHoursEnd,
  retryDelayMs,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';
import { sendAliyunSms, sendSmsRequest } from '../../packages/api/src/channels/aliyun-sms.ts';
import {
  dingtalkSignedUrl,
  postToRobot,
  robotRequest,
} from '../../packages/api/src/channels/robot-request.ts';

const now = new Date('2026-12-05T02:00:00.000Z'); // 10:00 in Beijing
let counter = 0;
const nextId = () => `N${String(++counter).padStart(25, '0')}`;
const link = (subject: { type: string; id: string }) =>
  `https://app.example.cn/taihe/${subject.type}s/${subject.id}`;

const hazard = {
  id: 'H1',
  title: '液氨储罐区未设围堰',
  unitName: '华兴冷藏',
  severity: 'major' as const,
  gridPath: 'root/t1/v1',
  departmentId: 'd1',
  deadline: '2027-03-05T02:00:00.000Z',
};
const person = (
  id: string,
  role: ChannelPerson['role'],
  scope: string[],
  phone = '13800550003',
): ChannelPerson => ({
  id,
  role,
  scope,
  phone,
  enabled: true,
});
const smsOnForEscalations: NotificationChannels = {
  ...DEFAULT_NOTIFICATION_CHANNELS,
  sms: {
    enabled: true,
    signName: '太和应急',
    roles: { hazard_escalated: ['township_officer', 'department_officer'] },
    templates: { hazard_escalated: 'SMS_154950909' },
  },
};
const dingtalk = {
  name: '太和安监群',
  kind: 'dingtalk' as const,
  webhookUrl: 'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789',
  secret: 'SEC0123456789abcdef0123456789',
  topics: ['hazard_escalated' as const],
};

describe('who hears of a notice outside the app', () => {
  const messages = escalationMessages(hazard, 'township', 'severity', now, nextId);

  it('texts each person of a chosen role holding the post the notice is addressed to, once', () => {
    const people = [
      person('u-township', 'township_officer', ['grid:t1']),
      person('u-member', 'grid_member', ['grid:t1']),
      person('u-other-township', 'township_officer', ['grid:t2']),
      // Holds both posts the escalation goes to: one SMS, not two.
      person('u-both', 'department_officer', ['grid:t1', 'dept:d1']),
    ];
    const planned = planDeliveries(messages, smsOnForEscalations, people, link) as PlannedSms[];
    expect(planned.map((d) => d.personId).sort()).toEqual(['u-both', 'u-township']);
    expect(planned[0]).toMatchObject({
      channel: 'sms',
      templateCode: 'SMS_154950909',
      signName: '太和应急',
      urgent: true,
    });
  });

  it('texts nobody when SMS is off, the topic has no template, or the person has no phone or is disabled', () => {
    const people = [
      person('u1', 'township_officer', ['grid:t1'], ''),
      { ...person('u2', 'township_officer', ['grid:t1']), enabled: false },
    ];
    expect(planDeliveries(messages, smsOnForEscalations, people, link)).toEqual([]);
    const off = { ...smsOnForEscalations, sms: { ...smsOnForEscalations.sms, enabled: false } };
    expect(planDeliveries(messages, off, [person('u3', 'township_officer', ['grid:t1'])], link)).toEqual([]);
    const noTemplate = { ...smsOnForEscalations, sms: { ...smsOnForEscalations.sms, templates: {} } };
    expect(
      planDeliveries(messages, noTemplate, [person('u4', 'township_officer', ['grid:t1'])], link),
    ).toEqual([]);
  });

  it('posts to each robot whose topics include the notice, once for both chains, with a link to the record', () => {
    const channels = { ...DEFAULT_NOTIFICATION_CHANNELS, robots: [dingtalk] };
    const planned = planDeliveries(messages, channels, [], link) as PlannedRobotPost[];
    expect(planned).toHaveLength(1);
    expect(planned[0]?.body).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: messages[0]?.title,
        text: `**${messages[0]?.title}**\n\n${messages[0]?.body}\n\n[查看详情](https://app.example.cn/taihe/hazards/H1)`,
      },
    });
    const reminder = { ...messages[0]!, topic: 'patrol_due' as const };
    expect(planDeliveries([reminder], channels, [], link)).toEqual([]);
  });

  it('cuts a long title to the 35 characters an SMS template variable may hold', () => {
    const long = escalationMessages(
      { ...hazard, title: '长'.repeat(60) },
      'township',
      'severity',
      now,
      nextId,
    );
    const [sms] = planDeliveries(
      long,
      smsOnForEscalations,
      [person('u', 'township_officer', ['grid:t1'])],
      link,
    );
    expect([...(sms as PlannedSms).templateParam.title]).toHaveLength(35);
  });

  it('marks only a major hazard’s escalation urgent', () => {
    expect(messages.every((m) => m.urgent === true)).toBe(true);
    const general = escalationMessages(
      { ...hazard, severity: 'general' },
      'township',
      'deadline',
      now,
      nextId,
    );
    expect(general.some((m) => m.urgent)).toBe(false);
  });
});

describe('quiet hours and retries', () => {
  const quiet = { start: '22:00', end: '07:00' };

  it('holds a message sent at 23:00 Beijing time until 07:00 the next morning', () => {
    expect(quietHoursEnd(new Date('2026-12-05T15:00:00.000Z'), quiet)?.toISOString()).toBe(
      '2026-12-05T23:00:00.000Z',
    );
  });

  it('holds a message sent at 03:00 Beijing time until 07:00 the same morning', () => {
    expect(quietHoursEnd(new Date('2026-12-04T19:00:00.000Z'), quiet)?.toISOString()).toBe(
      '2026-12-04T23:00:00.000Z',
    );
  });

  it('sends at 10:00 Beijing time, and always when the county has no quiet hours', () => {
    expect(quietHoursEnd(now, quiet)).toBeUndefined();
    expect(quietHoursEnd(new Date('2026-12-05T15:00:00.000Z'), undefined)).toBeUndefined();
  });

  it('waits 1, 5 and 25 minutes before the retries', () => {
    expect([1, 2, 3].map(retryDelayMs)).toEqual([60_000, 300_000, 1_500_000]);
  });

  it('refuses a robot URL of any other host', () => {
    const result = NotificationChannelsSchema.safeParse({
      ...DEFAULT_NOTIFICATION_CHANNELS,
      robots: [
        { ...dingtalk, webhookUrl: 'https://169.254.169.254/latest/meta-data?access_token=abcdef0123' },
      ],
    });
    expect(result.success).toBe(false);
  });
});

describe('the requests the providers receive', () => {
  const [message] = escalationMessages(hazard, 'township', 'severity', now, nextId);
  const [sms] = planDeliveries(
    [message!],
    smsOnForEscalations,
    [person('u-township', 'township_officer', ['grid:t1'])],
    link,
  ) as PlannedSms[];
  const [robot] = planDeliveries(
    [message!],
    { ...DEFAULT_NOTIFICATION_CHANNELS, robots: [dingtalk] },
    [],
    link,
  ) as PlannedRobotPost[];

  it('asks Alibaba Cloud SendSms with the approved sign, the template code and its title variable', () => {
    const request = sendSmsRequest(sms!);
    expect(request.toMap()).toMatchObject({
      PhoneNumbers: '13800550003',
      SignName: '太和应急',
      TemplateCode: 'SMS_154950909',
      TemplateParam: JSON.stringify({ title: message?.title }),
    });
  });

  it('reports Alibaba’s refusal code as a failure and its BizId as the reference on success', async () => {
    const refused = {
      sendSms: async () => ({ body: { code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发流控' } }),
    };
    await expect(sendAliyunSms(refused, sms!)).rejects.toThrow('isv.BUSINESS_LIMIT_CONTROL');
    const accepted = { sendSms: async () => ({ body: { code: 'OK', bizId: '900619746936498440^0' } }) };
    expect(await sendAliyunSms(accepted, sms!)).toEqual({ ref: '900619746936498440^0' });
  });

  it('signs a 钉钉 robot URL with HMAC-SHA256 of the timestamp and the secret', () => {
    const url = new URL(dingtalkSignedUrl(dingtalk.webhookUrl, dingtalk.secret, 1_700_000_000_000));
    const expected = createHmac('sha256', dingtalk.secret)
      .update(`1700000000000\n${dingtalk.secret}`)
      .digest('base64');
    expect(url.searchParams.get('access_token')).toBe('abcdef0123456789');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
    expect(url.searchParams.get('sign')).toBe(expected);
  });

  it('posts a 企业微信 robot’s markdown body to its key URL unsigned', () => {
    const wecom = planDeliveries(
      [message!],
      {
        ...DEFAULT_NOTIFICATION_CHANNELS,
        robots: [
          {
            name: '安监群',
            kind: 'wecom',
            webhookUrl:
              'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
            topics: ['hazard_escalated'],
          },
        ],
      },
      [],
      link,
    )[0] as PlannedRobotPost;
    const request = robotRequest(wecom, now);
    expect(request.url).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
    );
    expect(JSON.parse(request.body)).toEqual({
      msgtype: 'markdown',
      markdown: {
        content: `**${message?.title}**\n\n${message?.body}\n\n[查看详情](https://app.example.cn/taihe/hazards/H1)`,
      },
    });
  });

  it('treats a robot’s non-zero errcode as a failed delivery', async () => {
    const seen: { url: string; body: string }[] = [];
    const fetcher = (async (url: string, init: { body: string }) => {
      seen.push({ url, body: init.body });
      return new Response(JSON.stringify({ errcode: 310000, errmsg: 'sign not match' }), { status: 200 });
    }) as unknown as typeof fetch;
    await expect(postToRobot(robot!, now, fetcher)).rejects.toThrow('310000');
    expect(seen[0]?.url).toContain('&sign=');
    expect(JSON.parse(seen[0]?.body ?? '{}').msgtype).toBe('markdown');
  });
});
