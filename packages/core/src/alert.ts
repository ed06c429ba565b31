import * as z from 'zod/mini';
import {
  dateTimeWithOffset,
  described,
  type Location,
  LocationSchema,
  textField,
  UlidSchema,
} from './common-schemas.ts';
import { ConflictError } from './errors.ts';
import { gridAtLevel, HazardSeveritySchema } from './escalation.ts';
import type { NotificationMessage, NotificationRecipient } from './notification.ts';

/**
 * Monitoring alerts (预测预警): a county's monitoring systems (gas detectors at a major hazard source, a tank
 * farm's level gauges…) send signed alerts in (`POST /alerts`, signed-message.ts); each reaches the grid member of
 * its unit's village and the unit's department, shows on the map, and an officer turns it into a hazard.
 */
export const ALERT_LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];
export const AlertLevelSchema = described(z.enum(ALERT_LEVELS), {
  description: 'The warning level: blue (蓝色), yellow (黄色), orange (橙色), red (红色, the most severe)',
});
export const ALERT_STATUSES = ['open', 'handled'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const AlertStatusSchema = z.enum(ALERT_STATUSES);

/** Alerts a source may have accepted in one minute unless the county sets another budget for it. */
export const DEFAULT_ALERTS_PER_MINUTE = 120;
/** How long a rotated-out secret still verifies, so a sender can switch without losing an alert. */
export const SECRET_OVERLAP_SECONDS = 60 * 60;

/** A sender's own id of an event: what makes a resend the same alert. No `#` (it is part of a key). */
const EventIdSchema = described(
  z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1–128 letters, digits or . _ : -')),
  { description: 'The sender’s own id of the event; sending it again answers the same alert' },
);

export const AlertIntakeSchema = described(
  z.strictObject({
    sourceId: UlidSchema,
    eventId: EventIdSchema,
    unitId: z.optional(UlidSchema),
    riskPointId: z.optional(UlidSchema),
    location: z.optional(LocationSchema),
    kind: described(textField(60), { description: 'What was measured, e.g. `gas_concentration`' }),
    level: AlertLevelSchema,
    message: textField(1000),
    observedAt: dateTimeWithOffset(),
  }),
  { id: 'AlertIntake' },
);
export type AlertIntake = z.infer<typeof AlertIntakeSchema>;

export interface Alert {
  id: string;
  sourceId: string;
  sourceName: string;
  eventId: string;
  kind: string;
  level: AlertLevel;
  message: string;
  observedAt: string;
  receivedAt: string;
  status: AlertStatus;
  unitId?: string;
  unitName?: string;
  riskPointId?: string;
  location?: Location;
  /** The unit's village path; '' for an alert of no unit (only the county sees it until one is named). */
  gridPath: string;
  departmentId?: string;
  hazardId?: string;
  handledAt?: string;
  handledBy?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const AlertSchema = described(
  z.object({
    id: z.string(),
    sourceId: z.string(),
    sourceName: z.string(),
    eventId: z.string(),
    kind: z.string(),
    level: AlertLevelSchema,
    message: z.string(),
    observedAt: z.string(),
    receivedAt: z.string(),
    status: AlertStatusSchema,
    unitId: z.optional(z.string()),
    unitName: z.optional(z.string()),
    riskPointId: z.optional(z.string()),
    location: z.optional(LocationSchema),
    gridPath: z.string(),
    departmentId: z.optional(z.string()),
    hazardId: described(z.optional(z.string()), { description: 'The hazard the alert was turned into' }),
    handledAt: z.optional(z.string()),
    handledBy: z.optional(z.string()),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'Alert' },
);

export interface AlertSource {
  id: string;
  name: string;
  description?: string;
  ratePerMinute: number;
  /** The HMAC key, kept because verifying needs it; never answered after creation or rotation. */
  secret: string;
  previousSecret?: string;
  previousSecretUntil?: string;
  rotatedAt?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const CreateAlertSourceSchema = described(
  z.strictObject({
    name: textField(100),
    description: z.optional(textField(500)),
    ratePerMinute: described(z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(6000))), {
      description: `Alerts accepted from this source a minute (default ${DEFAULT_ALERTS_PER_MINUTE}); more are answered 429`,
    }),
  }),
  { id: 'CreateAlertSource' },
);
export type CreateAlertSourceInput = z.infer<typeof CreateAlertSourceSchema>;

/** A source as listed: everything but its secrets. */
export const AlertSourceSchema = described(
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.optional(z.string()),
    ratePerMinute: z.number(),
    rotatedAt: z.optional(z.string()),
    previousSecretUntil: described(z.optional(z.string()), {
      description: 'Until when the secret replaced by the last rotation still verifies',
    }),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'AlertSource' },
);
export const AlertSourceSecretSchema = described(
  z.object({
    id: z.string(),
    secret: described(z.string(), { description: 'The signing secret; shown this once, never again' }),
    previousSecretUntil: z.optional(z.string()),
  }),
  { id: 'AlertSourceSecret' },
);

export const AlertToHazardSchema = described(
  z.strictObject({
    unitId: described(z.optional(UlidSchema), {
      description: 'The unit the hazard is of; required when the alert names none',
    }),
    severity: HazardSeveritySchema,
    title: z.optional(textField(100)),
    description: z.optional(textField(2000)),
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  { id: 'AlertToHazard' },
);
export type AlertToHazardInput = z.infer<typeof AlertToHazardSchema>;

/** The source as listed: no secret, ever. */
export function publicAlertSource(source: AlertSource) {
  const { secret: _secret, previousSecret: _previous, ...rest } = source;
  return rest;
}

/** The secrets that verify a request now: the current one and, during the overlap, the one it replaced. */
export function verifyingSecrets(source: AlertSource, now: Date): string[] {
  const previousValid =
    source.previousSecret !== undefined &&
    source.previousSecretUntil !== undefined &&
    Date.parse(source.previousSecretUntil) > now.getTime();
  return previousValid ? [source.secret, source.previousSecret as string] : [source.secret];
}

/** The source after a rotation: the new secret in force, the old one verifying until the overlap ends. */
export function rotatedAlertSource(source: AlertSource, secret: string, now: Date): AlertSource {
  return {
    ...source,
    secret,
    previousSecret: source.secret,
    previousSecretUntil: new Date(now.getTime() + SECRET_OVERLAP_SECONDS * 1000).toISOString(),
    rotatedAt: now.toISOString(),
  };
}

/** The unit an alert is placed at (read by the caller from the unit or the risk point it names). */
export interface AlertPlace {
  unit?: {
    id: string;
    name: string;
    gridPath: string;
    departmentId?: string;
    location?: Location;
  };
  riskPointLocation?: Location;
}

export function newAlert(
  input: AlertIntake & { id: string; sourceName: string },
  place: AlertPlace,
  now: Date,
): Alert {
  const { unit } = place;
  const location = input.location ?? place.riskPointLocation ?? unit?.location;
  const at = now.toISOString();
  return {
    id: input.id,
    sourceId: input.sourceId,
    sourceName: input.sourceName,
    eventId: input.eventId,
    kind: input.kind,
    level: input.level,
    message: input.message,
    observedAt: new Date(input.observedAt).toISOString(),
    receivedAt: at,
    status: 'open',
    ...(unit ? { unitId: unit.id, unitName: unit.name } : {}),
    ...(input.riskPointId ? { riskPointId: input.riskPointId } : {}),
    ...(location ? { location } : {}),
    gridPath: unit?.gridPath ?? '',
    ...(unit?.departmentId ? { departmentId: unit.departmentId } : {}),
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

const LEVEL_NAMES: Record<AlertLevel, string> = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' };

/**
 * Who hears of an alert: the grid members of its unit's village (属地) and the unit's department (行业). An alert
 * of no unit reaches nobody by notice: the county sees it in its alert list and on the map.
 */
export function alertRecipients(alert: Pick<Alert, 'gridPath' | 'departmentId'>): NotificationRecipient[] {
  if (!alert.gridPath) return [];
  const segments = alert.gridPath.split('/');
  const village = segments.length >= 3 ? gridAtLevel(alert.gridPath, 'village') : segments.at(-1);
  return [
    ...(village ? [{ kind: 'grid' as const, id: village }] : []),
    ...(alert.departmentId ? [{ kind: 'dept' as const, id: alert.departmentId }] : []),
  ];
}

export function alertMessages(alert: Alert, nextId: () => string): NotificationMessage[] {
  const title = `${LEVEL_NAMES[alert.level]}预警：${alert.unitName ?? '未关联单位'} ${alert.kind}`.slice(
    0,
    70,
  );
  return alertRecipients(alert).map((recipient) => ({
    id: nextId(),
    recipient,
    topic: 'alert_received',
    subject: { type: 'alert', id: alert.id },
    title,
    body: `${alert.sourceName}：${alert.message}（${alert.observedAt}）`,
    createdAt: alert.receivedAt,
    ...(alert.level === 'red' || alert.level === 'orange' ? { urgent: true } : {}),
  }));
}

/** The scope target of an alert: its unit's village, department and unit (none: the county's alone). */
export function alertScopeTarget(alert: Pick<Alert, 'gridPath' | 'departmentId' | 'unitId'>) {
  return {
    gridPath: alert.gridPath,
    ...(alert.departmentId ? { departmentId: alert.departmentId } : {}),
    ...(alert.unitId ? { unitId: alert.unitId } : {}),
  };
}

/** The alert once a hazard was made of it: handled, linking the hazard. A handled alert is converted once. */
export function handledAlert(alert: Alert, hazardId: string, by: string, now: Date): Alert {
  if (alert.status !== 'open')
    throw new ConflictError('This alert was already turned into a hazard.', 'wrong_state');
  return { ...alert, status: 'handled', hazardId, handledAt: now.toISOString(), handledBy: by };
}
