import {
  assertEditable,
  assertLocationInChina,
  authorize,
  CreateRiskPointSchema,
  DEFAULT_SETTINGS,
  ForbiddenError,
  findIndustry,
  grade,
  inScope,
  type Principal,
  type RiskPoint,
  scopeFilter,
  UpdateRiskPointSchema,
  ValidationError,
} from '@gridsafe/core';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope, writeContext } from '../county-data.ts';
import { photoRoutes } from '../evidence.ts';
import { COMMON_ERRORS, expectedVersion, IdParamSchema } from '../http-helpers.ts';
import { idempotent, rememberAnswer } from '../idempotent-write.ts';
import { countyKnowledge } from '../knowledge-source.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { cachedSettings } from '../settings-cache.ts';
import { registerPhotoEvidence } from './photo-evidence.ts';
import { auditTrail, recordRoutes } from './record-routes.ts';
import { registerRiskPointReview } from './risk-point-review.ts';
import { ListQuerySchema, RiskPointSchema, RiskPointSummarySchema } from './risk-point-schemas.ts';
import {
  assertPhotosOpen,
  reviewSettingsFor,
  summariesWithAllowedActions,
  visiblePoint,
  withAllowedActions,
} from './risk-point-visibility.ts';

const riskPointRoutes = recordRoutes('risk-points', 'risk points');
const routes = {
  list: riskPointRoutes.list(
    'The risk-point register, filtered by grid subtree, colour, status, industry, department or unit',
    ListQuerySchema,
    {
      item: RiskPointSummarySchema,
      name: 'RiskPointPage',
      answer: 'Risk points (summaries; GET one for the rest)',
    },
  ),
  get: riskPointRoutes.get('One risk point', RiskPointSchema, 'The risk point'),
  create: riskPointRoutes.create(
    'File a risk point (a draft), from a knowledge-base template or free',
    CreateRiskPointSchema,
    RiskPointSchema,
    { keyed: true },
  ),
  patch: riskPointRoutes.patch(
    'Change a draft (a new assessment is graded with the current table and kept beside the old ones)',
    UpdateRiskPointSchema,
    RiskPointSchema,
  ),
  audit: riskPointRoutes.audit(
    'Every event, oldest first, with the hash chain verified (names the first broken link)',
  ),
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

export function registerRiskPoints(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.list, async (c) => {
    authorize(c.get('principal'), 'riskPoint.read');
    const { grid, color, status, industry, department, unit, q, limit, cursor } = c.req.valid('query');
    const { unitId, ...area } = scopeFilter(await readScope(c, { grid, department, unit }));
    const { riskPoints } = countyData(c);
    const filter = { ...area, color, status, industry };
    const page = q
      ? await riskPoints.searchSummaries({ ...filter, query: q }, { limit, cursor })
      : await riskPoints.listSummaries(filter, { limit, cursor });
    // The register's indexes have no unit key: a unit's points are its village's, filtered.
    const items = unitId ? page.items.filter((point) => point.unitId === unitId) : page.items;
    return c.json({ items: await summariesWithAllowedActions(c, items), nextCursor: page.nextCursor }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'riskPoint.read');
    const { point } = await visiblePoint(c, c.req.valid('param').id);
    return c.json(withAllowedActions(principal, point, await reviewSettingsFor(c, [point])), 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'riskPoint.file');
    const input = c.req.valid('json');
    const point = await idempotent(c, `risk-points:${principal.userId}`, input, (claim) =>
      createRiskPoint(c, principal, input, claim),
    );
    return c.json(point as RiskPoint, 201);
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

  registerRiskPointReview(app);

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'riskPoint.read');
    const { point } = await visiblePoint(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'risk-point', point.id), 200);
  });

  registerPhotoEvidence<RiskPoint>(app, routes, {
    collection: 'risk-points',
    read: 'riskPoint.read',
    mayAdd: (principal) => authorize(principal, 'riskPoint.file'),
    visible: async (c, id) => {
      const { stored, point } = await visiblePoint(c, id);
      return { stored, record: point };
    },
    assertOpen: assertPhotosOpen,
    save: (c, stored, after, ctx, event) =>
      countyData(c).riskPoints.save(stored, after, after.version, ctx, event),
    answer: (_c, point) => point,
  });

  app.openapi(routes.noticeBoard, async (c) => {
    authorize(c.get('principal'), 'riskPoint.read');
    const { point } = await visiblePoint(c, c.req.valid('param').id);
    // The board's renderer is a chunk of its own: boards are printed once per point, not on every cold start.
    const { recordLink, renderNoticeBoard } = await import('./notice-board.ts');
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
  const remember = rememberAnswer(c, idempotency, { status: 201, body: point }, now);
  await data.riskPoints.create(point, writeContext(c), remember);
  return point;
}
