import type { EscalationLevel, HazardSeverity, HazardStatus } from './api/types.ts';

/**
 * The API's hazard codes, for filters and pick lists. Spelled out here (checked against the domain types) so the
 * bundle does not pull in the domain package and its schemas.
 */
export const ESCALATION_LEVELS = [
  'village',
  'township',
  'county',
] as const satisfies readonly EscalationLevel[];
export const HAZARD_STATUSES = [
  'open',
  'rectifying',
  'rectified',
  'closed',
] as const satisfies readonly HazardStatus[];
export const HAZARD_SEVERITIES = ['general', 'major'] as const satisfies readonly HazardSeverity[];
