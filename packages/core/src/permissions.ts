import { ForbiddenError } from './errors.ts';
import type { Principal, Role } from './principal.ts';

/**
 * What a role may do, independent of where. Where is decided by the person's grants (`inScope`). Keeping
 * the two apart makes the matrix small enough to read and to test exhaustively.
 */
export const CAPABILITIES = [
  'grid.read',
  'grid.manage',
  'department.read',
  'department.manage',
  'unit.read',
  'unit.create',
  'unit.update',
  'unit.import',
  /** Suspending, closing, deregistering and reopening a unit (its lifecycle, unit-lifecycle.ts). */
  'unit.changeStatus',
  'user.read',
  'user.manage',
  'stats.read',
  'riskPoint.read',
  'riskPoint.file',
  'riskPoint.review',
  'settings.read',
  'settings.manage',
  'knowledge.manage',
  'hazard.read',
  'hazard.report',
  'hazard.rectify',
  'hazard.verify',
  'hazard.supervise',
  'patrol.read',
  'patrol.complete',
  'assessment.read',
  /** Recording 约谈 and 通报 of townships and departments, counted into their assessment (county only). */
  'assessment.manage',
  /** The county's login log (MLPS level 3): logins, failures, lockouts, logouts, password and MFA events. */
  'loginEvent.read',
  /** Letting the vendor's operators read the county for a few hours, and ending it. */
  'vendorGrant.manage',
  /** Exporting a register (units, risk points, hazards, patrols) to a spreadsheet: it carries phone numbers. */
  'register.export',
  /** Enforcement inspections (执法检查): reading them, and recording one with its outcome and follow-up. */
  'inspection.read',
  'inspection.record',
  /** Monitoring alerts: reading them, turning one into a hazard, and registering the systems that send them. */
  'alert.read',
  'alert.handle',
  'alertSource.manage',
  /** Emergency resources (teams, supplies, experts): reading them near a place, and keeping them. */
  'resource.read',
  'resource.manage',
  /** Emergency plans of units and risk points (read with the unit: `unit.read`): uploading one. */
  'plan.manage',
  /** Data exchange: the county's outbound webhooks (county only), and the export feed (officers and county). */
  'webhook.manage',
  'exchange.read',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** What everyone who works an area of the county reads there. */
const AREA_READS: readonly Capability[] = [
  'grid.read',
  'department.read',
  'unit.read',
  'stats.read',
  'riskPoint.read',
  'settings.read',
  'hazard.read',
  'patrol.read',
  'alert.read',
];
/** ...and the officers above the villages read the quarterly assessment too. */
const OFFICER_READS: readonly Capability[] = [
  ...AREA_READS,
  'assessment.read',
  'inspection.read',
  'resource.read',
];

const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
  // The vendor runs the service. Inside a county it exists only under a county admin's time-limited grant
  // (vendor-access-grants), and then reads: the API admits its token on GET requests only, never writes.
  vendor_operator: [...OFFICER_READS, 'user.read'],
  county_admin: CAPABILITIES,
  // The industry chain sees its industries' units and risk points county-wide; it does not file or review them.
  // It also works the hazards of its industries: reports what its inspections find, verifies and escalates.
  department_officer: [
    ...OFFICER_READS,
    'unit.update',
    // The supervising department orders a unit of its industries to stop for rectification, or closes it.
    'unit.changeStatus',
    'hazard.report',
    'hazard.verify',
    // Officers report upward in spreadsheets: they export the registers of their own area or industries.
    'register.export',
    // Law enforcement of the industry: the department's officers inspect its units with their 执法证.
    'inspection.record',
    // An alert at a unit of its industries becomes a hazard the department follows.
    'alert.handle',
    // The department supervising an industry keeps its units' emergency plans on file.
    'plan.manage',
    // Its industries' filed risk points and hazards, as the export feed for the province's platform.
    'exchange.read',
  ],
  township_officer: [
    ...OFFICER_READS,
    'unit.create',
    'unit.update',
    // The township enforces closures in its villages (关闭取缔) and records deregistrations it learns of.
    'unit.changeStatus',
    'riskPoint.file',
    'riskPoint.review',
    'hazard.report',
    'hazard.rectify',
    'hazard.verify',
    'register.export',
    // The township's enforcement officers (综合执法) inspect the units of its villages.
    'inspection.record',
    'alert.handle',
    // The township keeps the emergency teams, stockpiles and experts of its villages, and its units' plans.
    'resource.manage',
    'plan.manage',
    'exchange.read',
  ],
  // Grid members register the units of their village and file its risk points in the field.
  // They also walk the patrols, report hazards and resolve on the spot what they can.
  grid_member: [
    ...AREA_READS,
    'unit.create',
    'unit.update',
    'riskPoint.file',
    'hazard.report',
    'hazard.rectify',
    'patrol.complete',
    // In the field the grid member looks up the nearest team or stockpile.
    'resource.read',
  ],
  // A unit's safety manager keeps its own risk points current.
  // ...and rectifies its hazards, reporting what it finds itself (自查自报).
  unit_user: [
    'department.read',
    'unit.read',
    'riskPoint.read',
    'riskPoint.file',
    'hazard.read',
    'hazard.report',
    'hazard.rectify',
    // A unit files its own emergency plans (应急预案备案).
    'plan.manage',
  ],
};

export function hasCapability(principal: Pick<Principal, 'role'>, capability: Capability): boolean {
  return ROLE_CAPABILITIES[principal.role].includes(capability);
}

/** Something that sits somewhere in the county: its village path, its department, its unit. */
export interface ScopeTarget {
  gridPath: string;
  departmentId?: string;
  unitId?: string;
}

/**
 * True when one of the person's grants covers the target: a grid grant covers its subtree, a department grant
 * its industries' items county-wide, a unit grant that unit. The county admin covers the whole county.
 */
export function inScope(principal: Principal, target: ScopeTarget): boolean {
  if (principal.role === 'county_admin') return true;
  const segments = target.gridPath.split('/');
  return principal.grants.some((grant) => {
    switch (grant.kind) {
      case 'grid':
        return segments.includes(grant.id);
      case 'dept':
        return target.departmentId !== undefined && grant.id === target.departmentId;
      case 'unit':
        return target.unitId !== undefined && grant.id === target.unitId;
      default:
        return false;
    }
  });
}

/** Throws unless the role has the capability and, when a target is given, the target is in scope. */
export function authorize(principal: Principal, capability: Capability, target?: ScopeTarget): void {
  if (!hasCapability(principal, capability)) {
    throw new ForbiddenError(`Your role (${principal.role}) may not ${describe(capability)}.`);
  }
  if (target && !inScope(principal, target)) {
    throw new ForbiddenError('This is outside your area of responsibility.');
  }
}

/** Whether a subtree rooted at `path` is one the person may list. */
export function canListSubtree(principal: Principal, path: string): boolean {
  if (principal.role === 'county_admin') return true;
  return principal.grants.some((grant) => grant.kind === 'grid' && path.split('/').includes(grant.id));
}

export function gridGrantIds(principal: Principal): string[] {
  return principal.grants.filter((grant) => grant.kind === 'grid').map((grant) => grant.id);
}

function describe(capability: Capability): string {
  const [thing, verb] = capability.split('.');
  return `${verb} ${thing}s`;
}
