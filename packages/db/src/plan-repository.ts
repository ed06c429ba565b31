import type { EmergencyPlan } from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { planEntity } from './entities.ts';
import { RecordRepository } from './record-repository.ts';
import type { TenantStore } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

/** Emergency plans (declared in entities.ts: pk PLAN#<id>; by unit, by risk point, by subtree). */
export class PlanRepository extends RecordRepository<EmergencyPlan> {
  constructor(store: TenantStore) {
    super(store, planEntity);
  }

  async create(plan: EmergencyPlan, ctx: WriteContext): Promise<EmergencyPlan> {
    const items = this.writes(plan, NEW_CHAIN, ctx, [
      {
        action: 'created',
        details: {
          unitId: plan.unitId,
          riskPointId: plan.riskPointId ?? null,
          title: plan.title,
          planVersion: plan.planVersion,
          reviewDate: plan.reviewDate,
          file: { id: plan.file.id, key: plan.file.key, sha256: plan.file.sha256, size: plan.file.size },
        },
      },
    ]);
    await this.store.transact(items, 'plan');
    return plan;
  }

  /** listPlansOfUnit: every item of gsi3 PLANUNIT#<unitId>, newest first (a unit has a handful). */
  listOfUnit(unitId: string): Promise<EmergencyPlan[]> {
    return planEntity.all(this.store, { index: 'gsi3', of: { unitId }, newestFirst: true });
  }

  /** listPlansOfRiskPoint: every item of gsi2 PLANRP#<riskPointId>, newest first. */
  listOfRiskPoint(riskPointId: string): Promise<EmergencyPlan[]> {
    return planEntity.all(this.store, { index: 'gsi2', of: { riskPointId }, newestFirst: true });
  }
}
