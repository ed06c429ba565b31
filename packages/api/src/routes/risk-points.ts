import {
  assertEditable,
  assertLocationInChina,
  authorize,
  ColorSchema,
  ConflictError,
  CreateRiskPointSchema,
  canListSubtree,
  DEFAULT_SETTINGS,
  described,
  ForbiddenError,
  findIndustry,
  type GridNode,
  grade,
  IndustryCodeSchema,
  inScope,
  NotFoundError,
  nextReviewState,
  type Principal,
  ReturnRiskPointSchema,
  type RiskPoint,
  RiskPointStatusSchema,
  type RiskPointTransition,
  TransitionSchema,
  UlidSchema,
  UpdateRiskPointSchema,
  ValidationError,
  verifyAuditChain,
} from '@gridsafe/core';
import { fromItem, IdempotencyStore, type RISK_POINT_SUMMARY_FIELDS, readAuditTrail } from '@gridsafe/db';
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
  json,
  PageQuerySchema,
  pageOf,
  VersionHeaderSchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { cachedSettings } from '../settings-cache.ts';
import { AuditTrailSchema } from './audit-schema.ts';
import { countyKnowledge } from './knowledge.ts';
import { recordLink, renderNoticeBoard } from './notice-board.ts';

const AssessmentSchema = z.object({
  method: z.enum(['LEC', 'LS']),
  inputs: z.record(z.string(), z.number()),
  score: z.number(),
  color: z.enum(['red', 'orange', 'yellow', 'blue']),
  tableVersion: z.number().check(z.int()),
  at: z.string(),
  by: z.string(),
});
const PhotoSchema = z.object({
  id: z.string(),
  key: z.string(),
  contentType: z.string(),
  size: z.number().check(z.int()),
  sha256: z.string(),
  status: z.enum(['pending', 'verified']),
  takenAt: z.optional(z.string()),
  location: z.optional(z.object({ lat: z.number(), lng: z.number() })),
  requestedAt: z.string(),
  verifiedAt: z.optional(z.string()),
});
export const RiskPointSchema = described(
  z.object({
    id: z.string(),
    name: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    industry: z.string(),
    templateCode: z.optional(z.string()),
    gridId: z.string(),
    gridPath: z.string(),
    departmentId: z.optional(z.string()),
    location: z.object({ lat: z.number(), lng: z.number() }),
    address: z.optional(z.string()),
    description: z.optional(z.string()),
    hazardFactors: z.array(z.string()),
    accidentTypes: z.array(z.string()),
    checklist: z.array(z.object({ code: z.string(), text: z.string() })),
    controlMeasures: z.array(z.string()),
    emergencyMeasures: z.array(z.string()),
    responsiblePerson: z.optional(z.object({ name: z.optional(z.string()), phone: z.optional(z.string()) })),
    emergencyPhone: z.optional(z.string()),
    color: ColorSchema,
    assessment: z.optional(AssessmentSchema),
    gradings: z.array(AssessmentSchema),
    status: RiskPointStatusSchema,
    reviewChain: z.array(z.enum(['township', 'county'])),
    reviewStep: z.number().check(z.int()),
    returnReason: z.optional(z.string()),
    photos: z.array(PhotoSchema),
    createdBy: z.string(),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'RiskPoint' },
);

/**
 * A list answer's point: the columns of the register, the review queue and the map (the record page has the
 * rest). Whole points made a page of 50 about 115 KB; see RISK_POINT_SUMMARY_FIELDS in @gridsafe/db.
 */
export const RiskPointSummarySchema = described(
  z.pick(RiskPointSchema, {
    id: true,
    name: true,
    unitId: true,
    unitName: true,
    industry: true,
    templateCode: true,
    gridId: true,
    gridPath: true,
    departmentId: true,
    location: true,
    color: true,
    status: true,
    reviewChain: true,
    reviewStep: true,
    photos: true,
    version: true,
    createdAt: true,
    updatedAt: true,
  } satisfies Record<(typeof RISK_POINT_SUMMARY_FIELDS)[number], true>),
  { id: 'RiskPointSummary' },
);

const ListQuerySchema = z.extend(PageQuerySchema, {
  grid: described(z.optional(UlidSchema), { description: 'Points in this grid node’s subtree' }),
  color: z.optional(ColorSchema),
  status: z.optional(RiskPointStatusSchema),
  industry: z.optional(IndustryCodeSchema),
  department: z.optional(UlidSchema),
  unit: described(z.optional(UlidSchema), {
    description: 'Points of one unit (needs `grid` or a unit scope)',
  }),
});
const routes = {
  list: createRoute({
    method: 'get',
    path: '/risk-points',
    tags: ['risk points'],
    summary:
      'The risk-point register, filtered by grid subtree, colour, status, industry, department or unit',
    request: { query: ListQuerySchema },
    responses: {
      200: json(
        pageOf(RiskPointSummarySchema, 'RiskPointPage'),
        'Risk points (summaries; GET one for the rest)',
      ),
      ...COMMON_ERRORS,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/risk-points/{id}',
    tags: ['risk points'],
    summary: 'One risk point',
    request: { params: IdParamSchema },
    responses: { 200: json(RiskPointSchema, 'The risk point'), ...COMMON_ERRORS },
  }),
  create: createRoute({
    method: 'post',
    path: '/risk-points',
    tags: ['risk points'],
    summary: 'File a risk point (a draft), from a knowledge-base template or free',
    request: {
      headers: IdempotencyHeaderSchema,
      body: { required: true, content: { 'application/json': { schema: CreateRiskPointSchema } } },
    },
    responses: { 201: json(RiskPointSchema, 'Created'), ...WRITE_ERRORS },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/risk-points/{id}',
    tags: ['risk points'],
    summary:
      'Change a draft (a new assessment is graded with the current table and kept beside the old ones)',
    request: {
      params: IdParamSchema,
      headers: VersionHeaderSchema,
      body: { required: true, content: { 'application/json': { schema: UpdateRiskPointSchema } } },
    },
    responses: { 200: json(RiskPointSchema, 'Updated'), ...WRITE_ERRORS },
  }),
  audit: createRoute({
    method: 'get',
    path: '/risk-points/{id}/audit',
    tags: ['risk points'],
    summary: 'Every event, oldest first, with the hash chain verified (names the first broken link)',
    request: { params: IdParamSchema },
    responses: { 200: json(AuditTrailSchema, 'Events'), ...COMMON_ERRORS },
  }),
  ...photoRoutes({
    collection: 'risk-points',
    tag: 'risk points',
    noun: 'the risk point',
    announceNote: 'then confirm it',
    recordSchema: RiskPointSchema,
  }),
  noticeBoard: createRoute({
    method: 'get',
    path: '/risk-points/{id}/notice-board',
    tags: ['risk points'],
    summary: 'The printable A4 notice board (HTML) with a QR code that opens the record',
    request: { params: IdParamSchema },
    responses: {
      200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } },
      ...COMMON_ERRORS,
    },
  }),
};

function transitionRoute(action: RiskPointTransition) {
  const body = action === 'return' ? ReturnRiskPointSchema : TransitionSchema;
  return createRoute({
    method: 'post',
    path: `/risk-points/{id}/${action}`,
    tags: ['risk points'],
    summary: {
      submit: 'Submit a draft for review',
      approve: 'Approve at the current review level (the last approval files it)',
      return: 'Return to draft with a reason',
      reopen: 'Reopen a filed point as a draft to change it',
    }[action],
    request: {
      params: IdParamSchema,
      headers: VersionHeaderSchema,
      body: { required: action === 'return', content: { 'application/json': { schema: body } } },
    },
    responses: { 200: json(RiskPointSchema, 'The point after the transition'), ...WRITE_ERRORS },
  });
}

/** A point the caller may see: 404 when missing or in another county, 403 when outside their area. */
async function visiblePoint(c: Context<AppEnv>, id: string) {
  const stored = await countyData(c).riskPoints.getStored(id, true);
  if (!stored) throw new NotFoundError('risk point');
  const point = fromItem<RiskPoint>(stored);
  if (
    !inScope(c.get('principal'), {
      gridPath: point.gridPath,
      departmentId: point.departmentId,
      unitId: point.unitId,
    })
  ) {
    throw new ForbiddenError('This risk point is outside your area.');
  }
  return { stored, point };
}

export function registerRiskPoints(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.list, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'riskPoint.read');
    const { grid, color, status, industry, department, unit, limit, cursor } = c.req.valid('query');
    const data = countyData(c);
    let node: GridNode | undefined;
    let withinPath = '';
    const unitGrant = principal.grants.find((g) => g.kind === 'unit');
    if (grid) {
      node = await data.grids.get(grid);
      if (!node) throw new NotFoundError('grid');
      withinPath = node.path;
    } else if (principal.role === 'unit_user' && unitGrant) {
      const own = await data.units.get(unit ?? unitGrant.id);
      if (!own || !inScope(principal, { gridPath: own.gridPath, unitId: own.id }))
        throw new ForbiddenError('List your own unit’s points.');
      const page = await data.riskPoints.listSummaries(
        { withinPath: own.gridPath, color, status, industry },
        { limit, cursor },
      );
      return c.json(
        { items: page.items.filter((p) => p.unitId === own.id), nextCursor: page.nextCursor },
        200,
      );
    } else if (principal.role !== 'county_admin' && !department) {
      const grids = principal.grants.filter((g) => g.kind === 'grid');
      if (grids.length !== 1)
        throw new ValidationError([{ path: 'query.grid', message: 'name the grid (or department) to list' }]);
      node = await data.grids.get(grids[0]!.id);
      if (!node) throw new NotFoundError('grid');
      withinPath = node.path;
    }
    const departmentAllowed =
      department !== undefined && principal.grants.some((g) => g.kind === 'dept' && g.id === department);
    const areaAllowed = node !== undefined && canListSubtree(principal, node.path);
    if (principal.role !== 'county_admin' && !departmentAllowed && !areaAllowed) {
      throw new ForbiddenError('List within your own grid or department.');
    }
    const page = await data.riskPoints.listSummaries(
      { withinPath, color, status, industry, departmentId: department },
      { limit, cursor },
    );
    const items = unit ? page.items.filter((p) => p.unitId === unit) : page.items;
    return c.json({ items, nextCursor: page.nextCursor }, 200);
  });

  app.openapi(routes.get, async (c) => {
    authorize(c.get('principal'), 'riskPoint.read');
    return c.json((await visiblePoint(c, c.req.valid('param').id)).point, 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'riskPoint.file');
    const input = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const data = countyData(c);
    const fingerprint = IdempotencyStore.fingerprint(input);
    const scope = `risk-points:${principal.userId}`;
    if (key) {
      const earlier = await data.idempotency.find(scope, key, fingerprint);
      if (earlier) return c.json(earlier.body as RiskPoint, 201);
    }
    try {
      const point = await createRiskPoint(c, principal, input, key ? { scope, key, fingerprint } : undefined);
      return c.json(point, 201);
    } catch (error) {
      if (key) {
        const earlier = await data.idempotency.find(scope, key, fingerprint);
        if (earlier) return c.json(earlier.body as RiskPoint, 201);
      }
      throw error;
    }
  });

  app.openapi(routes.patch, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'riskPoint.file');
    const input = c.req.valid('json');
    const { stored, point } = await visiblePoint(c, c.req.valid('param').id);
    const version = expectedVersion(c, input.version, point.version);
    assertEditable(point);
    if (input.location) assertLocationInChina(input.location);
    const now = c.get('deps').clock.now();
    const { version: _v, assessment: newAssessment, ...changes } = input;
    const { settings } = newAssessment
      ? await cachedSettings(c.get('tenant'), countyData(c).settings)
      : { settings: DEFAULT_SETTINGS };
    const after: RiskPoint = { ...point, ...changes };
    if (newAssessment) {
      // A re-grade keeps the earlier grading (with its own table version) in `gradings`.
      const graded = grade(newAssessment, settings.grading, now, principal.username);
      after.assessment = graded;
      after.gradings = [...point.gradings, graded];
      after.color = graded.color;
    }
    const saved = await countyData(c).riskPoints.save(stored, after, version, writeContext(c), {
      action: newAssessment ? 'regraded' : 'updated',
    });
    return c.json(saved, 200);
  });

  for (const action of ['submit', 'approve', 'return', 'reopen'] as const) {
    app.openapi(transitionRoute(action), async (c) => {
      const principal = c.get('principal');
      authorize(
        principal,
        action === 'approve' || action === 'return' ? 'riskPoint.review' : 'riskPoint.file',
      );
      const body = (c.req.valid('json') ?? {}) as {
        version?: number;
        reason?: string;
        location?: { lat: number; lng: number };
      };
      const { stored, point } = await visiblePoint(c, c.req.valid('param').id);
      const version = expectedVersion(c, body.version, point.version);
      const data = countyData(c);
      // Only a submit needs the settings (the chain for the colour); later steps follow the chain on the point.
      const { settings } =
        action === 'submit'
          ? await cachedSettings(c.get('tenant'), data.settings)
          : { settings: DEFAULT_SETTINGS };
      if (action === 'submit' && !point.photos.some((photo) => photo.status === 'verified')) {
        throw new ConflictError(
          'Add at least one photo of the point before submitting it.',
          'photo_required',
        );
      }
      const state = nextReviewState(point, action, principal, settings);
      const after: RiskPoint = { ...point, ...state };
      if (action === 'return') after.returnReason = body.reason;
      else delete after.returnReason;
      const ctx = { ...writeContext(c), ...(body.location ? { location: body.location } : {}) };
      const eventName = {
        submit: 'submitted',
        approve: state.status === 'filed' ? 'filed' : 'approved',
        return: 'returned',
        reopen: 'reopened',
      }[action];
      const saved = await data.riskPoints.save(stored, after, version, ctx, {
        action: eventName,
        ...(body.reason ? { reason: body.reason } : {}),
        ...(action === 'approve' ? { details: { reviewLevel: point.reviewChain[point.reviewStep] } } : {}),
      });
      return c.json(saved, 200);
    });
  }

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'riskPoint.read');
    const { point } = await visiblePoint(c, c.req.valid('param').id);
    const events = await readAuditTrail(countyData(c).store, 'risk-point', point.id);
    return c.json({ items: events, chain: verifyAuditChain(events) }, 200);
  });

  app.openapi(routes.requestPhoto, async (c) => {
    authorize(c.get('principal'), 'riskPoint.file');
    const { point } = await visiblePoint(c, c.req.valid('param').id);
    return c.json(await announcePhoto(c, 'risk-points', point.id, c.req.valid('json')), 201);
  });

  app.openapi(routes.confirmPhoto, async (c) => {
    authorize(c.get('principal'), 'riskPoint.file');
    const { id, photoId } = c.req.valid('param');
    const { stored, point } = await visiblePoint(c, id);
    // Confirmed already (a retry): the record as it is.
    if (point.photos.some((photo) => photo.id === photoId)) return c.json(point, 200);
    const verified = await verifyAnnouncedPhoto(c, 'risk-points', point.id, photoId);
    if (!verified) throw new NotFoundError('photo');
    const saved = await countyData(c).riskPoints.save(
      stored,
      { ...point, photos: [...point.photos, verified] },
      point.version,
      writeContext(c),
      { action: 'photo_added', details: { photo: photoFacts(verified) } },
    );
    await forgetAnnouncedPhoto(c, 'risk-points', point.id, photoId);
    return c.json(saved, 200);
  });

  app.openapi(routes.viewPhoto, async (c) => {
    authorize(c.get('principal'), 'riskPoint.read');
    const { id, photoId } = c.req.valid('param');
    const { point } = await visiblePoint(c, id);
    return c.json(await photoLink(c, point.photos, photoId), 200);
  });

  app.openapi(routes.noticeBoard, async (c) => {
    authorize(c.get('principal'), 'riskPoint.read');
    const { point } = await visiblePoint(c, c.req.valid('param').id);
    const link = recordLink(c.get('deps').publicOrigin, c.get('tenant'), point.id);
    const page = await renderNoticeBoard(point, link, point.unitName);
    return c.html(page, 200);
  });
}

async function createRiskPoint(
  c: Context<AppEnv>,
  principal: Principal,
  input: z.infer<typeof CreateRiskPointSchema>,
  idempotency: { scope: string; key: string; fingerprint: string } | undefined,
): Promise<RiskPoint> {
  const data = countyData(c);
  assertLocationInChina(input.location);
  const unit = await data.units.get(input.unitId);
  if (!unit) throw new ValidationError([{ path: 'unitId', message: 'no such unit in this county' }]);
  if (!inScope(principal, { gridPath: unit.gridPath, departmentId: unit.departmentId, unitId: unit.id })) {
    throw new ForbiddenError('This unit is outside your area.');
  }
  const [{ knowledge }, { settings }] = await Promise.all([
    countyKnowledge(c),
    cachedSettings(c.get('tenant'), data.settings),
  ]);
  const industry = findIndustry(knowledge, input.industry);
  if (!industry)
    throw new ValidationError([{ path: 'industry', message: 'is not an industry of the knowledge base' }]);
  const template = input.templateCode
    ? industry.templates.find((t) => t.code === input.templateCode)
    : undefined;
  if (input.templateCode && !template) {
    throw new ValidationError([{ path: 'templateCode', message: `is not a template of ${industry.name}` }]);
  }
  const now = c.get('deps').clock.now();
  const assessment = input.assessment
    ? grade(input.assessment, settings.grading, now, principal.username)
    : undefined;
  const point: RiskPoint = {
    id: c.get('deps').ids.next(),
    name: input.name,
    unitId: unit.id,
    unitName: unit.name,
    industry: industry.code,
    ...(template ? { templateCode: template.code } : {}),
    gridId: unit.gridId,
    gridPath: unit.gridPath,
    ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
    location: input.location,
    ...(input.address ? { address: input.address } : unit.address ? { address: unit.address } : {}),
    ...(input.description ? { description: input.description } : {}),
    hazardFactors: input.hazardFactors ?? template?.hazardFactors ?? [],
    accidentTypes: input.accidentTypes ?? template?.accidentTypes ?? [],
    checklist: template?.checklist ?? [],
    controlMeasures: input.controlMeasures ?? template?.controlMeasures ?? [],
    emergencyMeasures: input.emergencyMeasures ?? template?.emergencyMeasures ?? [],
    ...(input.responsiblePerson
      ? { responsiblePerson: input.responsiblePerson }
      : unit.contact
        ? { responsiblePerson: unit.contact }
        : {}),
    ...(input.emergencyPhone ? { emergencyPhone: input.emergencyPhone } : {}),
    color: assessment?.color ?? 'ungraded',
    ...(assessment ? { assessment } : {}),
    gradings: assessment ? [assessment] : [],
    status: 'draft',
    reviewChain: [],
    reviewStep: 0,
    photos: [],
    createdBy: principal.username,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const remember = idempotency
    ? [
        data.idempotency.record(
          idempotency.scope,
          idempotency.key,
          idempotency.fingerprint,
          { status: 201, body: point },
          now,
        ),
      ]
    : [];
  await data.riskPoints.create(point, writeContext(c), remember);
  return point;
}
