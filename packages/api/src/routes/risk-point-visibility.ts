import {
  allowedRiskPointActions,
  ConflictError,
  DEFAULT_SETTINGS,
  ForbiddenError,
  inScope,
  NotFoundError,
  type Principal,
  type RiskPoint,
  reviewNeedsSettings,
  riskPointActionsFor,
  type TenantSettings,
} from '@gridsafe/core';
import { fromItem, type RiskPointListItem } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';
import { cachedSettings } from '../settings-cache.ts';

/** A point the caller may see: 404 when missing or in another county, 403 when outside their area. */
export async function visiblePoint(c: Context<AppEnv>, id: string) {
  const stored = await countyData(c).riskPoints.getStored(id, true);
  if (!stored) throw new NotFoundError('risk point');
  const point = fromItem<RiskPoint>(stored);
  // A point is its own scope target: its village path, its department, its unit.
  if (!inScope(c.get('principal'), point)) throw new ForbiddenError('This risk point is outside your area.');
  return { stored, point };
}

/** A point's answer says which review steps the caller may take now, so a client draws only those. */
export function withAllowedActions(principal: Principal, point: RiskPoint, settings: TenantSettings) {
  return { ...point, allowedActions: allowedRiskPointActions(point, principal, settings) };
}

/** The county's review settings when the steps open on any of these points depend on them, else the defaults. */
export async function reviewSettingsFor(
  c: Context<AppEnv>,
  points: readonly Parameters<typeof reviewNeedsSettings>[0][],
): Promise<TenantSettings> {
  const principal = c.get('principal');
  return points.some((point) => reviewNeedsSettings(point, principal))
    ? (await cachedSettings(c.get('tenant'), countyData(c).settings)).settings
    : DEFAULT_SETTINGS;
}

/**
 * A list page's points, each with the review steps the caller may take on it now (so the review queue and the
 * register draw only those); the review fields read to decide that are not part of a summary and stay behind.
 */
export async function summariesWithAllowedActions(c: Context<AppEnv>, points: readonly RiskPointListItem[]) {
  const principal = c.get('principal');
  const actionsOf = riskPointActionsFor(principal, await reviewSettingsFor(c, points));
  return points.map((point) => {
    const {
      createdBy: _createdBy,
      submittedBy: _submittedBy,
      filedColor: _filed,
      reopenBy: _reopen,
      ...summary
    } = point;
    return { ...summary, allowedActions: actionsOf(point) };
  });
}

/** A filed point's evidence is what was reviewed: a photo is added only after it is reopened. */
export function assertPhotosOpen(point: Pick<RiskPoint, 'status'>): void {
  if (point.status === 'filed')
    throw new ConflictError('The point is filed and its evidence final; reopen it first.', 'record_final');
}
