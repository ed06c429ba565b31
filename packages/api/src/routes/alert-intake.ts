import {
  AlertIntakeSchema,
  type AlertSource,
  alertMessages,
  assertLocationInChina,
  described,
  newAlert,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
  verifyingSecrets,
} from '@gridsafe/core';
import {
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  TIMESTAMP_HEADER,
  verifySignature,
} from '@gridsafe/core/signed-message';
import { AlertRepository, AlertSourceRepository, systemPrincipal } from '@gridsafe/db';
import type { Context, MiddlewareHandler } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';
import { json, problem } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { externalNotifier } from './hazards.ts';

/**
 * The monitoring systems' door (预测预警): `POST /alerts` with no user token, authenticated by the signature of
 * the source it names (signed-message.ts). Public, so registered before the county API's `requireAuth`, in a
 * group of its own that loads at its first request. The signature is checked on the raw bytes before the body
 * is validated: nobody learns anything about the county from an unsigned request but 401.
 */
const AcceptedAlertSchema = described(
  z.object({ id: described(z.string(), { description: 'The alert; the same for every copy of the event' }) }),
  { id: 'AcceptedAlert' },
);

const intakeRoute = createRoute({
  method: 'post',
  path: '/alerts',
  tags: ['alerts'],
  summary: 'A monitoring system sends an alert in, signed with its source’s secret (no user token)',
  description: [
    `Sign the request with two headers: \`${TIMESTAMP_HEADER}: <Unix seconds>\` and \`${SIGNATURE_HEADER}: sha256=<lowercase hex HMAC-SHA256 of "<timestamp>.<raw body bytes>", keyed with the source’s secret>\`.`,
    `A missing or wrong signature, an unknown source, or a timestamp more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from the server’s clock answers 401.`,
    'The same `(sourceId, eventId)` again answers 202 with the first alert’s `id` and makes no second alert, so a sender retries freely.',
    'Each source has a budget of its own (`ratePerMinute`, default 120): beyond it 429 with `Retry-After`, and nothing was accepted, so send it again then. The budget is the source’s alone: a storm from one system neither slows the county’s people nor another system.',
    'The alert is placed at its unit (`unitId`, or the unit of `riskPointId`) and reaches the grid members of the unit’s village and the unit’s department.',
  ].join(' '),
  security: [],
  request: {
    headers: z.object({
      [TIMESTAMP_HEADER]: described(z.optional(z.string()), {
        description: 'When the request was signed, in Unix seconds',
      }),
      [SIGNATURE_HEADER]: described(z.optional(z.string()), {
        description: '`sha256=` and the lowercase hex HMAC-SHA256 of `<timestamp>.<raw body>`',
      }),
    }),
    body: { required: true, content: { 'application/json': { schema: AlertIntakeSchema } } },
  },
  responses: {
    202: json(AcceptedAlertSchema, 'Accepted (or accepted before: the same id)'),
    400: problem('Invalid alert: each bad field is named in `errors`'),
    401: problem('Missing or wrong signature, unknown source, or a timestamp more than 5 minutes off'),
    404: problem('No such county'),
    429: problem('The source’s budget for this minute is spent; send again after `Retry-After` seconds'),
  },
});

/** The source a request was signed by, handed from the signature check to the handler. */
const signedBy = new WeakMap<Request, AlertSource>();

/** The sourceId of a body that may be anything: only a ULID-looking string is looked up. */
function claimedSource(raw: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    const id = (parsed as { sourceId?: unknown } | null)?.sourceId;
    return typeof id === 'string' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

const REASONS = {
  missing: `The ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} headers are required.`,
  malformed: `${TIMESTAMP_HEADER} must be Unix seconds and ${SIGNATURE_HEADER} sha256=<64 hex digits>.`,
  stale: `${TIMESTAMP_HEADER} is more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from the server’s clock.`,
  mismatch: 'The signature does not match the body and the source’s secret.',
} as const;

/** Verifies the signature on the raw bytes, before anything else reads the body. */
const verifySigned: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const raw = await c.req.text();
  const headers = { timestamp: c.req.header(TIMESTAMP_HEADER), signature: c.req.header(SIGNATURE_HEADER) };
  const now = c.get('deps').clock.now();
  const sourceId = claimedSource(raw);
  const source = sourceId ? await new AlertSourceRepository(c.get('store')).get(sourceId) : undefined;
  // An unknown source is refused like a wrong signature: nothing tells an outsider which sources exist.
  const check = verifySignature(
    source ? verifyingSecrets(source, now) : [],
    headers,
    raw,
    Math.floor(now.getTime() / 1000),
  );
  if (!check.ok || !source) {
    const reason = check.ok ? 'mismatch' : check.reason;
    c.get('deps').logger.warn('alert refused: signature', { reason, sourceId: sourceId ?? null });
    throw new UnauthorizedError(REASONS[reason], { code: `signature_${reason}` });
  }
  signedBy.set(c.req.raw, source);
  await next();
};

export function registerAlertIntake(app: ReturnType<typeof createRouter>) {
  app.use('/alerts', verifySigned);
  app.openapi(intakeRoute, async (c) => {
    const source = signedBy.get(c.req.raw);
    if (!source) throw new UnauthorizedError(REASONS.missing, { code: 'signature_missing' });
    const input = c.req.valid('json');
    const alerts = new AlertRepository(c.get('store'));
    const now = c.get('deps').clock.now();
    // A copy of an accepted event answers its id whatever the budget: the sender must not resend it for ever.
    const known = await alerts.findByEvent(source.id, input.eventId);
    if (known) return c.json({ id: known }, 202);
    const wait = await alerts.takeFromBudget(source.id, source.ratePerMinute, now);
    if (wait !== undefined)
      throw new TooManyRequestsError(
        `This source’s budget of ${source.ratePerMinute} alerts a minute is spent; send it again later.`,
        { code: 'source_rate_limited', retryAfterSeconds: wait },
      );
    const place = await placeOf(c, input);
    const alert = newAlert({ ...input, id: c.get('deps').ids.next(), sourceName: source.name }, place, now);
    const notifications = alertMessages(alert, () => c.get('deps').ids.next());
    const ctx = {
      principal: systemPrincipal(c.get('tenant'), `alert-source:${source.id}`),
      now,
      ...(alert.location ? { location: alert.location } : {}),
    };
    const accepted = await alerts.accept(alert, ctx, notifications);
    if (accepted.created) await externalNotifier(c).notify(notifications);
    return c.json({ id: accepted.id }, 202);
  });
}

/** The unit an alert names (directly, or as its risk point's), and the point's position. */
async function placeOf(c: Context<AppEnv>, input: z.infer<typeof AlertIntakeSchema>) {
  const data = countyData(c);
  if (input.location) assertLocationInChina(input.location);
  const point = input.riskPointId ? await data.riskPoints.get(input.riskPointId) : undefined;
  if (input.riskPointId && !point)
    throw new ValidationError([{ path: 'riskPointId', message: 'no such risk point in this county' }]);
  if (point && input.unitId && point.unitId !== input.unitId)
    throw new ValidationError([{ path: 'riskPointId', message: 'is not a risk point of the unit named' }]);
  const unitId = input.unitId ?? point?.unitId;
  const unit = unitId ? await data.units.get(unitId) : undefined;
  if (unitId && !unit)
    throw new ValidationError([{ path: 'unitId', message: 'no such unit in this county' }]);
  return {
    ...(unit
      ? {
          unit: {
            id: unit.id,
            name: unit.name,
            gridPath: unit.gridPath,
            ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
            ...(unit.location ? { location: unit.location } : {}),
          },
        }
      : {}),
    ...(point?.location ? { riskPointLocation: point.location } : {}),
  };
}
