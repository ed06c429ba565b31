import {
  type CounterDeltas,
  type RiskPoint,
  type RiskPointStatus,
  riskPointFigures,
  type SearchDocument,
  searchDocument,
} from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { riskPointEntity } from './entities.ts';
import type { EntityQuery } from './entity.ts';
import { counterUpdates, subtractCounts } from './grid-stats.ts';
import { RecordRepository, withinPath } from './record-repository.ts';
import { SearchIndex } from './search-index.ts';
import { type LedgerRecord, ledgerChange } from './statistics-ledger.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import { riskPointOutbox } from './webhook-events.ts';
import type { WriteContext } from './write-context.ts';

const AUDITED_FIELDS = [
  'name',
  'location',
  'address',
  'description',
  'color',
  'assessment',
  'hazardFactors',
  'accidentTypes',
  'controlMeasures',
  'emergencyMeasures',
  'responsiblePerson',
  'emergencyPhone',
  'status',
  'reviewStep',
  'returnReason',
] as const satisfies readonly (keyof RiskPoint)[];

/**
 * What a list answer carries of each point: the register's, the review queue's and the map's columns, and the
 * photo records (small, and whether a draft has a verified photo decides whether it can be submitted). A full
 * point is about 2.3 KB, mostly its template texts and gradings; these fields are about a fifth of it.
 * Measured on DynamoDB Local at 16 queries in flight, a page of 50 projected this way was answered 2–2.5×
 * faster than the whole items (docs/performance.md). The record page reads the whole item.
 */
export const RISK_POINT_SUMMARY_FIELDS = [
  'id',
  'name',
  'unitId',
  'unitName',
  'industry',
  'templateCode',
  'gridId',
  'gridPath',
  'departmentId',
  'location',
  'color',
  'status',
  'reviewChain',
  'reviewStep',
  'photos',
  'version',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof RiskPoint)[];

export type RiskPointSummary = Pick<RiskPoint, (typeof RISK_POINT_SUMMARY_FIELDS)[number]>;

/**
 * What a list reads besides the summary to say which review steps the caller may take on each point (core's
 * allowedRiskPointActions): who filed it and the colours and level its review follows. A few short strings.
 */
export const RISK_POINT_REVIEW_FIELDS = [
  'createdBy',
  'submittedBy',
  'filedColor',
  'reopenBy',
] as const satisfies readonly (keyof RiskPoint)[];

export type RiskPointListItem = RiskPointSummary & Pick<RiskPoint, (typeof RISK_POINT_REVIEW_FIELDS)[number]>;

export interface RiskPointFilter {
  withinPath: string;
  color?: string;
  status?: RiskPointStatus;
  departmentId?: string;
  industry?: string;
}

/**
 * Risk points (declared in entities.ts: pk RP#<id>, indexed by subtree, colour, department and status). A list
 * uses the most selective index its filters allow and filters the rest on the server side.
 */
export class RiskPointRepository extends RecordRepository<RiskPoint> {
  private readonly search: SearchIndex;

  constructor(store: TenantStore) {
    super(store, riskPointEntity);
    this.search = new SearchIndex(store, 'risk-point');
  }

  /**
   * searchRiskPoints: the points whose name holds `query` (the n-gram index, search-index.ts), in the list's place
   * and passing its filters, answered with the register's fields like listSummaries.
   */
  async searchSummaries(
    filter: RiskPointFilter & { query: string },
    page: { limit: number; cursor?: string },
  ): Promise<Page<RiskPointListItem>> {
    const { color, status, departmentId, industry } = filter;
    const found = await this.searchPage(
      this.search,
      filter.query,
      page,
      (point) =>
        withinPath(point, filter.withinPath) &&
        (!color || point.color === color) &&
        (!status || point.status === status) &&
        (!departmentId || point.departmentId === departmentId) &&
        (!industry || point.industry === industry),
    );
    const fields: readonly string[] = [...RISK_POINT_SUMMARY_FIELDS, ...RISK_POINT_REVIEW_FIELDS];
    const items = found.items.map(
      (point) =>
        Object.fromEntries(
          Object.entries(point).filter(([name]) => fields.includes(name)),
        ) as RiskPointListItem,
    );
    return { ...found, items };
  }

  /** listRiskPoints{BySubtree,ByColour,ByDepartment,ByStatus}: one Query, whole points. */
  async list(filter: RiskPointFilter, page: { limit: number; cursor?: string }): Promise<Page<RiskPoint>> {
    return riskPointEntity.page(this.store, this.query(filter), page);
  }

  /**
   * listRiskPointSummaries{BySubtree,ByColour,ByDepartment,ByStatus}: the same Query, answering only the
   * summary fields and the review fields (a ProjectionExpression), for the register, the review queue and the map.
   */
  async listSummaries(
    filter: RiskPointFilter,
    page: { limit: number; cursor?: string },
  ): Promise<Page<RiskPointListItem>> {
    return riskPointEntity.page(
      this.store,
      { ...this.query(filter), fields: [...RISK_POINT_SUMMARY_FIELDS, ...RISK_POINT_REVIEW_FIELDS] },
      page,
    );
  }

  /**
   * listRiskPointPositions{BySubtree,ByDepartment}: what the map draws of each point (a projection). Without a
   * department it reads the narrow `map` index (its colour, status and industry are projected there, so they
   * filter it); a department reads its own index.
   */
  async listPositions(
    filter: RiskPointFilter,
    page: { limit: number; cursor?: string },
  ): Promise<Page<Pick<RiskPoint, 'id' | 'location' | 'color' | 'status' | 'unitId'>>> {
    const { color, status, departmentId, industry } = filter;
    return riskPointEntity.page(
      this.store,
      {
        index: departmentId ? 'gsi3' : 'map',
        of: filter,
        within: filter.withinPath,
        where: { color, status, industry },
        fields: ['id', 'location', 'color', 'status', 'unitId'],
      },
      page,
    );
  }

  /** The most selective index first: status, then colour, then department. */
  private query(filter: RiskPointFilter): EntityQuery<RiskPoint> {
    const { color, status, departmentId, industry } = filter;
    return {
      index: status ? 'gsi4' : color ? 'gsi2' : departmentId ? 'gsi3' : 'gsi1',
      of: filter,
      within: filter.withinPath,
      where: { color, status, departmentId, industry },
    };
  }

  /** One transaction: the point, its first audit event, its colour and status counted up the tree. */
  async create(point: RiskPoint, ctx: WriteContext, extraItems: TransactItem[] = []): Promise<RiskPoint> {
    await this.store.transact(
      [
        ...this.creationItems(point, ctx),
        ...extraItems,
        ...(await riskPointOutbox(this.store, undefined, point)),
      ],
      'risk point',
    );
    return point;
  }

  /**
   * The items of `create`'s transaction (the point, its first audit event, its counter updates up the tree),
   * without writing them: for bulk loaders that must write exactly what `create` does.
   */
  creationItems(point: RiskPoint, ctx: WriteContext): TransactItem[] {
    const details = {
      name: point.name,
      unitId: point.unitId,
      color: point.color,
      templateCode: point.templateCode ?? null,
      assessment: point.assessment ?? null,
    };
    return [
      ...this.writes(point, NEW_CHAIN, ctx, [{ action: 'created', details }]),
      ...this.search.puts(point.id, riskPointSearchDocument(point)),
      ...counterUpdates(this.store, point.gridPath, countsOf(point)),
      ...ledgerChange(this.store, ctx.now, undefined, riskPointLedgerRecord(point)),
    ];
  }

  /**
   * Writes a changed point: one transaction of the item (optimistic lock on the version the caller saw), its
   * audit event and the counter moves its colour or status change implies.
   */
  async save(
    stored: StoredItem,
    after: RiskPoint,
    expectedVersion: number,
    ctx: WriteContext,
    event: {
      action: string;
      reason?: string;
      details?: Record<string, unknown>;
      /** Written in the same transaction: the notices the change sends (NotificationRepository.puts). */
      extraItems?: TransactItem[];
    },
  ): Promise<RiskPoint> {
    const { before, next, items } = this.change(
      stored,
      after,
      ctx,
      event,
      { version: expectedVersion },
      AUDITED_FIELDS,
    );
    const deltas = subtractCounts(countsOf(next), countsOf(before));
    await this.store.transact(
      [
        ...items,
        ...this.search.changes(next.id, riskPointSearchDocument(before), riskPointSearchDocument(next)),
        ...counterUpdates(this.store, next.gridPath, deltas),
        ...ledgerChange(this.store, ctx.now, riskPointLedgerRecord(before), riskPointLedgerRecord(next)),
        ...(event.extraItems ?? []),
        // Its webhooks' deliveries when this write files it (webhook-outbox.ts).
        ...(await riskPointOutbox(this.store, before, next)),
      ],
      'risk point',
    );
    return next;
  }
}

/** What one risk point adds to its grid's counters: one in its colour, one in its status. */
export function countsOf(point: Pick<RiskPoint, 'color' | 'status'>): CounterDeltas {
  return { [`rp_${point.color}`]: 1, [`rp_${point.status}`]: 1 } as CounterDeltas;
}

/** Where a risk point counts in the statistics ledger, and what it counts there. */
export function riskPointLedgerRecord(
  point: Pick<RiskPoint, 'color' | 'status' | 'gridPath' | 'departmentId'>,
): LedgerRecord {
  return {
    place: { gridPath: point.gridPath, ...(point.departmentId ? { departmentId: point.departmentId } : {}) },
    figures: riskPointFigures(point),
  };
}

/** What of a risk point the search index holds: its name, cut to 24 characters (at most 25 postings). */
export function riskPointSearchDocument(point: Pick<RiskPoint, 'name'>): SearchDocument {
  return searchDocument([[point.name, 24]]);
}
