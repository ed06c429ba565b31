import { refreshUnitCredit } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';

/**
 * After a write that may change a unit's record (app.ts, CREDIT_WRITES), rates the unit again, in the same
 * request (docs/decisions.md, "Unit credit ratings"). The unit is the one the answer names: a risk point's,
 * hazard's or patrol's `unitId`, or a unit's own `id`. A risk point counts only once filed, so other review
 * steps cost nothing. A failure is logged and the write's answer stands; the daily re-rating catches up.
 */
export async function refreshCreditAfterWrite(c: Context<AppEnv>): Promise<void> {
  let body: Record<string, unknown> & { patrol?: { unitId?: unknown } };
  try {
    body = await c.res.clone().json();
  } catch {
    return;
  }
  const path = c.req.path;
  if (/\/risk-points(\/|$)/.test(path) && body.status !== 'filed') return;
  const unitId = /\/units(\/[^/]+)?$/.test(path) ? body.id : (body.unitId ?? body.patrol?.unitId);
  if (typeof unitId !== 'string') return;
  try {
    await refreshUnitCredit(c.get('store'), unitId, c.get('deps').clock.now());
  } catch (error) {
    c.get('deps').logger.warn('credit rating failed', { tenant: c.get('tenant'), unitId, error });
  }
}
