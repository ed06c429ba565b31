import type { Hazard, NotificationMessage } from '@gridsafe/core';
import {
  chinaYear,
  type Inspection,
  type InspectionDocumentKind,
  type InspectionOutcome,
  inspectionCounts,
  inspectionDocumentNumber,
} from '@gridsafe/core/inspection';
import { NEW_CHAIN } from './audit-log.ts';

import { inspectionEntity } from './entities.ts';
import { addCounts, counterUpdates, subtractCounts } from './grid-stats.ts';
import { HazardRepository, hazardLedgerRecord } from './hazard-repository.ts';
import { RecordRepository } from './record-repository.ts';
import { LedgerBatch } from './statistics-ledger.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

export const INSPECTION_ENTITY = 'inspection';

export interface InspectionFilter {
  withinPath: string;
  departmentId?: string;
  unitId?: string;
}

/** A document number drawn from its county-year sequence, and the write that takes it (in the record's transaction). */
export interface DrawnNumber {
  number: string;
  take: TransactItem;
}

/**
 * Enforcement inspections (declared in entities.ts: pk INSP#<id>, subtree, department and unit indexes), and the
 * county's document sequences (DOCSEQ#<kind>#<year>: the last number given), which a record's own transaction
 * advances under a condition on the number it read, so two documents never share a number and none is skipped.
 */
export class InspectionRepository extends RecordRepository<Inspection> {
  constructor(store: TenantStore) {
    super(store, inspectionEntity);
  }

  /**
   * listInspections{BySubtree,ByDepartment,ByUnit}: one Query of gsi1 (a subtree, or a unit within it) or gsi2
   * (a department within a subtree).
   */
  async list(filter: InspectionFilter, page: { limit: number; cursor?: string }): Promise<Page<Inspection>> {
    const { departmentId, unitId } = filter;
    return inspectionEntity.page(
      this.store,
      {
        index: departmentId ? 'gsi2' : 'gsi1',
        of: filter,
        within: filter.withinPath,
        where: { departmentId, unitId },
      },
      page,
    );
  }

  /** listInspectionsOfUnit: every item of gsi3 INSPUNIT#<unitId>, oldest first. */
  async listOfUnit(unitId: string): Promise<Inspection[]> {
    return inspectionEntity.all(this.store, { index: 'gsi3', of: { unitId } });
  }

  /** The next number of a kind of document this year: GetItem DOCSEQ#<kind>#<year> (consistent). */
  async drawNumber(
    prefix: string | undefined,
    kind: InspectionDocumentKind,
    now: Date,
  ): Promise<DrawnNumber> {
    const year = chinaYear(now);
    const key = { pk: this.store.key('DOCSEQ', kind, String(year)), sk: 'DOCSEQ' };
    const current = Number((await this.store.get(key.pk, key.sk, true))?.last ?? 0);
    return {
      number: inspectionDocumentNumber(prefix, kind, year, current + 1),
      take: {
        Update: {
          TableName: this.store.tableName,
          Key: key,
          UpdateExpression: 'SET #last = :next, #type = :type',
          ConditionExpression: current === 0 ? 'attribute_not_exists(pk)' : '#last = :current',
          ExpressionAttributeNames: { '#last': 'last', '#type': 'type' },
          ExpressionAttributeValues: {
            ':next': current + 1,
            ':type': 'DocumentSequence',
            ...(current === 0 ? {} : { ':current': current }),
          },
        },
      },
    };
  }

  /**
   * One transaction: the inspection and its `created` event, the numbers it takes, the hazards an order made
   * (each with its events and notices), the counters of both and the hazards' statistics; then the hazards'
   * search postings (as a patrol's).
   */
  async create(
    inspection: Inspection,
    ctx: WriteContext,
    options: {
      numbers: DrawnNumber[];
      hazards?: { hazard: Hazard; notifications: readonly NotificationMessage[] }[];
      extraItems?: TransactItem[];
    },
  ): Promise<Inspection> {
    const hazards = new HazardRepository(this.store);
    const items = this.writes(inspection, NEW_CHAIN, ctx, [
      {
        action: 'created',
        details: {
          number: inspection.number,
          unitId: inspection.unitId,
          hazardId: inspection.hazardId ?? null,
          outcome: inspection.outcome,
          officers: inspection.officers.map((o) => ({
            personId: o.personId,
            certificateNo: o.certificateNo,
          })),
          findings: inspection.findings.length,
          hazardIds: inspection.findings.flatMap((f) => (f.hazardId ? [f.hazardId] : [])),
          photos: inspection.photos.map((p) => ({ id: p.id, key: p.key, sha256: p.sha256 })),
          refusedToSign: inspection.signatures.some((s) => s.refusedReason),
          order: inspection.order ?? null,
        },
      },
    ]);
    const deltas: Record<string, number> = { ...inspectionCounts(inspection) };
    const ledger = new LedgerBatch(this.store, ctx.now);
    for (const { hazard, notifications } of options.hazards ?? []) {
      const created = hazards.creationItems(hazard, ctx, notifications);
      items.push(...created.items);
      addCounts(deltas, created.deltas);
      ledger.change(undefined, hazardLedgerRecord(hazard));
    }
    items.push(
      ...options.numbers.map((drawn) => drawn.take),
      ...counterUpdates(this.store, inspection.gridPath, deltas),
      ...ledger.items(),
      ...(options.extraItems ?? []),
    );
    await this.store.transact(items, 'inspection');
    await hazards.indexCreated((options.hazards ?? []).map(({ hazard }) => hazard));
    return inspection;
  }

  /** The follow-up: the inspection under its version lock, its event, its number taken, its counters moved. */
  async saveFollowUp(
    stored: StoredItem,
    after: Inspection,
    expectedVersion: number,
    ctx: WriteContext,
    drawn: DrawnNumber,
    extraItems: TransactItem[] = [],
  ): Promise<Inspection> {
    const { before, next, items } = this.change(
      stored,
      after,
      ctx,
      { action: 'followed_up', details: { ...after.followUp } },
      { version: expectedVersion },
      ['status'],
    );
    await this.store.transact(
      [
        ...items,
        drawn.take,
        ...counterUpdates(
          this.store,
          next.gridPath,
          subtractCounts(inspectionCounts(next), inspectionCounts(before)),
        ),
        ...extraItems,
      ],
      'inspection',
    );
    return next;
  }
}

/** One outcome of an inspection of a unit, as the credit rating reads it. */
export interface InspectionOutcomeOfUnit {
  inspectionId: string;
  number: string;
  inspectedAt: string;
  outcome: InspectionOutcome;
  status: Inspection['status'];
  findings: number;
  /** Of an order followed up: whether every hazard it made was found rectified. */
  allRectified?: boolean;
  caseNo?: string;
  fineYuan?: number;
}

/**
 * Every inspection outcome of a unit, oldest first (one Query of gsi3 INSPUNIT#<unitId>): what credit ratings
 * read of enforcement.
 *
 * @example
 * const outcomes = await inspectionOutcomesOfUnit(store, unitId); // [{ outcome: 'order', status: 'ordered', ... }]
 */
export async function inspectionOutcomesOfUnit(
  store: TenantStore,
  unitId: string,
): Promise<InspectionOutcomeOfUnit[]> {
  const inspections = await new InspectionRepository(store).listOfUnit(unitId);
  return inspections.map((inspection) => ({
    inspectionId: inspection.id,
    number: inspection.number,
    inspectedAt: inspection.inspectedAt,
    outcome: inspection.outcome,
    status: inspection.status,
    findings: inspection.findings.length,
    ...(inspection.followUp ? { allRectified: inspection.followUp.allRectified } : {}),
    ...(inspection.case ? { caseNo: inspection.case.caseNo } : {}),
    ...(inspection.case?.fineYuan !== undefined ? { fineYuan: inspection.case.fineYuan } : {}),
  }));
}
