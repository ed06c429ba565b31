import { type CounterDeltas, diff, type RiskPoint, type RiskPointStatus } from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { counterUpdates, subtractCounts } from './grid-stats.ts';
import { sortKeyRange } from './keys.ts';
import { fromItem, type Page, type StoredItem, type TenantStore, type TransactItem } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

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

const SUMMARY_PROJECTION = {
  ProjectionExpression: RISK_POINT_SUMMARY_FIELDS.map((field) => `#p_${field}`).join(', '),
  names: Object.fromEntries(RISK_POINT_SUMMARY_FIELDS.map((field) => [`#p_${field}`, field])),
};

export interface RiskPointFilter {
  withinPath: string;
  color?: string;
  status?: RiskPointStatus;
  departmentId?: string;
  industry?: string;
}

/**
 * Risk points. Item: pk RP#<id> / sk RP, indexed four ways, each sort key `<gridPath>#<id>` so any of them
 * can be narrowed to a grid subtree with begins_with:
 * - gsi1 RPS: everything in a subtree (the register);
 * - gsi2 RPCOLOR#<colour>: a colour in a subtree (the four-colour map);
 * - gsi3 RPDEPT#<departmentId>: a department's points (the industry chain);
 * - gsi4 RPSTATUS#<status>: a status in a subtree (the review queue).
 * A list uses the most selective index its filters allow and filters the rest on the server side.
 */
export class RiskPointRepository {
  constructor(private readonly store: TenantStore) {}

  async getStored(id: string, consistent = false): Promise<StoredItem | undefined> {
    return this.store.get(this.store.key('RP', id), 'RP', consistent);
  }

  /** getRiskPoint: GetItem RP#<id>. */
  async get(id: string): Promise<RiskPoint | undefined> {
    const item = await this.getStored(id);
    return item ? fromItem<RiskPoint>(item) : undefined;
  }

  /** listRiskPoints{BySubtree,ByColour,ByDepartment,ByStatus}: one Query, whole points. */
  async list(filter: RiskPointFilter, page: { limit: number; cursor?: string }): Promise<Page<RiskPoint>> {
    return this.query<RiskPoint>(filter, page, false);
  }

  /**
   * listRiskPointSummaries{BySubtree,ByColour,ByDepartment,ByStatus}: the same Query, answering only the
   * summary fields (a ProjectionExpression), for the register and the map.
   */
  async listSummaries(
    filter: RiskPointFilter,
    page: { limit: number; cursor?: string },
  ): Promise<Page<RiskPointSummary>> {
    return this.query<RiskPointSummary>(filter, page, true);
  }

  private async query<T>(
    filter: RiskPointFilter,
    page: { limit: number; cursor?: string },
    summary: boolean,
  ): Promise<Page<T>> {
    const [index, pk, used] = filter.status
      ? (['gsi4', this.store.key('RPSTATUS', filter.status), 'status'] as const)
      : filter.color
        ? (['gsi2', this.store.key('RPCOLOR', filter.color), 'color'] as const)
        : filter.departmentId
          ? (['gsi3', this.store.key('RPDEPT', filter.departmentId), 'departmentId'] as const)
          : (['gsi1', this.store.key('RPS'), 'none'] as const);
    const names: Record<string, string> = summary ? { ...SUMMARY_PROJECTION.names } : {};
    const values: Record<string, unknown> = { ':pk': pk };
    const filters: string[] = [];
    const narrow = (field: 'color' | 'status' | 'departmentId' | 'industry', value: string | undefined) => {
      if (value === undefined || field === used) return;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      filters.push(`#${field} = :${field}`);
    };
    narrow('color', filter.color);
    narrow('status', filter.status);
    narrow('departmentId', filter.departmentId);
    narrow('industry', filter.industry);
    const withinArea = filter.withinPath !== '';
    if (withinArea) Object.assign(values, sortKeyRange(filter.withinPath));
    const result = await this.store.queryPage(
      {
        IndexName: index,
        KeyConditionExpression: withinArea
          ? `${index}pk = :pk AND ${index}sk BETWEEN :path AND :pathEnd`
          : `${index}pk = :pk`,
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(summary ? { ProjectionExpression: SUMMARY_PROJECTION.ProjectionExpression } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
      page,
    );
    return { items: result.items.map((item) => fromItem<T>(item)), nextCursor: result.nextCursor };
  }

  private itemOf(point: RiskPoint, chain: { auditSeq: number; auditHead: string }) {
    const sortKey = `${point.gridPath}#${point.id}`;
    return {
      pk: this.store.key('RP', point.id),
      sk: 'RP',
      type: 'RiskPoint',
      gsi1pk: this.store.key('RPS'),
      gsi1sk: sortKey,
      gsi2pk: this.store.key('RPCOLOR', point.color),
      gsi2sk: sortKey,
      ...(point.departmentId
        ? { gsi3pk: this.store.key('RPDEPT', point.departmentId), gsi3sk: sortKey }
        : {}),
      gsi4pk: this.store.key('RPSTATUS', point.status),
      gsi4sk: sortKey,
      ...point,
      ...chain,
    };
  }

  /** One transaction: the point, its first audit event, its colour and status counted up the tree. */
  async create(point: RiskPoint, ctx: WriteContext, extraItems: TransactItem[] = []): Promise<RiskPoint> {
    await this.store.transact([...this.creationItems(point, ctx), ...extraItems], 'risk point');
    return point;
  }

  /**
   * The items of `create`'s transaction (the point, its first audit event, its counter updates up the tree),
   * without writing them: for bulk loaders that must write exactly what `create` does.
   */
  creationItems(point: RiskPoint, ctx: WriteContext): TransactItem[] {
    const audit = appendAuditEvent(this.store, NEW_CHAIN, {
      entityType: 'risk-point',
      entityId: point.id,
      action: 'created',
      ...auditFacts(ctx),
      details: {
        name: point.name,
        unitId: point.unitId,
        color: point.color,
        templateCode: point.templateCode ?? null,
        assessment: point.assessment ?? null,
      },
    });
    return [
      {
        Put: {
          TableName: this.store.tableName,
          Item: this.itemOf(point, audit.next),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      audit.put,
      ...counterUpdates(this.store, point.gridPath, countsOf(point)),
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
    const before = fromItem<RiskPoint>(stored);
    const next: RiskPoint = { ...after, version: before.version + 1, updatedAt: ctx.now.toISOString() };
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: 'risk-point',
      entityId: before.id,
      action: event.action,
      ...auditFacts(ctx),
      changes: diff(before, next, AUDITED_FIELDS),
      ...(event.reason ? { reason: event.reason } : {}),
      ...(event.details ? { details: event.details } : {}),
    });
    const deltas = subtractCounts(countsOf(next), countsOf(before));
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: this.itemOf(next, audit.next),
            ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        audit.put,
        ...counterUpdates(this.store, next.gridPath, deltas),
        ...(event.extraItems ?? []),
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
