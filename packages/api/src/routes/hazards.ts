import {
  applyHazardAction,
  assertLocationInChina,
  authorize,
  type Capability,
  ConflictError,
  CreateHazardSchema,
  canListSubtree,
  combineNotifiers,
  described,
  ESCALATION_LEVELS,
  EscalationLevelSchema,
  escalationMessages,
  escalationRecipients,
  ForbiddenError,
  type GridNode,
  HAZARD_ACTION_CAPABILITY,
  HAZARD_ACTION_EVENT,
  HAZARD_ACTIONS,
  type Hazard,
  type HazardAction,
  HazardEscalateSchema,
  HazardEvidenceSchema,
  HazardRejectSchema,
  HazardSeveritySchema,
  HazardStatusSchema,
  HazardTransitionSchema,
  hasCapability,
  hazardScopeTarget,
  inScope,
  logOnlyNotifier,
  NotFoundError,
  type NotificationMessage,
  type Notifier,
  newHazard,
  type Photo,
  type Principal,
  ValidationError,
  verifyAuditChain,
} from '@gridsafe/core';
import { fromItem, HazardRepository, IdempotencyStore, readAuditTrail } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import {
  announcePhoto,
  forgetAnnouncedPhoto,
  photoFacts,
  photoLink,
  photoRoutes,
  verifyAnnouncedPhoto,
} from '../evidence.ts';
import {
  COMMON_ERRORS,
  expectedVersion,
  IdempotencyHeaderSchema,
  IdParamSchema,
  IdQuery,
  json,
  LocationOut,
  PageQuerySchema,
  pageOf,
  VersionHeaderSchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { AuditTrailSchema } from './audit-schema.ts';

export const EvidencePhotoSchema = described(
  z.object({
    id: z.string(),
    key: z.string(),
    contentType: z.string(),
    size: z.number().check(z.int()),
    sha256: z.string(),
    status: z.enum(['pending', 'verified']),
    takenAt: z.optional(z.string()),
    location: z.optional(LocationOut),
    requestedAt: z.string(),
    verifiedAt: z.optional(z.string()),
  }),
  { id: 'EvidencePhoto' },
);
const EscalationStepSchema = described(
  z.object({
    at: z.string(),
    from: EscalationLevelSchema,
    to: EscalationLevelSchema,
    cause: z.enum(['severity', 'deadline', 'manual', 'supervision']),
    by: z.string(),
  }),
  { id: 'EscalationStep' },
);

export const HazardSchema = described(
  z.object({
    id: z.string(),
    title: z.string(),
    description: z.optional(z.string()),
    severity: HazardSeveritySchema,
    status: HazardStatusSchema,
    level: described(z.enum(ESCALATION_LEVELS), {
      description: 'Who handles it on the territorial chain; the department hears from township up',
    }),
    escalationStep: z.number().check(z.int()),
    escalations: z.array(EscalationStepSchema),
    deadline: described(z.string(), {
      description: 'Rectification deadline, from the county’s settings by severity',
    }),
    escalateAt: described(z.optional(z.string()), {
      description: 'When the sweep next raises it or marks it overdue',
    }),
    overdue: z.boolean(),
    overdueAt: z.optional(z.string()),
    supervised: described(z.boolean(), { description: '挂牌督办: listed for supervision by the county' }),
    supervisedAt: z.optional(z.string()),
    unitId: z.string(),
    unitName: z.string(),
    industry: z.string(),
    gridId: z.string(),
    gridPath: z.string(),
    departmentId: z.optional(z.string()),
    riskPointId: z.optional(z.string()),
    patrolId: z.optional(z.string()),
    checklistCode: z.optional(z.string()),
    source: z.enum(['direct', 'patrol']),
    location: z.optional(LocationOut),
    photos: z.array(EvidencePhotoSchema),
    rectification: z.optional(
      z.object({ note: z.string(), photoIds: z.array(z.string()), at: z.string(), by: z.string() }),
    ),
    resolution: z.optional(
      z.object({
        how: z.enum(['verified', 'on_site']),
        note: z.optional(z.string()),
        photoIds: z.array(z.string()),
        at: z.string(),
        by: z.string(),
      }),
    ),
    rejectReason: z.optional(z.string()),
    rejections: z.number().check(z.int()),
    startedAt: z.optional(z.string()),
    rectifiedAt: z.optional(z.string()),
    closedAt: z.optional(z.string()),
    reportedBy: z.string(),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'Hazard' },
);

const ListQuerySchema = z.extend(PageQuerySchema, {
  grid: described(z.optional(IdQuery), { description: 'Hazards in this grid node’s subtree' }),
  level: described(z.optional(z.enum(ESCALATION_LEVELS)), { description: 'Escalation level' }),
  status: z.optional(HazardStatusSchema),
  overdue: described(z.optional(z.enum(['true', 'false'])), {
    description: 'true: not yet closed and marked overdue by the sweep',
  }),
  department: described(z.optional(IdQuery), { description: 'Hazards of this department’s industries' }),
  unit: described(z.optional(IdQuery), { description: 'Hazards of one unit' }),
});
const routes = {
  list: createRoute({
    method: 'get',
    path: '/hazards',
    tags: ['hazards'],
    summary:
      'The hazard board, filtered by grid subtree, escalation level, status, overdue, department or unit',
    request: { query: ListQuerySchema },
    responses: { 200: json(pageOf(HazardSchema, 'HazardPage'), 'Hazards'), ...COMMON_ERRORS },
  }),
  get: createRoute({
    method: 'get',
    path: '/hazards/{id}',
    tags: ['hazards'],
    summary: 'One hazard work order',
    request: { params: IdParamSchema },
    responses: { 200: json(HazardSchema, 'The hazard'), ...COMMON_ERRORS },
  }),
  create: createRoute({
    method: 'post',
    path: '/hazards',
    tags: ['hazards'],
    summary:
      'Report a hazard directly: a deadline from the county’s settings; a major one goes to the township at once',
    request: {
      headers: IdempotencyHeaderSchema,
      body: { required: true, content: { 'application/json': { schema: CreateHazardSchema } } },
    },
    responses: { 201: json(HazardSchema, 'Created'), ...WRITE_ERRORS },
  }),
  audit: createRoute({
    method: 'get',
    path: '/hazards/{id}/audit',
    tags: ['hazards'],
    summary: 'Every event, oldest first, with the hash chain verified',
    request: { params: IdParamSchema },
    responses: { 200: json(AuditTrailSchema, 'Events'), ...COMMON_ERRORS },
  }),
  ...photoRoutes({
    collection: 'hazards',
    tag: 'hazards',
    noun: 'the hazard',
    announceNote: 'then confirm it, or name it in a step’s `photoIds`',
    recordSchema: HazardSchema,
  }),
};

const ACTION_BODY: Record<HazardAction, z.ZodMiniType> = {
  start: HazardTransitionSchema,
  'report-rectified': HazardEvidenceSchema,
  verify: HazardTransitionSchema,
  reject: HazardRejectSchema,
  'resolve-on-site': HazardEvidenceSchema,
  escalate: HazardEscalateSchema,
  supervise: HazardEscalateSchema,
};
const ACTION_SUMMARY: Record<HazardAction, string> = {
  start: 'Start rectifying (open → rectifying): the unit, its grid member or an officer',
  'report-rectified':
    'Report the rectification with a note and confirmed photos (→ rectified): the unit or its grid member',
  verify:
    'Verify on site and close (rectified → closed): township, department or county; a listed hazard, the county',
  reject: 'Reject the rectification with a reason (rectified → rectifying)',
  'resolve-on-site':
    'Resolve a general hazard on the spot with a note and confirmed photos (→ closed): grid member or officer',
  escalate: 'Raise one level by hand (village → township → county): township, department or county officer',
  supervise:
    'List a major hazard for supervision by the county (挂牌督办): it goes to the county, and only the county closes it',
};

function actionRoute(action: HazardAction) {
  return createRoute({
    method: 'post',
    path: `/hazards/{id}/${action}`,
    tags: ['hazards'],
    summary: ACTION_SUMMARY[action],
    request: {
      params: IdParamSchema,
      headers: z.extend(VersionHeaderSchema, IdempotencyHeaderSchema.shape),
      body: {
        required: action === 'report-rectified' || action === 'resolve-on-site' || action === 'reject',
        content: { 'application/json': { schema: ACTION_BODY[action] } },
      },
    },
    responses: { 200: json(HazardSchema, 'The hazard after the step'), ...WRITE_ERRORS },
  });
}

/** SMS and e-mail, log-only for now; in-app notices are written with the change itself. */
export function externalNotifier(c: Context<AppEnv>): Notifier {
  const { logger } = c.get('deps');
  return combineNotifiers(logger, logOnlyNotifier(logger));
}

/** A hazard the caller may see: 404 when missing or in another county, 403 when outside their area. */
async function visibleHazard(c: Context<AppEnv>, id: string) {
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
    const principal = c.get('principal');
    authorize(principal, 'hazard.read');
    const { grid, level, status, overdue, department, unit, limit, cursor } = c.req.valid('query');
    const data = countyData(c);
    const hazards = new HazardRepository(data.store);
    const filter = { level, status, unitId: unit, ...(overdue ? { overdue: overdue === 'true' } : {}) };
    let node: GridNode | undefined;
    let departmentId = department;
    const unitGrant = principal.grants.find((g) => g.kind === 'unit');
    if (grid) {
      node = await data.grids.get(grid);
      if (!node) throw new NotFoundError('grid');
    } else if (principal.role === 'unit_user' && unitGrant) {
      const own = await data.units.get(unit ?? unitGrant.id);
      if (!own || !inScope(principal, { gridPath: own.gridPath, unitId: own.id }))
        throw new ForbiddenError('List your own unit’s hazards.');
      return c.json(
        await hazards.list({ ...filter, withinPath: own.gridPath, unitId: own.id }, { limit, cursor }),
        200,
      );
    } else if (principal.role !== 'county_admin' && !departmentId) {
      const deptGrants = principal.grants.filter((g) => g.kind === 'dept');
      const gridGrants = principal.grants.filter((g) => g.kind === 'grid');
      if (principal.role === 'department_officer' && deptGrants.length === 1)
        departmentId = deptGrants[0]!.id;
      else if (gridGrants.length === 1) {
        node = await data.grids.get(gridGrants[0]!.id);
        if (!node) throw new NotFoundError('grid');
      } else
        throw new ValidationError([{ path: 'query.grid', message: 'name the grid (or department) to list' }]);
    }
    const departmentAllowed =
      departmentId !== undefined && principal.grants.some((g) => g.kind === 'dept' && g.id === departmentId);
    const areaAllowed = node !== undefined && canListSubtree(principal, node.path);
    if (principal.role !== 'county_admin' && !departmentAllowed && !areaAllowed) {
      throw new ForbiddenError('List within your own grid or department.');
    }
    return c.json(
      await hazards.list({ ...filter, withinPath: node?.path ?? '', departmentId }, { limit, cursor }),
      200,
    );
  });

  app.openapi(routes.get, async (c) => {
    authorize(c.get('principal'), 'hazard.read');
    return c.json((await visibleHazard(c, c.req.valid('param').id)).hazard, 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'hazard.report');
    const input = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const data = countyData(c);
    const fingerprint = IdempotencyStore.fingerprint(input);
    const scope = `hazards:${principal.userId}`;
    if (key) {
      const earlier = await data.idempotency.find(scope, key, fingerprint);
      if (earlier) return c.json(earlier.body as Hazard, 201);
    }
    try {
      const { hazard, notifications } = await createHazard(
        c,
        principal,
        input,
        key ? { scope, key, fingerprint } : undefined,
      );
      await externalNotifier(c).notify(notifications);
      return c.json(hazard, 201);
    } catch (error) {
      if (key) {
        const earlier = await data.idempotency.find(scope, key, fingerprint);
        if (earlier) return c.json(earlier.body as Hazard, 201);
      }
      throw error;
    }
  });

  for (const action of HAZARD_ACTIONS) {
    app.openapi(actionRoute(action), async (c) => {
      const principal = c.get('principal');
      authorize(principal, HAZARD_ACTION_CAPABILITY[action]);
      const body = (c.req.valid('json') ?? {}) as {
        version?: number;
        note?: string;
        reason?: string;
        photoIds?: string[];
        location?: { lat: number; lng: number };
      };
      const id = c.req.valid('param').id;
      const data = countyData(c);
      // A phone whose answer was lost sends the step again with the same key: it gets the hazard as it is now
      // (the step was applied) instead of a 409 for the version it had already moved past.
      const key = c.req.valid('header')['idempotency-key'];
      const scope = `hazard-step:${principal.userId}`;
      const fingerprint = IdempotencyStore.fingerprint({
        id,
        action,
        body,
        ifMatch: c.req.header('if-match') ?? null,
      });
      const replay = async () => {
        if (!key || !(await data.idempotency.find(scope, key, fingerprint))) return undefined;
        return c.json((await visibleHazard(c, id)).hazard, 200);
      };
      const earlier = await replay();
      if (earlier) return earlier;
      const { stored, hazard } = await visibleHazard(c, id);
      const version = expectedVersion(c, body.version, hazard.version);
      const { settings } = await data.settings.get();
      const now = c.get('deps').clock.now();
      const after = applyHazardAction(hazard, action, { principal, now, settings }, body);
      const notifications = noticesFor(c, action, hazard, after, now);
      const ctx = { ...writeContext(c), ...(body.location ? { location: body.location } : {}) };
      const step =
        after.escalations.length > hazard.escalations.length
          ? after.escalations[after.escalations.length - 1]
          : undefined;
      const remember = key
        ? [data.idempotency.record(scope, key, fingerprint, { status: 200, body: { id } }, now)]
        : [];
      let saved: Hazard;
      try {
        saved = await new HazardRepository(data.store).save(stored, after, version, ctx, {
          extraItems: remember,
          action: HAZARD_ACTION_EVENT[action],
          ...(body.reason ? { reason: body.reason } : {}),
          details: {
            ...(body.note ? { note: body.note } : {}),
            ...(body.photoIds ? { photos: evidenceFacts(after.photos, body.photoIds) } : {}),
            ...(step ? { cause: step.cause, from: step.from, to: step.to } : {}),
            ...(notifications.length > 0
              ? { notified: notifications.map((n) => `${n.recipient.kind}:${n.recipient.id}`) }
              : {}),
          },
          notifications,
        });
      } catch (error) {
        // Two copies of one step in flight: the loser's key record (or version) conflicts; it answers as the winner.
        const winner = error instanceof ConflictError ? await replay() : undefined;
        if (winner) return winner;
        throw error;
      }
      await externalNotifier(c).notify(notifications);
      return c.json(saved, 200);
    });
  }

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'hazard.read');
    const { hazard } = await visibleHazard(c, c.req.valid('param').id);
    const events = await readAuditTrail(countyData(c).store, 'hazard', hazard.id);
    return c.json({ items: events, chain: verifyAuditChain(events) }, 200);
  });

  app.openapi(routes.requestPhoto, async (c) => {
    requireEvidenceRole(c.get('principal'));
    const { hazard } = await visibleHazard(c, c.req.valid('param').id);
    if (hazard.status === 'closed')
      throw new ConflictError('The hazard is closed; its evidence is final.', 'wrong_state');
    return c.json(await announcePhoto(c, 'hazards', hazard.id, c.req.valid('json')), 201);
  });

  app.openapi(routes.confirmPhoto, async (c) => {
    requireEvidenceRole(c.get('principal'));
    const { id, photoId } = c.req.valid('param');
    const { stored, hazard } = await visibleHazard(c, id);
    // Confirmed already (a retry): the hazard as it is.
    if (hazard.photos.some((photo) => photo.id === photoId)) return c.json(hazard, 200);
    const verified = await verifyAnnouncedPhoto(c, 'hazards', hazard.id, photoId);
    if (!verified) throw new NotFoundError('photo');
    const saved = await new HazardRepository(countyData(c).store).save(
      stored,
      { ...hazard, photos: [...hazard.photos, verified] },
      hazard.version,
      writeContext(c),
      { action: 'photo_added', details: { photo: photoFacts(verified) } },
    );
    await forgetAnnouncedPhoto(c, 'hazards', hazard.id, photoId);
    return c.json(saved, 200);
  });

  app.openapi(routes.viewPhoto, async (c) => {
    authorize(c.get('principal'), 'hazard.read');
    const { id, photoId } = c.req.valid('param');
    const { hazard } = await visibleHazard(c, id);
    return c.json(await photoLink(c, hazard.photos, photoId), 200);
  });
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
 * township, the department and the unit that the county now holds it.
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
  const remember = idempotency
    ? [
        data.idempotency.record(
          idempotency.scope,
          idempotency.key,
          idempotency.fingerprint,
          { status: 201, body: hazard },
          now,
        ),
      ]
    : [];
  await new HazardRepository(data.store).create(hazard, ctx, { notifications, extraItems: remember });
  return { hazard, notifications };
}
