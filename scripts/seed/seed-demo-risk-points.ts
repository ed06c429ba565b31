import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  DEFAULT_SETTINGS,
  grade,
  nextReviewState,
  type Principal,
  type RiskPoint,
  type RiskPointStatus,
  type Unit,
} from '@gridsafe/core';
import { RiskPointRepository, TenantStore, UnitRepository, type WriteContext } from '@gridsafe/db';
import { PhotoStore } from '@gridsafe/evidence';
import type { DemoCounty } from './demo-data.ts';
import { demoId } from './demo-ids.ts';
import { demoJpegPhoto, LEC_FOR, riskPointFromTemplate } from './demo-records.ts';

/** One point per (colour, status) pair, plus a few more, so every box of the register and the map is filled. */
export const DEMO_RISK_POINT_PLAN: {
  color: 'red' | 'orange' | 'yellow' | 'blue' | 'ungraded';
  status: RiskPointStatus;
}[] = [];
for (const color of ['red', 'orange', 'yellow', 'blue', 'ungraded'] as const) {
  for (const status of ['draft', 'submitted', 'township_approved', 'filed'] as const) {
    // A blue, yellow or ungraded filing ends at the township: it is never "township approved".
    if (status === 'township_approved' && color !== 'red' && color !== 'orange') continue;
    DEMO_RISK_POINT_PLAN.push({ color, status });
  }
}

export interface RiskPointSeedTarget {
  client: DynamoDBDocumentClient;
  tableName: string;
  evidence?: { client: S3Client; bucket: string };
  now?: Date;
}

/**
 * Demo risk points in every colour and every status, each filed through the real state machine (created,
 * photographed, submitted, approved) so the record pages show a genuine audit history, with a real photo in
 * the evidence bucket when one is given. Idempotent like the rest of the demo seed.
 */
export async function seedDemoRiskPoints(
  target: RiskPointSeedTarget,
  county: DemoCounty,
): Promise<{ created: number }> {
  const { tenant } = county;
  const store = new TenantStore(target.client, target.tableName, tenant);
  const repository = new RiskPointRepository(store);
  const units = new UnitRepository(store);
  const photos = target.evidence
    ? new PhotoStore(target.evidence.client, target.evidence.bucket, tenant)
    : undefined;
  const now = target.now ?? new Date();
  const reviewer: Principal = {
    userId: 'system',
    username: 'demo-seed',
    tenant,
    role: 'county_admin',
    grants: [],
  };
  // The grid member files and submits; the seed's reviewer approves (nobody approves their own filing).
  const filer: Principal = {
    userId: 'system',
    username: 'grid.member',
    tenant,
    role: 'grid_member',
    grants: [],
  };
  const ctx: WriteContext = { principal: reviewer, now };
  const unitCount = county.townships.reduce((sum, t) => sum + t.villages.length, 0) * county.unitsPerVillage;
  let created = 0;

  for (const [index, plan] of DEMO_RISK_POINT_PLAN.entries()) {
    const id = demoId(tenant, `risk-point:${index}`);
    if (await repository.getStored(id)) continue;
    const unit = await units.get(demoId(tenant, `unit:${(index % unitCount) + 1}`));
    if (!unit) continue;
    const assessment =
      plan.color === 'ungraded'
        ? undefined
        : grade(LEC_FOR[plan.color]!, DEFAULT_SETTINGS.grading, now, 'demo-seed');
    const point = riskPointFromTemplate({
      id,
      unit,
      templateIndex: index,
      location: nudge(unit, index),
      emergencyPhone: '0558-8612345',
      color: plan.color,
      assessment,
      status: 'draft',
      reviewChain: [],
      reviewStep: 0,
      photos: [],
      now,
    });
    try {
      await repository.create(point, ctx);
    } catch (error) {
      if (error instanceof ConflictError) continue;
      throw error;
    }
    created += 1;
    let current = point;
    const save = async (after: RiskPoint, action: string, details?: Record<string, unknown>) => {
      const stored = await repository.getStored(id, true);
      current = await repository.save(stored!, after, current.version, ctx, {
        action,
        ...(details ? { details } : {}),
      });
    };
    if (photos) {
      const photo = await demoJpegPhoto({
        tenant,
        photos,
        evidence: target.evidence,
        collection: 'risk-points',
        recordId: point.id,
        photoId: demoId(point.id, 'photo'),
        seed: `demo-${point.id}`,
        when: now,
        location: point.location,
      });
      await save({ ...current, photos: [photo] }, 'photo_added', {
        photo: { id: photo.id, key: photo.key, sha256: photo.sha256, size: photo.size },
      });
    }
    if (plan.status === 'draft') continue;
    await save(
      { ...current, ...nextReviewState(current, 'submit', filer, DEFAULT_SETTINGS).state },
      'submitted',
    );
    while (current.status !== plan.status) {
      const { state } = nextReviewState(current, 'approve', reviewer, DEFAULT_SETTINGS);
      await save({ ...current, ...state }, state.status === 'filed' ? 'filed' : 'approved');
    }
  }
  return { created };
}

function nudge(unit: Unit, index: number) {
  const base = unit.location ?? { lat: 33.16, lng: 115.62 };
  return {
    lat: Math.round((base.lat + ((index % 5) - 2) * 0.0004) * 1e6) / 1e6,
    lng: Math.round((base.lng + ((index % 3) - 1) * 0.0004) * 1e6) / 1e6,
  };
}
