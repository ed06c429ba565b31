import { inScope, type Role } from '@gridsafe/core';
import { applyInspectionFollowUp, type Inspection, inspectionScopeTarget } from '@gridsafe/core/inspection';
import { TenantStore } from '@gridsafe/db';
import { expect } from 'vitest';
import { demoId } from '../../scripts/seed/demo-ids.ts';
import { type Entry, type Reuse, verdictOf } from './matrix-rules.ts';
import { listQuery, recordWitness, unitOf, unitTarget } from './matrix-table-county.ts';
import type { Case, Client, MatrixWorld } from './matrix-world.ts';
import { sha256Hex, testJpeg, uploadWith } from './photos.ts';

/**
 * The permission matrix's rows for enforcement inspections: reads by `inspection.read` in the unit's area, the
 * record and its follow-up by `inspection.record`, the follow-up predicted by core's own step
 * (`applyInspectionFollowUp`) on the very inspection the call is made on.
 */

let seed = 93_000;
const officersOf = (tenant: string) => [
  { personId: demoId(tenant, 'user:township.officer'), certificateNo: '皖执矩阵1' },
  { personId: demoId(tenant, 'user:dept.officer'), certificateNo: '皖执矩阵2' },
];

function body(unitId: string, tenant: string, marker: string, extra: Record<string, unknown> = {}) {
  return {
    unitId,
    checkedItems: [marker],
    findings: [],
    position: { lat: 33.16, lng: 115.62 },
    signatures: [{ signer: 'unit', name: '矩阵负责人', refusedReason: '矩阵拒签' }],
    officers: officersOf(tenant),
    outcome: 'compliant',
    ...extra,
  };
}

async function announcedBy(client: Client): Promise<string> {
  const bytes = testJpeg(seed++);
  const requested = await client.post('/inspections/photos', {
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  await uploadWith(requested.body.upload, bytes);
  return requested.body.photo.id;
}

/** An inspection of the case's unit with an order and a photo, recorded by its county's admin. */
async function inspectionOf(w: MatrixWorld, role: Role, c: Case, reuse: Reuse): Promise<Inspection> {
  const unit = await unitOf(w, role, c, reuse);
  return reuse(`inspection:${unit.id}`, async () => {
    const reader = w.readerFor(c);
    const tenant = c === 'foreign' ? w.there.tenant : w.here.tenant;
    const photoId = await announcedBy(reader);
    const made = await reader.post(
      '/inspections',
      body(unit.id, tenant, `矩阵检查${seed++}`, {
        photoIds: [photoId],
        outcome: 'order',
        deadline: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
        findings: [{ text: '矩阵隐患', severity: 'general' }],
      }),
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body.inspection as Inspection;
  });
}

function inspectionRead(tail: (inspection: Inspection) => string): Entry {
  return {
    may: 'inspection.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const inspection = await inspectionOf(w, role, c, reuse);
      return {
        path: `/inspections/${inspection.id}${tail(inspection)}`,
        reach: (p) => inScope(p, inspectionScopeTarget(inspection)),
      };
    },
  };
}

export const INSPECTION_TABLE: Record<string, Entry> = {
  'GET /inspections': {
    may: 'inspection.read',
    success: 200,
    call: async (w, role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      return { ...query, path: `/inspections${query.path}` };
    },
  },
  'POST /inspections': {
    may: 'inspection.record',
    success: 201,
    call: async (w, role, c, reuse) => {
      const unit = await unitOf(w, role, c, reuse);
      const marker = `矩阵执法${seed++}`;
      const reader = w.readerFor(c);
      return {
        path: '/inspections',
        body: body(unit.id, w.here.tenant, marker),
        reach: (p) => inScope(p, unitTarget(unit)),
        // Another county's unit (and its officers) are simply not this county's: a 400 naming the field.
        missing: 400,
        witness: async () => {
          const page = await reader.get(`/inspections?grid=${unit.gridId}&unit=${unit.id}&limit=100`);
          expect(page.status).toBe(200);
          return (page.body.items as Inspection[]).filter((item) => item.checkedItems[0] === marker);
        },
      };
    },
  },
  'POST /inspections/photos': {
    may: 'inspection.record',
    success: 201,
    cases: ['in'],
    call: async (w, role) => {
      const bytes = testJpeg(seed++);
      // Announced under the caller's own draft (INSPDRAFT#<person>): a refused announcement leaves none there.
      const store = new TenantStore(w.api.deps.documentClient, w.api.tableName, w.tenant);
      const drafts = { pk: store.key('INSPDRAFT', w.principals[role].userId) };
      return {
        path: '/inspections/photos',
        body: { contentType: 'image/jpeg', size: bytes.byteLength, sha256: sha256Hex(bytes) },
        witness: async () =>
          (
            await store.queryAll({
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': drafts.pk },
            })
          ).length,
      };
    },
  },
  'GET /inspections/officers': {
    may: 'inspection.record',
    success: 200,
    cases: ['in'],
    call: async () => ({ path: '/inspections/officers' }),
  },
  'GET /inspections/{id}': inspectionRead(() => ''),
  'GET /inspections/{id}/audit': inspectionRead(() => '/audit'),
  'GET /inspections/{id}/documents/{kind}': inspectionRead(() => '/documents/order'),
  'GET /inspections/{id}/photos/{photoId}': inspectionRead(
    (inspection) => `/photos/${inspection.photos[0]!.id}`,
  ),
  'POST /inspections/{id}/follow-up': {
    may: 'inspection.record',
    success: 200,
    call: async (w, role, c, reuse) => {
      const inspection = await inspectionOf(w, role, c, reuse);
      const input = {
        opinion: '矩阵复查',
        items: inspection.findings.map((finding) => ({ hazardId: finding.hazardId!, rectified: true })),
      };
      return {
        path: `/inspections/${inspection.id}/follow-up`,
        body: input,
        reach: (p) => inScope(p, inspectionScopeTarget(inspection)),
        verdict: (p) =>
          verdictOf(() =>
            applyInspectionFollowUp(
              inspection,
              { ...input, number: '矩阵' },
              { principal: p, now: new Date() },
            ),
          ),
        witness: recordWitness(w.readerFor(c), `/inspections/${inspection.id}`),
      };
    },
  },
};
