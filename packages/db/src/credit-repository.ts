import {
  type CreditLevel,
  type CreditRating,
  creditChanged,
  type Unit,
  type UnitCredit,
} from '@gridsafe/core';
import { chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { unitCreditEntity } from './entities.ts';
import { RecordRepository } from './record-repository.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

/** The rating fields a history entry keeps. */
export type CreditHistoryEntry = CreditRating;

/**
 * Unit credit ratings (declared in entities.ts: pk CREDIT#<unitId> / sk CREDIT, in gsi1 by level and place).
 * Each stored change of a rating also writes a history entry beside it, CREDIT#<unitId> / HIST#<computedAt>,
 * and an audit event on the rating's own chain (AUDIT#credit#<unitId>), in one transaction under the rating's
 * version lock. A recomputation that changes nothing writes nothing.
 */
export class CreditRepository extends RecordRepository<UnitCredit> {
  constructor(store: TenantStore) {
    super(store, unitCreditEntity);
  }

  /** getUnitCredits: BatchGetItem of CREDIT#<id> / CREDIT, for a page of units (at most 100 keys a call). */
  async many(unitIds: readonly string[]): Promise<Map<string, UnitCredit>> {
    if (unitIds.length === 0) return new Map();
    const items = await this.store.batchGet(unitIds.map((id) => unitCreditEntity.key(this.store, id)));
    return new Map(items.map((item) => [String(item.unitId), unitCreditEntity.fromItem(item)]));
  }

  /**
   * listUnitCreditLevelsBetween: the credit level of every rated unit whose `<gridPath>#<unitId>` lies between
   * `from` and `to` (one Query of the narrow `map` index, MAPCREDITS): the levels of a page of the map's units.
   */
  async levelsBetween(from: string, to: string): Promise<Map<string, CreditLevel>> {
    const items = await this.store.queryAll(
      unitCreditEntity.query(this.store, {
        index: 'map',
        sk: ['BETWEEN :from AND :to', { ':from': from, ':to': to }],
        fields: ['unitId', 'level'],
      }),
    );
    return new Map(items.map((item) => [String(item.unitId), item.level as CreditLevel]));
  }

  /** listUnitCreditsByLevel: Query gsi1 CREDIT#<level>, within a subtree, filtered by department or industry. */
  async listByLevel(
    filter: { level: CreditLevel; withinPath: string; departmentId?: string; industry?: string },
    page: { limit: number; cursor?: string },
  ): Promise<Page<UnitCredit>> {
    return unitCreditEntity.page(
      this.store,
      {
        index: 'gsi1',
        of: { level: filter.level },
        within: filter.withinPath,
        where: { departmentId: filter.departmentId, industry: filter.industry },
      },
      page,
    );
  }

  /** listUnitCreditHistory: Query CREDIT#<unitId> with sk beginning HIST#, newest first. */
  async history(unitId: string, limit = 50): Promise<CreditHistoryEntry[]> {
    const result = await this.store.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :hist)',
        ExpressionAttributeValues: { ':pk': unitCreditEntity.key(this.store, unitId).pk, ':hist': 'HIST#' },
        ScanIndexForward: false,
      },
      { limit },
    );
    return result.items.map((item) => ({
      level: item.level as CreditLevel,
      score: Number(item.score),
      computedAt: String(item.computedAt),
      rulesVersion: Number(item.rulesVersion),
      reasons: item.reasons as CreditRating['reasons'],
    }));
  }

  /**
   * What storing a new rating of `unit` writes, or nothing when neither the rating nor the unit's place changed:
   * the rating under its version lock (new: nothing there yet), its history entry and its audit event.
   */
  writeItems(
    unit: Unit,
    rating: CreditRating,
    stored: StoredItem | undefined,
    ctx: WriteContext,
  ): TransactItem[] {
    const before = stored ? unitCreditEntity.fromItem(stored) : undefined;
    const place = { gridPath: unit.gridPath, industry: unit.industry };
    const moved =
      before !== undefined &&
      (before.gridPath !== place.gridPath ||
        before.industry !== place.industry ||
        before.departmentId !== unit.departmentId);
    if (before && !moved && !creditChanged(before, rating)) return [];
    const at = ctx.now.toISOString();
    const next: UnitCredit = {
      id: unit.id,
      unitId: unit.id,
      ...place,
      ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
      ...rating,
      version: (before?.version ?? 0) + 1,
      createdAt: before?.createdAt ?? at,
      updatedAt: at,
    };
    const changes = before
      ? Object.fromEntries(
          (['level', 'score', 'rulesVersion'] as const)
            .filter((field) => before[field] !== next[field])
            .map((field) => [field, { before: before[field], after: next[field] }]),
        )
      : { level: { before: null, after: next.level }, score: { before: null, after: next.score } };
    const items = this.writes(
      next,
      before ? chainHeadOf(stored) : NEW_CHAIN,
      ctx,
      [{ action: before ? 'rated' : 'first_rated', changes, details: { reasons: rating.reasons } }],
      before ? { version: before.version } : undefined,
    );
    if (!before || creditChanged(before, rating)) {
      items.push({
        Put: {
          TableName: this.store.tableName,
          Item: {
            pk: unitCreditEntity.key(this.store, unit.id).pk,
            sk: `HIST#${rating.computedAt}#${String(next.version).padStart(8, '0')}`,
            type: 'UnitCreditHistory',
            ...rating,
          },
        },
      });
    }
    return items;
  }
}
