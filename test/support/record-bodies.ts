import type { SeededCounty } from './harness.ts';

/**
 * A red risk point's create body: unit 3 of the seed is an ammonia cold store in village 1 (the grid member's),
 * under the emergency bureau, and its receiver template scores red under LEC 6 × 6 × 15.
 */
export const redPoint = (county: SeededCounty) => ({
  name: '液氨储罐区',
  unitId: county.unit(3),
  industry: 'ammonia_refrigeration',
  templateCode: 'ar_ammonia_receiver',
  location: { lat: 33.171, lng: 115.633 },
  assessment: { method: 'LEC', L: 6, E: 6, C: 15 },
});
