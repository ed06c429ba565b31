import * as z from 'zod/mini';
import { described, textField } from './common-schemas.ts';
import { ValidationError } from './errors.ts';
import { NOTIFICATION_TOPICS, type NotificationMessage, type NotificationTopic } from './notification.ts';
import { ROLES, type Role } from './roles.ts';

/**
 * The outbound channels a county turns on: SMS through its SMS provider's approved templates, per topic and role,
 * and 企业微信 / 钉钉 group robots per topic. In-app notices are always written and need no setting. Kept in an item
 * of its own (not in TenantSettings), because it holds the robots' webhook keys and signing secrets, which only
 * the county admin may read, while every role reads the settings.
 */

export const ROBOT_KINDS = ['wecom', 'dingtalk'] as const;
export type RobotKind = (typeof ROBOT_KINDS)[number];
export const OUTBOUND_CHANNELS = ['sms', ...ROBOT_KINDS] as const;
export type OutboundChannel = (typeof OUTBOUND_CHANNELS)[number];

/** Alibaba Cloud's template codes look like SMS_154950909 (the console's 模板CODE). */
export const SMS_TEMPLATE_PATTERN = /^SMS_\d{6,12}$/;
/**
 * Only the two providers' robot endpoints: the API posts to this URL, so any other host would let a settings
 * change make the API call into a network of the administrator's choosing.
 */
export const ROBOT_URL_PATTERNS: Record<RobotKind, RegExp> = {
  wecom: /^https:\/\/qyapi\.weixin\.qq\.com\/cgi-bin\/webhook\/send\?key=[A-Za-z0-9-]{8,64}$/,
  dingtalk: /^https:\/\/oapi\.dingtalk\.com\/robot\/send\?access_token=[A-Za-z0-9]{8,128}$/,
};
/** Alibaba Cloud caps each variable of a notice template at 35 characters; longer titles are cut. */
export const SMS_VARIABLE_MAX = 35;

const CountyRoleSchema = z.enum(
  ROLES.filter((role): role is Exclude<Role, 'vendor_operator'> => role !== 'vendor_operator'),
);
const TopicSchema = z.enum(NOTIFICATION_TOPICS);
const ClockTimeSchema = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'));

/** An object with one optional key per topic. */
function perTopic<T extends z.ZodMiniType>(value: T) {
  return z.strictObject(
    Object.fromEntries(NOTIFICATION_TOPICS.map((topic) => [topic, z.optional(value)])) as Record<
      NotificationTopic,
      z.ZodMiniOptional<T>
    >,
  );
}

export const RobotSchema = described(
  z.strictObject({
    name: textField(40),
    kind: z.enum(ROBOT_KINDS),
    webhookUrl: z.string().check(
      z.maxLength(300),
      z.refine(
        (url) => ROBOT_KINDS.some((kind) => ROBOT_URL_PATTERNS[kind].test(url)),
        'must be a 企业微信 (qyapi.weixin.qq.com) or 钉钉 (oapi.dingtalk.com) robot webhook URL',
      ),
    ),
    /** 钉钉's 加签 secret (SEC…); 企业微信 robots have none, their key is in the URL. */
    secret: z.optional(z.string().check(z.regex(/^SEC[A-Za-z0-9]{16,128}$/, 'must be a 钉钉 SEC… secret'))),
    topics: z.array(TopicSchema).check(z.maxLength(NOTIFICATION_TOPICS.length)),
  }),
  { id: 'NotificationRobot' },
);
export type Robot = z.infer<typeof RobotSchema>;

export const NotificationChannelsSchema = described(
  z.strictObject({
    sms: z.strictObject({
      enabled: z.boolean(),
      /** The approved 签名 the provider prints in front of every message. */
      signName: z.optional(textField(20)),
      /** Per topic, the roles whose people get an SMS; a topic left out sends none. */
      roles: perTopic(z.array(CountyRoleSchema).check(z.maxLength(ROLES.length))),
      /** Per topic, the provider's approved template code; a topic without one sends no SMS. */
      templates: perTopic(
        z.string().check(z.regex(SMS_TEMPLATE_PATTERN, 'must be a template code like SMS_154950909')),
      ),
    }),
    robots: z.array(RobotSchema).check(z.maxLength(10)),
    /** Beijing time; a period may cross midnight (22:00–07:00). Absent: no quiet hours. */
    quietHours: z.optional(z.strictObject({ start: ClockTimeSchema, end: ClockTimeSchema })),
    /** SMS one person may receive per Beijing day; urgent notices pass it (and count). */
    dailyCapPerPerson: z.number().check(z.int(), z.minimum(1), z.maximum(200)),
  }),
  { id: 'NotificationChannels' },
);
export type NotificationChannels = z.infer<typeof NotificationChannelsSchema>;

export const DEFAULT_NOTIFICATION_CHANNELS: NotificationChannels = {
  sms: { enabled: false, roles: {}, templates: {} },
  robots: [],
  quietHours: { start: '22:00', end: '07:00' },
  dailyCapPerPerson: 10,
};

/** The checks a schema cannot express: a robot's URL must be its own kind's, a signed robot must be 钉钉. */
export function assertValidChannels(channels: NotificationChannels): void {
  channels.robots.forEach((robot, index) => {
    if (!ROBOT_URL_PATTERNS[robot.kind].test(robot.webhookUrl))
      throw new ValidationError([
        { path: `channels.robots.${index}.webhookUrl`, message: `must be a ${robot.kind} robot webhook URL` },
      ]);
    if (robot.secret && robot.kind !== 'dingtalk')
      throw new ValidationError([
        { path: `channels.robots.${index}.secret`, message: 'only a dingtalk robot takes a secret' },
      ]);
  });
  if (channels.quietHours && channels.quietHours.start === channels.quietHours.end)
    throw new ValidationError([{ path: 'channels.quietHours.end', message: 'must differ from start' }]);
}

/** The person-facing fields the planner reads. */
export interface ChannelPerson {
  id: string;
  role: Role;
  scope: readonly string[];
  phone?: string;
  enabled: boolean;
}

interface PlannedBase {
  /** Stable for the same notice, channel and target, so a second attempt to plan it writes nothing new. */
  id: string;
  notificationId: string;
  topic: NotificationTopic;
  urgent: boolean;
  createdAt: string;
}
export interface PlannedSms extends PlannedBase {
  channel: 'sms';
  personId: string;
  phone: string;
  signName: string;
  templateCode: string;
  templateParam: { title: string };
}
export interface PlannedRobotPost extends PlannedBase {
  channel: RobotKind;
  robot: string;
  webhookUrl: string;
  secret?: string;
  body: RobotBody;
}
export type PlannedDelivery = PlannedSms | PlannedRobotPost;
export type RobotBody =
  | { msgtype: 'markdown'; markdown: { content: string } }
  | { msgtype: 'markdown'; markdown: { title: string; text: string } };

/**
 * Who hears of each notice outside the app. SMS: every enabled person with a phone whose role the county picked
 * for the topic and who holds the post the notice is addressed to. Robots: each robot whose topics include it.
 * A notice sent to two posts (the grid and the department) reaches a person holding both, or a group, once.
 *
 * @example
 * planDeliveries([escalation], channels, people, (s) => `https://app.example.cn/taihe/${s.type}s/${s.id}`)
 *   .map((d) => d.channel); // ['sms', 'dingtalk']
 */
export function planDeliveries(
  messages: readonly NotificationMessage[],
  channels: NotificationChannels,
  people: readonly ChannelPerson[],
  linkOf: (subject: NotificationMessage['subject']) => string,
): PlannedDelivery[] {
  const planned: PlannedDelivery[] = [];
  const seen = new Set<string>();
  const once = (key: string) => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const message of messages) {
    const about = `${message.topic}#${message.subject.type}#${message.subject.id}#${message.createdAt}`;
    const base = {
      notificationId: message.id,
      topic: message.topic,
      urgent: message.urgent === true,
      createdAt: message.createdAt,
    };
    const roles = channels.sms.roles[message.topic] ?? [];
    const templateCode = channels.sms.templates[message.topic];
    if (channels.sms.enabled && channels.sms.signName && templateCode && roles.length > 0) {
      const post = `${message.recipient.kind}:${message.recipient.id}`;
      for (const person of people) {
        if (!person.enabled || !person.phone || !roles.includes(person.role as never)) continue;
        if (!person.scope.includes(post) || !once(`sms#${person.id}#${about}`)) continue;
        planned.push({
          ...base,
          id: `${message.id}#sms#${person.id}`,
          channel: 'sms',
          personId: person.id,
          phone: person.phone,
          signName: channels.sms.signName,
          templateCode,
          templateParam: { title: truncate(message.title, SMS_VARIABLE_MAX) },
        });
      }
    }
    for (const robot of channels.robots) {
      if (!robot.topics.includes(message.topic) || !once(`robot#${robot.name}#${about}`)) continue;
      planned.push({
        ...base,
        id: `${message.id}#${robot.kind}#${robot.name}`,
        channel: robot.kind,
        robot: robot.name,
        webhookUrl: robot.webhookUrl,
        ...(robot.secret ? { secret: robot.secret } : {}),
        body: robotBody(robot.kind, message, linkOf(message.subject)),
      });
    }
  }
  return planned;
}

/**
 * The documented markdown bodies: 企业微信 `{ msgtype: 'markdown', markdown: { content } }`, 钉钉
 * `{ msgtype: 'markdown', markdown: { title, text } }` (the title is what the chat list shows).
 */
export function robotBody(kind: RobotKind, message: NotificationMessage, link: string): RobotBody {
  const text = `**${message.title}**\n\n${message.body}\n\n[查看详情](${link})`;
  return kind === 'wecom'
    ? { msgtype: 'markdown', markdown: { content: text } }
    : { msgtype: 'markdown', markdown: { title: truncate(message.title, 64), text } };
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

function minutesOf(clock: string): number {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * When the quiet period `now` falls in ends, or undefined when `now` is outside quiet hours (Beijing time).
 *
 * @example
 * quietHoursEnd(new Date('2026-12-05T15:00:00Z'), { start: '22:00', end: '07:00' }); // 2026-12-05T23:00:00.000Z
 */
export function quietHoursEnd(now: Date, quiet: NotificationChannels['quietHours']): Date | undefined {
  if (!quiet) return undefined;
  const local = now.getTime() + BEIJING_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const minute = Math.floor((local - dayStart) / 60_000);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const crossesMidnight = start > end;
  const quietNow = crossesMidnight ? minute >= start || minute < end : minute >= start && minute < end;
  if (!quietNow) return undefined;
  const endDay = crossesMidnight && minute >= start ? dayStart + DAY_MS : dayStart;
  return new Date(endDay + end * 60_000 - BEIJING_OFFSET_MS);
}

/** Attempts before a delivery is given up as failed, and the wait before each retry: 1, 5, then 25 minutes. */
export const MAX_DELIVERY_ATTEMPTS = 4;
export function retryDelayMs(attemptsSoFar: number): number {
  return 60_000 * 5 ** Math.max(0, attemptsSoFar - 1);
}

/** A phone number as the delivery log shows it: 138****5678. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length < 7 ? '****' : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

export const DELIVERY_STATUSES = ['sent', 'held', 'retrying', 'failed', 'capped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const DELIVERY_TRANSPORTS = ['aliyun-sms', 'wecom', 'dingtalk', 'local-sink'] as const;
export type DeliveryTransport = (typeof DELIVERY_TRANSPORTS)[number];

/** One line of the delivery log: a planned delivery, what became of it, and what was (or would be) sent. */
export interface Delivery {
  id: string;
  notificationId: string;
  topic: NotificationTopic;
  channel: OutboundChannel;
  /** The phone, masked, or the robot's name. */
  target: string;
  personId?: string;
  urgent: boolean;
  status: DeliveryStatus;
  transport: DeliveryTransport;
  attempts: number;
  nextAttemptAt?: string;
  /** The request body the provider received (SMS: sign, template, masked phone, parameters; robot: its JSON). */
  request: Record<string, unknown>;
  providerRef?: string;
  error?: string;
  createdAt: string;
  updatedAt: string;
}

export const DeliverySchema = described(
  z.object({
    id: z.string(),
    notificationId: z.string(),
    topic: TopicSchema,
    channel: z.enum(OUTBOUND_CHANNELS),
    target: z.string(),
    personId: z.optional(z.string()),
    urgent: z.boolean(),
    status: z.enum(DELIVERY_STATUSES),
    transport: z.enum(DELIVERY_TRANSPORTS),
    attempts: z.number(),
    nextAttemptAt: z.optional(z.string()),
    request: z.record(z.string(), z.unknown()),
    providerRef: z.optional(z.string()),
    error: z.optional(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'Delivery' },
);

/** What the log says was sent: never the full phone number nor a robot's key or secret. */
export function loggedRequest(delivery: PlannedDelivery): Record<string, unknown> {
  if (delivery.channel === 'sms')
    return {
      PhoneNumbers: maskPhone(delivery.phone),
      SignName: delivery.signName,
      TemplateCode: delivery.templateCode,
      TemplateParam: JSON.stringify(delivery.templateParam),
    };
  return { ...delivery.body };
}

export function deliveryTarget(delivery: PlannedDelivery): string {
  return delivery.channel === 'sms' ? maskPhone(delivery.phone) : delivery.robot;
}
