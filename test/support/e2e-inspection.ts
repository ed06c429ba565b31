import { expect } from 'vitest';
import type { E2eClient } from './e2e-stack.ts';

/**
 * An enforcement inspection recorded through the API, as browser tests arrange one: two of the county's officers
 * with made-up 执法证 numbers, the unit's responsible person refusing to sign, on a unit or an escalated hazard.
 * Answers the inspection and the hazards its order made.
 */
export async function recordedInspection(
  stack: E2eClient,
  token: string,
  body:
    | { unitId: string }
    | { hazardId: string; findings: { text: string; severity: string }[]; deadline: string },
): Promise<{ inspection: { id: string }; hazards: { id: string }[] }> {
  const officers = await stack.api<{ items: { personId: string }[] }>(token, 'GET', '/inspections/officers');
  const recorded = await stack.api<{ inspection: { id: string }; hazards: { id: string }[] }>(
    token,
    'POST',
    '/inspections',
    {
      checkedItems: ['安全生产责任制落实情况'],
      findings: [],
      position: { lat: 33.16, lng: 115.62 },
      signatures: [{ signer: 'unit', name: '王经理', refusedReason: '负责人不在现场' }],
      officers: officers.body.items
        .slice(0, 2)
        .map((officer, index) => ({ personId: officer.personId, certificateNo: `皖执E2E0${index + 1}` })),
      outcome: 'hazardId' in body ? 'order' : 'compliant',
      ...body,
    },
  );
  expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
  return recorded.body;
}
