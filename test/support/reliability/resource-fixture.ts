import { createHash } from 'node:crypto';
import type { CountyClient } from './client.ts';

/**
 * An emergency resource and a plan (its file announced, uploaded and filed) made by the county admin through the
 * API, for the sweeps to name whether or not the seed made any.
 */
export async function recordedResourceAndPlan(
  admin: CountyClient,
  seeded: { village1: string; unit: (serial: number) => string },
): Promise<{ resourceId: string; planId: string }> {
  const resource = await admin.post('/resources', {
    kind: 'supply',
    name: '防汛物资储备点',
    location: { lat: 33.06, lng: 115.26 },
    address: '村委会东侧仓库',
    gridId: seeded.village1,
    contact: { name: '保管员', phone: '13900003333' },
    supplyType: '沙袋',
    quantity: 800,
  });
  if (resource.status !== 201)
    throw new Error(`POST /resources answered ${resource.status}: ${resource.text}`);
  const bytes = new TextEncoder().encode(`%PDF-1.4 综合应急预案 ${Date.now()}`);
  const announced = await admin.post('/plans/files', {
    contentType: 'application/pdf',
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  if (announced.status !== 201) throw new Error(`POST /plans/files answered ${announced.status}`);
  const { upload, photo } = announced.body;
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
  if (!put.ok) throw new Error(`the plan's upload answered ${put.status}`);
  const plan = await admin.post('/plans', {
    unitId: seeded.unit(1),
    title: '综合应急预案',
    planVersion: '2026版',
    reviewDate: '2029-06-30',
    fileId: photo.id,
  });
  if (plan.status !== 201) throw new Error(`POST /plans answered ${plan.status}: ${plan.text}`);
  return { resourceId: resource.body.id, planId: plan.body.id };
}
