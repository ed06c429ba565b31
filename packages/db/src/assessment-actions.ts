import {
  type AssessmentAction,
  ConflictError,
  type CreateAssessmentActionInput,
  NotFoundError,
  quarterBounds,
} from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { entity } from './entity.ts';
import { RecordRepository } from './record-repository.ts';
import type { TenantStore } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

/** 约谈 and 通报 records: pk ASSESSACT#<id>; gsi1 ASSESSACTS#<year> / <quarter>#<createdAt>#<id>. */
export const assessmentActionEntity = entity<AssessmentAction>({
  type: 'AssessmentAction',
  prefix: 'ASSESSACT',
  audit: 'assessment-action',
  indexes: {
    gsi1: {
      pk: ['ASSESSACTS', 'year'],
      sk: (action) => `${action.quarter}#${action.createdAt}#${action.id}`,
    },
  },
});

/**
 * The county's 约谈 and 通报 of townships and departments, counted into the assessment. Nothing is deleted: a
 * withdrawal is a record of its own, written in one transaction with the withdrawn record's `withdrawnBy` (under
 * its version, so an action is withdrawn once), each with its audit event.
 */
export class AssessmentActionRepository extends RecordRepository<AssessmentAction> {
  constructor(store: TenantStore) {
    super(store, assessmentActionEntity);
  }

  /** listAssessmentActions: Query gsi1 ASSESSACTS#<year>, a quarter's as a sort-key prefix (a few dozen a year). */
  async list(filter: { year: string; quarter?: string }): Promise<AssessmentAction[]> {
    return assessmentActionEntity.all(this.store, {
      index: 'gsi1',
      of: { year: filter.year },
      ...(filter.quarter
        ? {
            sk: [
              'BETWEEN :from AND :to',
              { ':from': `${filter.quarter}#`, ':to': `${filter.quarter}#\uffff` },
            ] as const,
          }
        : {}),
    });
  }

  /** Records an interview or a circular against a township or department (resolved by the caller). */
  async record(
    id: string,
    input: CreateAssessmentActionInput & { quarter: string; targetName: string },
    ctx: WriteContext,
  ): Promise<AssessmentAction> {
    quarterBounds(input.quarter);
    const now = ctx.now.toISOString();
    const action: AssessmentAction = {
      id,
      kind: input.kind,
      quarter: input.quarter,
      year: input.quarter.slice(0, 4),
      targetKind: input.targetKind!,
      targetId: input.targetId!,
      targetName: input.targetName,
      reason: input.reason,
      recordedBy: ctx.principal.userId,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const details = {
      kind: action.kind,
      quarter: action.quarter,
      targetKind: action.targetKind,
      targetId: action.targetId,
      reason: action.reason,
    };
    await this.store.transact(
      this.writes(action, NEW_CHAIN, ctx, [{ action: 'recorded', details }]),
      this.entity.audit,
    );
    return action;
  }

  /** Withdraws an interview or a circular: the withdrawal record and the withdrawn one's mark, one transaction. */
  async withdraw(
    id: string,
    withdrawnId: string,
    reason: string,
    ctx: WriteContext,
  ): Promise<AssessmentAction> {
    const stored = await this.getStored(withdrawnId, true);
    if (!stored) throw new NotFoundError('assessment action');
    const target = this.entity.fromItem(stored);
    if (target.kind === 'withdrawal') {
      throw new ConflictError('A withdrawal cannot itself be withdrawn', 'wrong_state');
    }
    if (target.withdrawnBy) throw new ConflictError('The action is already withdrawn', 'wrong_state');
    const now = ctx.now.toISOString();
    const withdrawal: AssessmentAction = {
      ...target,
      id,
      kind: 'withdrawal',
      reason,
      withdraws: target.id,
      recordedBy: ctx.principal.userId,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    delete withdrawal.withdrawnBy;
    const marked = this.change(
      stored,
      { ...target, withdrawnBy: withdrawal.id },
      ctx,
      { action: 'withdrawn', reason, details: { withdrawal: withdrawal.id } },
      { version: target.version },
    );
    await this.store.transact(
      [
        ...this.writes(withdrawal, NEW_CHAIN, ctx, [
          { action: 'recorded', details: { kind: 'withdrawal', withdraws: target.id, reason } },
        ]),
        ...marked.items,
      ],
      this.entity.audit,
    );
    return withdrawal;
  }
}
