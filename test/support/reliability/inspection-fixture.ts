import type { CountyClient } from './client.ts';

/**
 * An enforcement inspection with an order, recorded by the county admin through the API, for the sweeps to name
 * (the demo seed makes none): the inspection's id and the hazard its order made.
 */
export async function recordedInspection(
  admin: CountyClient,
  seeded: { unit: (serial: number) => string; user: (username: string) => string },
): Promise<{ inspectionId: string; hazardId: string }> {
  const answer = await admin.post('/inspections', {
    unitId: seeded.unit(1),
    checkedItems: ['安全生产责任制落实情况'],
    findings: [{ text: '可燃气体报警器失效', severity: 'general' }],
    position: { lat: 33.06, lng: 115.26 },
    signatures: [{ signer: 'unit', name: '负责人', refusedReason: '拒绝签字' }],
    officers: [
      { personId: seeded.user('township.officer'), certificateNo: '皖执0001' },
      { personId: seeded.user('dept.officer'), certificateNo: '皖执0002' },
    ],
    outcome: 'order',
    deadline: new Date(Date.now() + 30 * 24 * 3600_000).toISOString(),
  });
  if (answer.status !== 201) throw new Error(`POST /inspections answered ${answer.status}: ${answer.text}`);
  return { inspectionId: answer.body.inspection.id, hazardId: answer.body.hazards[0].id };
}
