import {
  type CounterDeltas,
  type CreditLevel,
  diff,
  isActiveUnit,
  looksLikeCreditCodePrefix,
  normalizeSearchText,
  type SearchDocument,
  searchDocument,
  type Unit,
} from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { CreditRepository } from './credit-repository.ts';
import { unitEntity } from './entities.ts';
import type { EntityQuery } from './entity.ts';
import { counterMoves, counterUpdates } from './grid-stats.ts';
import { mapNodeChange } from './map-changes.ts';
import { RecordRepository, withinPath } from './record-repository.ts';
import { SearchIndex } from './search-index.ts';
import { gsiKeyAttributes } from './table-definition.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

const AUDITED_FIELDS = [
  'name',
  'industry',
  'gridId',
  'gridPath',
  'departmentId',
  'departmentOverridden',
  'supervisionLevel',
  'address',
  'location',
  'contact',
  'status',
  'statusReason',
] as const satisfies readonly (keyof Unit)[];

/** The audit action of a status change, by the status the unit goes to. */
const STATUS_ACTIONS: Record<NonNullable<Unit['status']>, string> = {
  active: 'reopened',
  suspended: 'suspended',
  closed: 'closed',
  deregistered: 'deregistered',
};
/** Where a unit list reads: a grid subtree, narrowed to a department or an industry. */
export interface UnitFilter {
  withinPath: string;
  departmentId?: string;
  industry?: string;
}

/** What the map draws of a unit: where it is, and its credit level once rated (when asked for). */
export interface UnitPosition {
  id: string;
  lat: number;
  lng: number;
  credit?: CreditLevel;
}

/**
 * Units (declared in entities.ts: pk UNIT#<id>, indexed by subtree, department and industry). A second item,
 * pk UNITCODE#<creditCode>, makes the credit code unique within the county and lets an import find the unit a
 * spreadsheet row means.
 */
export class UnitRepository extends RecordRepository<Unit> {
  private readonly search: SearchIndex;

  constructor(store: TenantStore) {
    super(store, unitEntity);
    this.search = new SearchIndex(store, 'unit');
  }

  /**
   * searchUnits: the units whose name or address holds `query`, or whose credit code starts with it (the n-gram
   * index, search-index.ts), in the list's place and of its department and industry.
   */
  async searchList(
    filter: { withinPath: string; departmentId?: string; industry?: string; query: string },
    page: { limit: number; cursor?: string },
  ): Promise<Page<Unit>> {
    return this.searchPage(
      this.search,
      filter.query,
      page,
      (unit) =>
        withinPath(unit, filter.withinPath) &&
        (!filter.departmentId || unit.departmentId === filter.departmentId) &&
        (!filter.industry || unit.industry === filter.industry),
    );
  }

  /** findUnitIdByCreditCode: GetItem UNITCODE#<code>. */
  async findIdByCreditCode(creditCode: string): Promise<string | undefined> {
    const item = await this.store.get(this.store.key('UNITCODE', creditCode), 'UNITCODE');
    return item ? String(item.unitId) : undefined;
  }

  /**
   * findUnlicensedUnitIds: the unlicensed (无证照) units already registered under these names in these villages
   * (BatchGetItem UNITNAME#<gridId>#<name>), keyed `<gridId>#<name>`: how an import recognises a row it made.
   */
  async findUnlicensedIds(rows: { gridId: string; name: string }[]): Promise<Map<string, string>> {
    const prefix = this.store.key('UNITNAME', '');
    const items = await this.store.batchGet(
      rows.map((row) => ({ pk: this.store.key('UNITNAME', unlicensedKey(row)), sk: 'UNITNAME' })),
    );
    return new Map(items.map((item) => [String(item.pk).slice(prefix.length), String(item.unitId)]));
  }

  /** The unit ids the given credit codes are claimed by (BatchGetItem UNITCODE#<code>, 100 a call). */
  async findIdsByCreditCodes(creditCodes: string[]): Promise<Map<string, string>> {
    const items = await this.store.batchGet(
      creditCodes.map((code) => ({ pk: this.store.key('UNITCODE', code), sk: 'UNITCODE' })),
    );
    return new Map(
      items.map((item) => [
        String(item.pk).slice(this.store.key('UNITCODE', '').length),
        String(item.unitId),
      ]),
    );
  }

  /** Stored unit items by id (BatchGetItem UNIT#<id>, 100 a call); missing ones are absent. */
  async getStoredMany(ids: string[], consistent = false): Promise<StoredItem[]> {
    return this.store.batchGet(
      ids.map((id) => unitEntity.key(this.store, id)),
      consistent,
    );
  }

  /**
   * listUnits{BySubtree,ByDepartment,ByIndustry}: one Query on gsi1, gsi2 or gsi3. A department's list narrowed
   * to one industry filters on the department index: a department supervises a handful of industries, so the
   * filter discards little.
   */
  async list(filter: UnitFilter, page: { limit: number; cursor?: string }): Promise<Page<Unit>> {
    return unitEntity.page(this.store, this.query(filter), page);
  }

  /**
   * listUnitPositions{BySubtree,ByDepartment}: the map's feed, each located unit's id and position (a projection),
   * with its credit level when asked. A subtree (narrowed to an industry or not) reads the narrow `map` index, about
   * 4,000 units a Query; a department reads its own index, whose items are whole. The credit levels are one more
   * Query: the ratings sort as the units do in either index (`<gridPath>#<id>`), so a page's are one range of
   * `map`'s MAPCREDITS, not a BatchGetItem per 100 units.
   */
  async listPositions(
    filter: UnitFilter,
    page: { limit: number; cursor?: string },
    options: { credit?: boolean } = {},
  ): Promise<Page<UnitPosition>> {
    const index = filter.departmentId ? 'gsi2' : 'map';
    const sortKey = gsiKeyAttributes(index).sk;
    const located = {
      expression: 'attribute_exists(#located)',
      names: { '#located': 'location' },
      values: {},
    };
    const query = unitEntity.query(this.store, {
      index,
      of: filter,
      within: filter.withinPath,
      where: { industry: filter.industry },
      // `map` holds located units only; a department's index holds them all.
      ...(index === 'map' ? {} : { filter: located }),
      fields: ['id', 'location', sortKey],
    });
    const result = await this.store.queryPage(query, page);
    const first = result.items[0]?.[sortKey];
    const last = result.items.at(-1)?.[sortKey];
    const levels =
      options.credit && typeof first === 'string' && typeof last === 'string'
        ? await new CreditRepository(this.store).levelsBetween(first, last)
        : new Map<string, CreditLevel>();
    const items = result.items.map((item) => {
      const id = String(item.id);
      const credit = levels.get(id);
      return { id, ...(item.location as NonNullable<Unit['location']>), ...(credit ? { credit } : {}) };
    });
    return { items, nextCursor: result.nextCursor };
  }

  private query(filter: UnitFilter): EntityQuery<Unit> {
    return {
      index: filter.departmentId ? 'gsi2' : filter.industry ? 'gsi3' : 'gsi1',
      of: filter,
      within: filter.withinPath,
      where: { industry: filter.industry },
    };
  }

  /** One transaction: the unit, its credit-code claim, its audit event and the unit counters up the tree. */
  async create(unit: Unit, ctx: WriteContext, extraItems: TransactItem[] = []): Promise<Unit> {
    await this.store.transact([...this.creationItems(unit, ctx), ...extraItems], 'unit');
    return unit;
  }

  /**
   * The items of `create`'s transaction (the unit, its credit-code claim, its first audit event, its counter
   * updates up the tree), without writing them: for bulk loaders that must write exactly what `create` does.
   */
  creationItems(unit: Unit, ctx: WriteContext): TransactItem[] {
    return [
      ...this.recordItems(unit, ctx),
      ...counterUpdates(this.store, unit.gridPath, { units: Number(isActiveUnit(unit)) }),
    ];
  }

  /**
   * A new unit's own items: the unit, its credit-code claim, its first audit event (no counters) and, unless the
   * caller writes them after the transaction (createMany), its search postings.
   */
  recordItems(unit: Unit, ctx: WriteContext, postings = true): TransactItem[] {
    const details = {
      name: unit.name,
      creditCode: unit.creditCode,
      industry: unit.industry,
      gridId: unit.gridId,
    };
    return [
      ...this.writes(unit, NEW_CHAIN, ctx, [{ action: 'created', details }]),
      this.claim(unit),
      ...(postings ? this.search.puts(unit.id, unitSearchDocument(unit)) : []),
      ...(postings && unit.creditCode ? [this.search.codePut(unit.id, unit.creditCode)] : []),
    ];
  }

  /**
   * A unit's claim on what identifies it in the county: its credit code, or, unlicensed (无证照), its name in
   * its village. A second unit with the same one fails the whole write with a 409.
   */
  private claim(unit: Unit): TransactItem {
    if (unit.creditCode) return this.creditCodeClaim(unit, unit.creditCode);
    return {
      Put: {
        TableName: this.store.tableName,
        Item: { ...this.nameClaimKey(unit), type: 'UnitName', unitId: unit.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private nameClaimKey(unit: Pick<Unit, 'gridId' | 'name'>) {
    return { pk: this.store.key('UNITNAME', unlicensedKey(unit)), sk: 'UNITNAME' };
  }

  /**
   * A status change in ONE transaction: the unit (its version lock, its audit event with the reason), the unit
   * counters up the tree when it stops or starts being counted (only active units are), and the writes of its
   * patrol task (cancelled or reinstated, each audited) the caller hands in.
   */
  async changeStatus(
    stored: StoredItem,
    after: Unit,
    expectedVersion: number,
    ctx: WriteContext,
    patrolItems: TransactItem[],
  ): Promise<Unit> {
    const { before, next, items } = this.change(
      stored,
      after,
      ctx,
      {
        action: STATUS_ACTIONS[after.status ?? 'active'],
        ...(after.statusReason ? { reason: after.statusReason } : {}),
      },
      { version: expectedVersion },
      AUDITED_FIELDS,
    );
    const counted = Number(isActiveUnit(next)) - Number(isActiveUnit(before));
    if (counted !== 0) items.push(...counterUpdates(this.store, next.gridPath, { units: counted }));
    await this.store.transact([...items, ...patrolItems], 'unit');
    return next;
  }

  private creditCodeClaim(unit: Unit, creditCode: string): TransactItem {
    return {
      Put: {
        TableName: this.store.tableName,
        Item: {
          pk: this.store.key('UNITCODE', creditCode),
          sk: 'UNITCODE',
          type: 'UnitCode',
          unitId: unit.id,
        },
        // A second unit with the same credit code fails the whole create with a 409.
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /**
   * Writes a changed unit under an optimistic lock. A move to another village moves its count too, with the
   * records that travel with it (unitCarriage) in the same transaction; a changed
   * industry moves it between the department and industry indexes (the item is rewritten whole).
   */
  async update(
    stored: StoredItem,
    after: Unit,
    expectedVersion: number,
    ctx: WriteContext,
    action = 'updated',
  ): Promise<Unit> {
    const { before, next, items } = this.change(
      stored,
      after,
      ctx,
      { action },
      { version: expectedVersion },
      AUDITED_FIELDS,
    );
    if (!next.creditCode && (before.name !== next.name || before.gridId !== next.gridId)) {
      // An unlicensed unit is known by its name in its village: the claim follows a rename or a move.
      items.push(
        { Delete: { TableName: this.store.tableName, Key: this.nameClaimKey(before) } },
        this.claim(next),
      );
    }
    items.push(...this.search.changes(next.id, unitSearchDocument(before), unitSearchDocument(next)));
    if (before.gridPath !== next.gridPath || before.departmentId !== next.departmentId) {
      // Its risk points, open hazards and open patrol go with it (to the new village, under the new department),
      // and every count moves in one update per node.
      // Loaded here, not at import: units rarely move, and every cold start would otherwise carry the move.
      const { unitCarriage } = await import('./unit-move.ts');
      const carriage = await unitCarriage(this.store, before, next, ctx);
      items.push(...carriage.items);
      if (before.gridPath !== next.gridPath) {
        const deltas = { units: Number(isActiveUnit(next)), ...carriage.deltas } as CounterDeltas;
        items.push(...counterMoves(this.store, before.gridPath, next.gridPath, deltas));
        // The map's old node still draws the unit and its points: it is rebuilt at the next read.
        items.push(mapNodeChange(this.store, before.gridPath, Date.now()));
      }
    }
    await this.store.transact(items, 'unit');
    return next;
  }
}

/** True when applying the row would change nothing the unit records (so a re-import writes nothing). */
export function sameUnitContent(a: Unit, b: Unit): boolean {
  return Object.keys(diff(a, b, AUDITED_FIELDS) ?? {}).length === 0 && a.name === b.name;
}

/** The key an import matches an unlicensed row by: its village and its name (the UNITNAME claim's). */
export function unlicensedKey(row: { gridId: string; name: string }): string {
  return `${row.gridId}#${row.name}`;
}

/**
 * What of a unit the search index holds: its name and its address, each cut to 20 characters (a unit's postings
 * then stay under 42, so a rename of both fits one transaction with the unit: docs/decisions.md, "Search").
 */
export function unitSearchDocument(unit: Pick<Unit, 'name' | 'address'>): SearchDocument {
  return searchDocument([
    [unit.name, 20],
    [unit.address, 20],
  ]);
}

/** How many items createMany writes for each unit in its transaction: the unit, its claim, its audit event. */
export const UNIT_CREATION_ITEMS = 3;

/** True when a search for `query` finds this unit: what searchList answers, for a unit already in hand. */
export function unitMatchesSearch(
  unit: Pick<Unit, 'name' | 'address' | 'creditCode'>,
  query: string,
): boolean {
  const normalized = normalizeSearchText(query);
  if (looksLikeCreditCodePrefix(normalized))
    return (unit.creditCode ?? '').startsWith(normalized.toUpperCase());
  return unitSearchDocument(unit).text.includes(normalized);
}
