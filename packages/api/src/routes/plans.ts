import {
  authorize,
  checkPlanTarget,
  type EmergencyPlan,
  ForbiddenError,
  inScope,
  NotFoundError,
  planReviewOverdue,
  ValidationError,
} from '@gridsafe/core';
import { fromItem, PlanRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import { announcePhoto, forgetAnnouncedPhoto, verifyAnnouncedPhoto } from '../evidence.ts';
import type { createRouter } from '../openapi-hono.ts';
import { unitScopeTarget } from '../unit-rules.ts';
import { auditTrail } from './record-routes.ts';
import { routes } from './resource-schemas.ts';

/** A plan as answered: flagged once its review date has passed. */
function view(c: Context<AppEnv>, plan: EmergencyPlan) {
  return { ...plan, reviewOverdue: planReviewOverdue(plan, c.get('deps').clock.now()) };
}

/** Plans are read with their unit: 404 when missing or in another county, 403 outside the caller's area. */
async function visiblePlan(c: Context<AppEnv>, id: string) {
  authorize(c.get('principal'), 'unit.read');
  const stored = await new PlanRepository(countyData(c).store).getStored(id);
  if (!stored) throw new NotFoundError('plan');
  const plan = fromItem<EmergencyPlan>(stored);
  if (
    !inScope(c.get('principal'), {
      gridPath: plan.gridPath,
      departmentId: plan.departmentId,
      unitId: plan.unitId,
    })
  )
    throw new ForbiddenError('This plan is outside your area.');
  return plan;
}

/**
 * Emergency plans: the file goes through the evidence flow every photo takes (announced, uploaded straight to
 * S3 with a presigned PUT, read back and hashed, copied under the county's prefix) and is then filed with its
 * unit or risk point. Registered with the resources' group.
 */
export function registerPlans(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.announceFile, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'plan.manage');
    // Announced under the announcer's own draft: only they can name it in the plan they file.
    return c.json(await announcePhoto(c, 'plans', principal.userId, c.req.valid('json')), 201);
  });

  app.openapi(routes.createPlan, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'plan.manage');
    const input = c.req.valid('json');
    checkPlanTarget(input);
    const data = countyData(c);
    const point = input.riskPointId ? await data.riskPoints.get(input.riskPointId) : undefined;
    if (input.riskPointId && !point)
      throw new ValidationError([{ path: 'riskPointId', message: 'no such risk point in this county' }]);
    if (point && input.unitId && input.unitId !== point.unitId)
      throw new ValidationError([{ path: 'unitId', message: 'is not the unit of the risk point' }]);
    const unit = await data.units.get(point?.unitId ?? input.unitId ?? '');
    if (!unit) throw new ValidationError([{ path: 'unitId', message: 'no such unit in this county' }]);
    authorize(principal, 'plan.manage', unitScopeTarget(unit));
    const id = c.get('deps').ids.next();
    const file = await verifyAnnouncedPhoto(c, 'plans', principal.userId, input.fileId, id);
    if (!file) throw new ValidationError([{ path: 'fileId', message: 'was not announced by you' }]);
    const ctx = writeContext(c);
    const at = ctx.now.toISOString();
    const plan: EmergencyPlan = {
      id,
      unitId: unit.id,
      unitName: unit.name,
      ...(point ? { riskPointId: point.id, riskPointName: point.name } : {}),
      gridId: unit.gridId,
      gridPath: unit.gridPath,
      ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
      title: input.title,
      planVersion: input.planVersion,
      reviewDate: input.reviewDate,
      file: {
        id: file.id,
        key: file.key,
        contentType: file.contentType,
        size: file.size,
        sha256: file.sha256,
      },
      uploadedBy: principal.username,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await new PlanRepository(data.store).create(plan, ctx);
    await forgetAnnouncedPhoto(c, 'plans', principal.userId, file.id);
    return c.json(view(c, plan), 201);
  });

  app.openapi(routes.listPlans, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'unit.read');
    const { unit: unitId, riskPoint: riskPointId } = c.req.valid('query');
    const data = countyData(c);
    const repository = new PlanRepository(data.store);
    let plans: EmergencyPlan[];
    if (riskPointId) {
      const point = await data.riskPoints.get(riskPointId);
      if (!point) throw new NotFoundError('risk point');
      authorize(principal, 'riskPoint.read', unitScopeTarget({ ...point, id: point.unitId }));
      plans = await repository.listOfRiskPoint(riskPointId);
    } else if (unitId) {
      const unit = await data.units.get(unitId);
      if (!unit) throw new NotFoundError('unit');
      authorize(principal, 'unit.read', unitScopeTarget(unit));
      plans = await repository.listOfUnit(unitId);
    } else {
      throw new ValidationError([{ path: 'unit', message: 'name a unit or a risk point' }]);
    }
    return c.json({ items: plans.map((plan) => view(c, plan)) }, 200);
  });

  app.openapi(routes.getPlan, async (c) => {
    return c.json(view(c, await visiblePlan(c, c.req.valid('param').id)), 200);
  });

  app.openapi(routes.planFile, async (c) => {
    const plan = await visiblePlan(c, c.req.valid('param').id);
    return c.json({ url: await countyData(c).photos.presignView(plan.file.key), expiresIn: 300 }, 200);
  });

  app.openapi(routes.planAudit, async (c) => {
    const plan = await visiblePlan(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'plan', plan.id), 200);
  });
}
