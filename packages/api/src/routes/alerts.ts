import {
  type Alert,
  AlertSchema,
  type AlertSource,
  AlertSourceSchema,
  AlertSourceSecretSchema,
  AlertStatusSchema,
  AlertToHazardSchema,
  alertScopeTarget,
  authorize,
  CreateAlertSourceSchema,
  DEFAULT_ALERTS_PER_MINUTE,
  described,
  escalationMessages,
  ForbiddenError,
  handledAlert,
  inScope,
  NotFoundError,
  newHazard,
  publicAlertSource,
  rotatedAlertSource,
  scopeFilter,
  ValidationError,
} from '@gridsafe/core';
import { newSigningSecret } from '@gridsafe/core/signed-message';
import { AlertRepository, AlertSourceRepository, fromItem, HazardRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope, writeContext } from '../county-data.ts';
import {
  COMMON_ERRORS,
  expectedVersion,
  IdParamSchema,
  IdQuery,
  json,
  PageQuerySchema,
  pageOf,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { HazardSchema } from './hazard-schemas.ts';
import { externalNotifier } from './hazards.ts';
import { auditTrail, recordRoutes } from './record-routes.ts';

/**
 * Monitoring alerts as the county's people see them (the intake is alert-intake.ts): the list in the caller's
 * area, one alert, turning one into a hazard; and the sources a county admin registers, each with its secret.
 */
const AlertListQuerySchema = z.extend(PageQuerySchema, {
  status: described(z.optional(AlertStatusSchema), { description: '`open` or `handled`' }),
  grid: described(z.optional(IdQuery), { description: 'Only this grid node’s subtree' }),
  department: described(z.optional(IdQuery), { description: 'Only this department’s industries' }),
  unit: described(z.optional(IdQuery), { description: 'Only this unit’s' }),
});

const record = recordRoutes('alerts', 'alerts');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/alerts',
    tags: ['alerts'],
    summary: 'Monitoring alerts in the caller’s area, by status, grid, department or unit',
    description:
      'Alerts of no unit are the county’s: only the county admin sees them until one becomes a hazard of a unit.',
    request: { query: AlertListQuerySchema },
    responses: { 200: json(pageOf(AlertSchema, 'AlertPage'), 'A page of alerts'), ...COMMON_ERRORS },
  }),
  get: record.get('One monitoring alert', AlertSchema, 'The alert'),
  audit: record.audit(
    'Every event of the alert (received, handled), oldest first, with the hash chain verified',
  ),
  toHazard: createRoute({
    method: 'post',
    path: '/alerts/{id}/hazard',
    tags: ['alerts'],
    summary: 'Turn an open alert into a hazard of its unit (one action); the alert is then handled',
    description:
      'An alert that names no unit needs `unitId` (400 naming it otherwise). The hazard’s title and description default to the alert’s kind and message. A handled alert answers 409.',
    request: {
      params: IdParamSchema,
      body: { required: true, content: { 'application/json': { schema: AlertToHazardSchema } } },
    },
    responses: {
      201: json(
        described(z.object({ alert: AlertSchema, hazard: HazardSchema }), { id: 'AlertHazard' }),
        'The hazard made, and the alert linking it',
      ),
      ...WRITE_ERRORS,
    },
  }),
  listSources: createRoute({
    method: 'get',
    path: '/alert-sources',
    tags: ['alerts'],
    summary: 'The monitoring systems registered to send alerts (county admin); never their secrets',
    responses: {
      200: json(described(z.object({ items: z.array(AlertSourceSchema) }), { id: 'AlertSourceList' }), 'All'),
      ...COMMON_ERRORS,
    },
  }),
  createSource: createRoute({
    method: 'post',
    path: '/alert-sources',
    tags: ['alerts'],
    summary:
      'Register a monitoring system (county admin): answers its id and signing secret, shown this once',
    request: {
      body: { required: true, content: { 'application/json': { schema: CreateAlertSourceSchema } } },
    },
    responses: { 201: json(AlertSourceSecretSchema, 'The source and its secret'), ...WRITE_ERRORS },
  }),
  rotateSource: createRoute({
    method: 'post',
    path: '/alert-sources/{id}/rotate',
    tags: ['alerts'],
    summary: 'A new signing secret (county admin); the old one still verifies for an hour',
    request: { params: IdParamSchema },
    responses: { 200: json(AlertSourceSecretSchema, 'The new secret, shown this once'), ...WRITE_ERRORS },
  }),
};

/** An alert the caller may see: 404 when missing or in another county, 403 when outside their area. */
async function visibleAlert(c: Context<AppEnv>, id: string) {
  const stored = await new AlertRepository(c.get('store')).getStored(id, true);
  if (!stored) throw new NotFoundError('alert');
  const alert = fromItem<Alert>(stored);
  if (!inScope(c.get('principal'), alertScopeTarget(alert)))
    throw new ForbiddenError('This alert is outside your area.');
  return { stored, alert };
}

export function registerAlerts(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.list, async (c) => {
    authorize(c.get('principal'), 'alert.read');
    const { status, grid, department, unit, limit, cursor } = c.req.valid('query');
    const scope = await readScope(c, { grid, department, unit });
    const page = await new AlertRepository(c.get('store')).list(
      { ...scopeFilter(scope), ...(status ? { status } : {}) },
      { limit, cursor },
    );
    return c.json(page, 200);
  });

  app.openapi(routes.get, async (c) => {
    authorize(c.get('principal'), 'alert.read');
    return c.json((await visibleAlert(c, c.req.valid('param').id)).alert, 200);
  });

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'alert.read');
    const { alert } = await visibleAlert(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'alert', alert.id), 200);
  });

  app.openapi(routes.toHazard, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'alert.handle');
    const body = c.req.valid('json');
    const { stored, alert } = await visibleAlert(c, c.req.valid('param').id);
    const version = expectedVersion(c, body.version, alert.version);
    const now = c.get('deps').clock.now();
    // Before the unit is asked for: a handled alert is 409 whatever the body says.
    handledAlert(alert, '', principal.username, now);
    const unitId = body.unitId ?? alert.unitId;
    if (!unitId)
      throw new ValidationError([
        { path: 'unitId', message: 'this alert names no unit: name the unit the hazard is of' },
      ]);
    if (alert.unitId && body.unitId && body.unitId !== alert.unitId)
      throw new ValidationError([{ path: 'unitId', message: 'is not the alert’s unit' }]);
    const data = countyData(c);
    const unit = await data.units.get(unitId);
    if (!unit) throw new ValidationError([{ path: 'unitId', message: 'no such unit in this county' }]);
    authorize(principal, 'hazard.report', {
      gridPath: unit.gridPath,
      departmentId: unit.departmentId,
      unitId: unit.id,
    });
    const { settings } = await data.settings.get();
    const hazard = newHazard(
      {
        id: c.get('deps').ids.next(),
        title: body.title ?? `${alert.kind}：${alert.message}`.slice(0, 100),
        description: body.description ?? `${alert.sourceName}（${alert.observedAt}）：${alert.message}`,
        severity: body.severity,
        ...(alert.riskPointId && alert.unitId === unit.id ? { riskPointId: alert.riskPointId } : {}),
        ...(alert.location ? { location: alert.location } : {}),
        unit,
        source: 'alert',
        alertId: alert.id,
      },
      settings,
      now,
      principal.username,
    );
    const after: Alert = {
      ...handledAlert(alert, hazard.id, principal.username, now),
      unitId: unit.id,
      unitName: unit.name,
      gridPath: unit.gridPath,
      ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
    };
    const ctx = writeContext(c);
    const handled = new AlertRepository(c.get('store')).handledItems(stored, after, version, ctx);
    const notifications =
      hazard.level === 'township'
        ? escalationMessages(hazard, 'township', 'severity', now, () => c.get('deps').ids.next())
        : [];
    await new HazardRepository(c.get('store')).create(hazard, ctx, {
      notifications,
      extraItems: handled.items,
    });
    await externalNotifier(c).notify(notifications);
    return c.json({ alert: handled.next, hazard }, 201);
  });

  app.openapi(routes.listSources, async (c) => {
    authorize(c.get('principal'), 'alertSource.manage');
    const sources = await new AlertSourceRepository(c.get('store')).listAll();
    return c.json({ items: sources.map(publicAlertSource) }, 200);
  });

  app.openapi(routes.createSource, async (c) => {
    authorize(c.get('principal'), 'alertSource.manage');
    const body = c.req.valid('json');
    const now = c.get('deps').clock.now();
    const source: AlertSource = {
      id: c.get('deps').ids.next(),
      name: body.name,
      ...(body.description ? { description: body.description } : {}),
      ratePerMinute: body.ratePerMinute ?? DEFAULT_ALERTS_PER_MINUTE,
      secret: newSigningSecret(),
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await new AlertSourceRepository(c.get('store')).create(source, writeContext(c));
    return c.json({ id: source.id, secret: source.secret }, 201);
  });

  app.openapi(routes.rotateSource, async (c) => {
    authorize(c.get('principal'), 'alertSource.manage');
    const repository = new AlertSourceRepository(c.get('store'));
    const stored = await repository.getStored(c.req.valid('param').id, true);
    if (!stored) throw new NotFoundError('alert source');
    const now = c.get('deps').clock.now();
    const rotated = rotatedAlertSource(fromItem<AlertSource>(stored), newSigningSecret(), now);
    const saved = await repository.rotate(stored, rotated, writeContext(c));
    return c.json(
      {
        id: saved.id,
        secret: saved.secret,
        ...(saved.previousSecretUntil ? { previousSecretUntil: saved.previousSecretUntil } : {}),
      },
      200,
    );
  });
}
