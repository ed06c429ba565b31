import type { CreditLevel, Unit, UnitCredit } from '@gridsafe/core';
import { CreditRepository, type Page, UnitRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** The part of a rating a list row shows: the badge and the score. */
export function creditBadge(credit: UnitCredit | undefined): {
  credit?: { level: CreditLevel; score: number };
} {
  return credit ? { credit: { level: credit.level, score: credit.score } } : {};
}

/** A page of units with each one's credit badge (one BatchGetItem of their ratings). */
export async function withCredit<T extends Unit>(c: Context<AppEnv>, units: readonly T[]) {
  const credits = await new CreditRepository(c.get('store')).many(units.map((unit) => unit.id));
  return units.map((unit) => ({ ...unit, ...creditBadge(credits.get(unit.id)) }));
}

/**
 * The units list's `credit=` filter: Query the ratings of that level in the caller's place (gsi1 CREDIT#<level>),
 * then BatchGetItem those units. The rating carries the unit's place, so the list's scope is the index's range;
 * the units read back are checked again against it (a unit moved since its last rating is left out).
 */
export async function unitsOfCreditLevel(
  c: Context<AppEnv>,
  filter: { level: CreditLevel; withinPath: string; departmentId?: string; industry?: string },
  page: { limit: number; cursor?: string },
): Promise<Page<Unit & { credit?: { level: CreditLevel; score: number } }>> {
  const store = c.get('store');
  const found = await new CreditRepository(store).listByLevel(filter, page);
  const units = new UnitRepository(store);
  const byId = new Map(
    (await Promise.all(found.items.map((credit) => units.get(credit.unitId)))).flatMap((unit) =>
      unit ? [[unit.id, unit] as const] : [],
    ),
  );
  const items = found.items.flatMap((credit) => {
    const unit = byId.get(credit.unitId);
    if (!unit || !`${unit.gridPath}#`.startsWith(filter.withinPath)) return [];
    if (filter.departmentId && unit.departmentId !== filter.departmentId) return [];
    return [{ ...unit, ...creditBadge(credit) }];
  });
  return { items, ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}) };
}
