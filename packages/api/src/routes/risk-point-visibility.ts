import {
  allowedRiskPointActions,
  ConflictError,
  ForbiddenError,
  inScope,
  NotFoundError,
  type Principal,
  type RiskPoint,
  type TenantSettings,
} from '@gridsafe/core';
import { fromItem } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';

/** A point the caller may see: 404 when missing or in another county, 403 when outside their area. */
export async function visiblePoint(c: Context<AppEnv>, id: string) {
  const stored = await countyData(c).riskPoints.getStored(id, true);
  if (!stored) throw new NotFoundError('risk point');
  const point = fromItem<RiskPoint>(stored);
  // A point is its own scope target: its village path, its department, its unit.
  if (!inScope(c.get('principal'), point)) throw new ForbiddenError('This risk point is outside your area.');
  return { stored, point };
}

/** A single point's answer says which review steps the caller may take now, so a client draws only those. */
export function withAllowedActions(principal: Principal, point: RiskPoint, settings: TenantSettings) {
  return { ...point, allowedActions: allowedRiskPointActions(point, principal, settings) };
}

/** A filed point's evidence is what was reviewed: a photo is added only after it is reopened. */
export function assertPhotosOpen(point: Pick<RiskPoint, 'status'>): void {
  if (point.status === 'filed')
    throw new ConflictError('The point is filed and its evidence final; reopen it first.', 'record_final');
}
