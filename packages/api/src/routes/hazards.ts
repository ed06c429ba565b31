import {
  applyHazardAction,
  assertLocationInChina,
  authorize,
  type Capability,
  ConflictError,
  type CreateHazardSchema,
  escalationMessages,
  escalationRecipients,
  ForbiddenError,
  HAZARD_ACTION_CAPABILITY,
  HAZARD_ACTION_EVENT,
  HAZARD_ACTIONS,
  type Hazard,
  type HazardAction,
  type HazardActionInput,
  hasCapability,
  hazardScopeTarget,
  inScope,
  isSinglePersonVerification,
  NotFoundError,
  type NotificationMessage,
  type Notifier,
  newHazard,
  type Photo,
  type Principal,
  rejectionMessages,
  scopeFilter,
  type TenantSettings,
  ValidationError,
  workingDaysBetween,
} from '@gridsafe/core';
import { fromItem, HazardRepository, IdempotencyStore, withDrawnNumbers } from '@gridsafe/db';
import type { Context } from 'hono';
import type * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope, writeContext } from '../county-data.ts';
import { photoFacts } from '../evidence.ts';
import { expectedVersion } from '../http-helpers.ts';
import { awaitWinner, type IdempotencyClaim, idempotent, rememberAnswer } from '../idempotent-write.ts';
import type { createRouter } from '../openapi-hono.ts';
import { actionRoute, routes } from './hazard-schemas.ts';
import { pageWithHazardAllowedActions, withHazardAllowedActions } from './hazard-visibility.ts';
import { registerPhotoEvidence } from './photo-evidence.ts';
import { auditTrail } from './record-routes.ts';

export { EvidencePhotoSchema, HazardSchema } from './hazard-schemas.ts';

/**
 * SMS and group robots where the county turned them on (channels/outbound-notifier.ts); in-app notices are
 * written with the change itself. The channels are a chunk of their own, loaded at a process's first notice.
 */
export function externalNotifier(c: Context<AppEnv>): Notifier {
  return {
    async notify(messages) {
      if (messages.length === 0) return;
      const { countyOutbound } = await import('../channels/county-outbound.ts');
      await countyOutbound(c).notify(messages);
    },
  };
}

/** A hazard the caller may see: 404 when missing or in another county, 403 when outside their area. */
export async function visibleHazard(c: Context<AppEnv>, id: string) {
  const stored = await new HazardRepository(countyData(c).store).getStored(id, true);
  if (!stored) throw new NotFoundError('hazard');
  const hazard = fromItem<Hazard>(stored);
  if (!inScope(c.get('principal'), hazardScopeTarget(hazard)))
    throw new ForbiddenError('This hazard is outside your area.');
  return { stored, hazard };
}

const EVIDENCE_CAPABILITIES: Capability[] = ['hazard.report', 'hazard.rectify', 'hazard.verify'];

export function registerHazards(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.list, async (c) => {
    authorize(c.get('principal'), 'hazard.read');
    const { grid, level, status, overdue, department, unit, supervised, q, limit, cursor } =
      c.req.valid('query');
    const scope = await readScope(c, { grid, department, unit });
    const filter = {
      ...scopeFilter(scope),
      level,
      status,
      ...(overdue ? { overdue: overdue === 'true' } : {}),
    };
    const hazards = new HazardRepository(countyData(c).store);
    let page: { items: Hazard[]; nextCursor?: string };
    if (supervised) {
      // The 挂牌督办 register: its own partition, in listing order (a chunk of its own, for the county's register).
      const { supervisedPage } = await import('./hazard-register.ts');
      page = await supervisedPage(
        countyData(c).store,
        { ...filter, ...(q ? { query: q } : {}) },
        { limit, cursor },
      );
    } else
      page = q
        ? await hazards.searchList({ ...filter, query: q }, { limit, cursor })
        : await hazards.list(filter, { limit, cursor });
    return c.json(await pageWithHazardAllowedActions(c, page), 200);
  });

  app.openapi(routes.get, async (c) => {
    authorize(c.get('principal'), 'hazard.read');
    const { hazard } = await visibleHazard(c, c.req.valid('param').id);
    // One hazard says how many working days it has left, by the county's calendar (working-days.ts).
    const { settings } = await countyData(c).settings.get();
    const now = c.get('deps').clock.now();
    const workingDaysLeft = workingDaysBetween(now, new Date(hazard.deadline), settings.workingCalendar);
    return c.json({ ...(await withHazardAllowedActions(c, hazard, settings)), workingDaysLeft }, 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'hazard.report');
    const input = c.req.valid('json');
    const hazard = await idempotent(c, `hazards:${principal.userId}`, input, async (claim) => {
      const { hazard, notifications } = await createHazard(c, principal, input, claim);
      await externalNotifier(c).notify(notifications);
      return hazard;
    });
    return c.json(hazard as Hazard, 201);
  });

  for (const action of HAZARD_ACTIONS) {
    app.openapi(actionRoute(action), async (c) => {
      const principal = c.get('principal');
      authorize(principal, HAZARD_ACTION_CAPABILITY[action]);
      const body = (c.req.valid('json') ?? {}) as StepBody;
      const id = c.req.valid('param').id;
      const data = countyData(c);
      // A phone whose answer was lost sends the step again with the same key: it gets the hazard as it is now
      // (the step was applied) instead of a 409 for the version it had already moved past.
      const key = c.req.valid('header')['idempotency-key'];
      const claim = key
        ? {
            scope: `hazard-step:${principal.userId}`,
            key,
            fingerprint: IdempotencyStore.fingerprint({
              id,
              action,
              body,
              ifMatch: c.req.header('if-match') ?? null,
            }),
          }
        : undefined;
      const replay = async () => {
        if (!claim || !(await data.idempotency.find(claim.scope, claim.key, claim.fingerprint)))
          return undefined;
        return c.json(await withHazardAllowedActions(c, (await visibleHazard(c, id)).hazard), 200);
      };
      const earlier = await replay();
      if (earlier) return earlier;
      let saved: { hazard: Hazard; settings: TenantSettings };
      try {
        saved = await applyStep(c, principal, id, action, body, claim);
      } catch (error) {
        // Two copies of one step in flight: the loser meets the winner's key record, or reads the hazard after
        // the winner moved its version on (a 409 for the If-Match both sent); either way it answers as the winner.
        const winner = error instanceof ConflictError && claim ? await awaitWinner(replay) : undefined;
        if (winner) return winner;
        throw error;
      }
      return c.json(await withHazardAllowedActions(c, saved.hazard, saved.settings), 200);
    });
  }

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'hazard.read');
    const { hazard } = await visibleHazard(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'hazard', hazard.id), 200);
  });

  registerPhotoEvidence<Hazard>(app, routes, {
    collection: 'hazards',
    read: 'hazard.read',
    mayAdd: requireEvidenceRole,
    visible: async (c, id) => {
      const { stored, hazard } = await visibleHazard(c, id);
      return { stored, record: hazard };
    },
    assertOpen: assertEvidenceOpen,
    save: (c, stored, after, ctx, event) =>
      new HazardRepository(countyData(c).store).save(stored, after, after.version, ctx, event),
    answer: (c, hazard) => withHazardAllowedActions(c, hazard),
  });
}

/** A closed hazard's evidence is what was verified: nothing is added after. */
function assertEvidenceOpen(hazard: Hazard): void {
  if (hazard.status === 'closed')
    throw new ConflictError('The hazard is closed and its evidence final.', 'record_final');
}

function requireEvidenceRole(principal: Principal): void {
  if (!EVIDENCE_CAPABILITIES.some((capability) => hasCapability(principal, capability))) {
    throw new ForbiddenError(`Your role (${principal.role}) may not add evidence to hazards.`);
  }
}

/** The named photos' evidence for a step's audit event (an id the hazard does not hold is named alone). */
function evidenceFacts(photos: readonly Photo[], ids: readonly string[]) {
  return ids.map((id) => {
    const photo = photos.find((p) => p.id === id);
    return photo ? photoFacts(photo) : { id };
  });
}

/**
 * Notices for a step that raises a hazard: both chains at the new level. Listing for supervision tells the
 * township, the department and the unit that the county now holds it. A rejected rectification tells who
 * rectifies why.
 */
function noticesFor(
  c: Context<AppEnv>,
  action: HazardAction,
  before: Hazard,
  after: Hazard,
  now: Date,
): NotificationMessage[] {
  const nextId = () => c.get('deps').ids.next();
  if (action === 'supervise') {
    const recipients = [
      ...escalationRecipients(after, 'township'),
      { kind: 'unit' as const, id: after.unitId },
    ];
    return escalationMessages(after, 'county', 'supervision', now, nextId, recipients);
  }
  if (action === 'escalate' && after.level !== before.level)
    return escalationMessages(after, after.level, 'manual', now, nextId);
  if (action === 'reject') return rejectionMessages(after, after.rejectReason, now, nextId);
  return [];
}

async function createHazard(
  c: Context<AppEnv>,
  principal: Principal,
  input: z.infer<typeof CreateHazardSchema>,
  idempotency: { scope: string; key: string; fingerprint: string } | undefined,
): Promise<{ hazard: Hazard; notifications: NotificationMessage[] }> {
  const data = countyData(c);
  if (input.location) assertLocationInChina(input.location);
  const unit = await data.units.get(input.unitId);
  if (!unit) throw new ValidationError([{ path: 'unitId', message: 'no such unit in this county' }]);
  if (!inScope(principal, { gridPath: unit.gridPath, departmentId: unit.departmentId, unitId: unit.id })) {
    throw new ForbiddenError('This unit is outside your area.');
  }
  if (input.riskPointId) {
    const point = await data.riskPoints.get(input.riskPointId);
    if (!point || point.unitId !== unit.id)
      throw new ValidationError([{ path: 'riskPointId', message: 'is not a risk point of this unit' }]);
  }
  const { settings } = await data.settings.get();
  const now = c.get('deps').clock.now();
  const hazard = newHazard(
    {
      id: c.get('deps').ids.next(),
      ...input,
      unit,
      source: 'direct',
    },
    settings,
    now,
    principal.username,
  );
  const notifications =
    hazard.level === 'township'
      ? escalationMessages(hazard, 'township', 'severity', now, () => c.get('deps').ids.next())
      : [];
  const ctx = { ...writeContext(c), ...(input.location ? { location: input.location } : {}) };
  const remember = rememberAnswer(c, idempotency, { status: 201, body: hazard }, now);
  await new HazardRepository(data.store).create(hazard, ctx, { notifications, extraItems: remember });
  return { hazard, notifications };
}

type StepBody = HazardActionInput & { version?: number; location?: { lat: number; lng: number } };

/**
 * One step of the closed loop. A listing draws a 督办单 number under a condition; when another listing took that
 * number first, the step is read and tried again (withDrawnNumbers) rather than answering the county admin 409.
 */
function applyStep(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  action: HazardAction,
  body: StepBody,
  claim: IdempotencyClaim | undefined,
): Promise<{ hazard: Hazard; settings: TenantSettings }> {
  const once = () => applyStepOnce(c, principal, id, action, body, claim);
  return action === 'supervise' ? withDrawnNumbers(once) : once();
}

/** One step of the closed loop, its audit event, its notices and (keyed) its idempotency record, in one transaction. */
async function applyStepOnce(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  action: HazardAction,
  body: StepBody,
  claim: IdempotencyClaim | undefined,
): Promise<{ hazard: Hazard; settings: TenantSettings }> {
  const data = countyData(c);
  const { stored, hazard } = await visibleHazard(c, id);
  const version = expectedVersion(c, body.version, hazard.version);
  const { settings } = await data.settings.get();
  const now = c.get('deps').clock.now();
  // A listing draws its 督办单 number in its own transaction (supervision-register.ts); a listing again keeps its own.
  const numbered =
    action === 'supervise' && !hazard.supervision?.number
      ? await import('./hazard-register.ts').then((m) => m.drawSupervisionNumber(data.store, now))
      : undefined;
  const input = numbered ? { ...body, supervisionNumber: numbered.number } : body;
  const after = applyHazardAction(hazard, action, { principal, now, settings }, input);
  const singlePerson =
    (action === 'verify' || action === 'reject') && isSinglePersonVerification(hazard, principal, settings);
  const notifications = noticesFor(c, action, hazard, after, now);
  const ctx = { ...writeContext(c), ...(body.location ? { location: body.location } : {}) };
  const step =
    after.escalations.length > hazard.escalations.length
      ? after.escalations[after.escalations.length - 1]
      : undefined;
  const remember = rememberAnswer(c, claim, { status: 200, body: { id } }, now);
  const saved = await new HazardRepository(data.store).save(stored, after, version, ctx, {
    extraItems: [...remember, ...(numbered ? [numbered.claim] : [])],
    action: HAZARD_ACTION_EVENT[action],
    ...(body.reason ? { reason: body.reason } : {}),
    details: {
      ...(body.note ? { note: body.note } : {}),
      ...(body.photoIds ? { photos: evidenceFacts(after.photos, body.photoIds) } : {}),
      ...(step ? { cause: step.cause, from: step.from, to: step.to } : {}),
      ...(action === 'supervise' && after.supervision ? { supervision: after.supervision } : {}),
      ...(singlePerson ? { singlePerson: true } : {}),
      ...(notifications.length > 0
        ? { notified: notifications.map((n) => `${n.recipient.kind}:${n.recipient.id}`) }
        : {}),
    },
    notifications,
  });
  await externalNotifier(c).notify(notifications);
  return { hazard: saved, settings };
}
