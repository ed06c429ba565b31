import {
  ConflictError,
  type CreditInputs,
  type CreditRules,
  creditPatrolDays,
  type EnforcementOutcome,
  type Principal,
  rateUnit,
  type Unit,
} from '@gridsafe/core';
import type { Inspection } from '@gridsafe/core/inspection';
import { CreditRepository } from './credit-repository.ts';
import { CreditRulesRepository } from './credit-rules-repository.ts';
import {
  hazardEntity,
  inspectionEntity,
  patrolEntity,
  riskPointEntity,
  unitCreditEntity,
  unitEntity,
} from './entities.ts';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/** Ratings are computed by the county's system, like the patrol planner and the escalation sweep. */
const ratingPrincipal = (tenant: string): Principal => ({
  userId: 'system',
  username: 'credit-rating',
  tenant,
  role: 'county_admin',
  grants: [],
});

/** What of an inspection counts for a rating: its outcome and when it was decided. */
const outcomeOf = (inspection: Pick<Inspection, 'outcome' | 'inspectedAt'>): EnforcementOutcome => ({
  outcome: inspection.outcome,
  at: inspection.inspectedAt,
});

/** A unit's enforcement outcomes (执法检查 results): every item of gsi3 INSPUNIT#<unitId>, oldest first. */
export const enforcementOutcomesOf = async (
  store: TenantStore,
  unitId: string,
): Promise<EnforcementOutcome[]> =>
  (await inspectionEntity.all(store, { index: 'gsi3', of: { unitId } })).map(outcomeOf);

/**
 * The same for a whole county at once (the backfill, the daily re-rating): unit id → outcomes, from one Query
 * of the county's inspections (gsi1 INSPS), a few hundred a year.
 */
export const enforcementOutcomesByUnit = async (
  store: TenantStore,
): Promise<Map<string, EnforcementOutcome[]>> => {
  const byUnit = new Map<string, EnforcementOutcome[]>();
  for (const inspection of await inspectionEntity.all(store, { index: 'gsi1', of: {} })) {
    byUnit.set(inspection.unitId, [...(byUnit.get(inspection.unitId) ?? []), outcomeOf(inspection)]);
  }
  return byUnit;
};

/**
 * A unit's record as the rating reads it: its risk points and hazards (its village's, filtered to the unit: one
 * Query each), its done patrols since the look-back (its own patrol partition) and its enforcement outcomes.
 */
export async function creditInputsOf(store: TenantStore, unit: Unit, rules: CreditRules, now: Date) {
  const since = new Date(now.getTime() - rules.lookbackDays * 86_400_000).toISOString();
  const [riskPoints, hazards, patrols, enforcement] = await Promise.all([
    riskPointEntity.all(store, { index: 'gsi1', within: unit.gridPath, where: { unitId: unit.id } }),
    hazardEntity.all(store, { index: 'gsi1', within: unit.gridPath, where: { unitId: unit.id } }),
    // A done patrol was due at most a year before it was done; its due time is the partition's sort key.
    patrolEntity.all(store, {
      index: 'gsi4',
      of: { unitId: unit.id },
      sk: ['>= :since', { ':since': new Date(Date.parse(since) - 366 * 86_400_000).toISOString() }],
      where: { status: 'done' },
    }),
    enforcementOutcomesOf(store, unit.id),
  ]);
  return { riskPoints, hazards, patrols, enforcement } satisfies CreditInputs;
}

/**
 * Rates one unit again from its current record and stores the rating if it changed (credit-repository.ts). Called
 * after every write that can change a unit's record (api: credit-refresh.ts) and by the escalation sweep; two
 * refreshes at once both compute from what they read, and the loser of the version lock reads and computes again.
 */
export async function refreshUnitCredit(
  store: TenantStore,
  unitId: string,
  now: Date,
): Promise<'rated' | 'unchanged' | 'no_unit'> {
  const credits = new CreditRepository(store);
  const { rules, version } = await new CreditRulesRepository(store).get();
  const ctx = { principal: ratingPrincipal(store.tenant), now };
  for (let attempt = 0; ; attempt++) {
    const key = unitEntity.key(store, unitId);
    const unitItem = await store.get(key.pk, key.sk, true);
    if (!unitItem) return 'no_unit';
    const unit = unitEntity.fromItem<Unit>(unitItem);
    const stored = await credits.getStored(unitId, true);
    const rating = rateUnit(await creditInputsOf(store, unit, rules, now), rules, version, now);
    const items = credits.writeItems(unit, rating, stored, ctx);
    if (items.length === 0) return 'unchanged';
    try {
      await store.transact(items, 'credit');
      return 'rated';
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= 3) throw error;
    }
  }
}

/**
 * Rates every unit of a county from the county's whole record, read once (every unit, risk point and hazard, the
 * done patrols), storing the ratings that changed. `write` sends each unit's items: by default one transaction
 * each; the demo seed hands in its bulk writer (the items are new, so no lock is lost).
 */
export async function rateCounty(
  store: TenantStore,
  now: Date,
  write: (items: TransactItem[]) => Promise<void> = (items) => store.transact(items, 'credit'),
): Promise<{ units: number; changed: number }> {
  const { rules } = await new CreditRulesRepository(store).get();
  const since = new Date(now.getTime() - rules.lookbackDays * 86_400_000).toISOString();
  const [units, riskPoints, hazards, patrols, enforcement] = await Promise.all([
    unitEntity.all(store, { index: 'gsi1' }),
    riskPointEntity.all(store, { index: 'gsi1', fields: ['unitId', 'color', 'status'] }),
    hazardEntity.all(store, { index: 'gsi1' }),
    patrolEntity.all(store, {
      index: 'gsi3',
      sk: ['>= :since', { ':since': new Date(Date.parse(since) - 366 * 86_400_000).toISOString() }],
      where: { status: 'done' },
    }),
    enforcementOutcomesByUnit(store),
  ]);
  return rateUnitsFrom(store, now, { units, riskPoints, hazards, patrols, enforcement }, write);
}

type OfUnit<T> = T & { unitId: string };

/** A county's records as a rating reads them: the units to rate and everything of theirs that counts. */
export interface CountyRecords {
  units: readonly Unit[];
  riskPoints: readonly OfUnit<CreditInputs['riskPoints'][number]>[];
  hazards: readonly OfUnit<CreditInputs['hazards'][number]>[];
  /** Done patrols, at least those due since the look-back less a year. */
  patrols: readonly OfUnit<CreditInputs['patrols'][number]>[];
  enforcement: ReadonlyMap<string, EnforcementOutcome[]>;
}

/**
 * Rates `units` from records already read (rateCounty's reads, or a seed's own records, which it made and need
 * not read back), storing the ratings that changed through `write`. Each unit's stored rating is read, 100 a call,
 * unless `fresh` says none is stored yet (a seed's new units).
 */
export async function rateUnitsFrom(
  store: TenantStore,
  now: Date,
  records: CountyRecords,
  write: (items: TransactItem[]) => Promise<void> = (items) => store.transact(items, 'credit'),
  options: { fresh?: boolean } = {},
): Promise<{ units: number; changed: number }> {
  const { rules, version } = await new CreditRulesRepository(store).get();
  const { units, riskPoints, hazards, patrols, enforcement } = records;
  const byUnit = <T extends { unitId: string }>(records: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const record of records) {
      const list = map.get(record.unitId);
      if (list) list.push(record);
      else map.set(record.unitId, [record]);
    }
    return map;
  };
  const points = byUnit(riskPoints);
  const hazardsOf = byUnit(hazards);
  const patrolsOf = byUnit(patrols);
  const credits = new CreditRepository(store);
  const ctx = { principal: ratingPrincipal(store.tenant), now };
  let changed = 0;
  for (let start = 0; start < units.length; start += 100) {
    const slice = units.slice(start, start + 100);
    const stored = options.fresh
      ? []
      : await store.batchGet(slice.map((unit) => unitCreditEntity.key(store, unit.id)));
    const storedOf = new Map(stored.map((item) => [String(item.unitId), item]));
    for (const unit of slice) {
      const inputs: CreditInputs = {
        riskPoints: points.get(unit.id) ?? [],
        hazards: hazardsOf.get(unit.id) ?? [],
        patrols: patrolsOf.get(unit.id) ?? [],
        enforcement: enforcement.get(unit.id) ?? [],
      };
      const items = credits.writeItems(
        unit,
        rateUnit(inputs, rules, version, now),
        storedOf.get(unit.id),
        ctx,
      );
      if (items.length === 0) continue;
      await write(items);
      changed += 1;
    }
  }
  return { units: units.length, changed };
}

/**
 * The patrol interval a unit's credit level asks for (the county's rules), or undefined while it has no rating:
 * the patrol plan takes the shortest of this, its worst risk colour's and its supervision level's.
 */
export async function creditPatrolDaysOf(store: TenantStore, unitId: string): Promise<number | undefined> {
  const [credit, { rules }] = await Promise.all([
    new CreditRepository(store).get(unitId),
    new CreditRulesRepository(store).get(),
  ]);
  return credit ? creditPatrolDays(credit.level, rules) : undefined;
}
