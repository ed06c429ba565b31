import {
  type Alert,
  type AlertSource,
  type Department,
  type EmergencyPlan,
  type EmergencyResource,
  type GridNode,
  type Hazard,
  isWatched,
  type Patrol,
  type RegisterJob,
  type RiskPoint,
  type Unit,
  type UnitCredit,
  type User,
  type Webhook,
} from '@gridsafe/core';
import type { Inspection } from '@gridsafe/core/inspection';
import { entity } from './entity.ts';

/**
 * The county's records, each declared once: its key (pk `<prefix>#<id>`, sk `<prefix>`), its index keys and
 * when it sits in a sparse index. Every index partition starts with the county prefix like the table's own.
 * Grid-located records sort each index by `<gridPath>#<id>`, so any of their lists narrows to a grid subtree
 * with one sort-key range (a village move rewrites these paths: rehome.ts).
 */
const atPath = (record: { gridPath: string; id: string }) => `${record.gridPath}#${record.id}`;
/**
 * The export feed's index (`changed`, sparse): EXCHANGE / <updatedAt>#<id>, filed risk points and every hazard
 * by when they last changed, so `GET /exchange/feed?since=` is one sort-key range (docs/exchange.md).
 */
const changedAt = (record: { updatedAt: string; id: string }) => `${record.updatedAt}#${record.id}`;
/** The department indexes are sparse: a record under no department is in none of them. */
const hasDepartment = (record: { departmentId?: string }) => Boolean(record.departmentId);
/**
 * The map's index (`map`, sparse and narrow: GSI_INCLUDED_FIELDS) holds what the county map draws, by place like
 * the registers, so the map reads a county's positions in a few Queries of 1 MB instead of dozens of whole records'
 * pages (docs/decisions.md, "The map at a county's size").
 */
export const MAP_PARTITIONS = { units: 'MAPUNITS', riskPoints: 'MAPRPS', credits: 'MAPCREDITS' } as const;

/**
 * Grid nodes:
 * - gsi1 GRIDTREE / <path>: a subtree, in path order (parents before children);
 * - gsi2 GRIDCHILD#<parentId> (ROOT for the county) / <name>#<id>: children in name order;
 * - gsi3 GRIDLEVEL#<level> / <path>: every township or village, optionally within a subtree.
 */
export const gridEntity = entity<GridNode>({
  type: 'Grid',
  prefix: 'GRID',
  audit: 'grid',
  indexes: {
    gsi1: { pk: ['GRIDTREE'], sk: (node) => node.path },
    gsi2: { pk: ['GRIDCHILD', 'parentId', 'ROOT'], sk: (node) => `${node.name}#${node.id}` },
    gsi3: { pk: ['GRIDLEVEL', 'level'], sk: (node) => node.path },
  },
});

/** Departments: gsi1 DEPTS / <createdAt>#<id>, all of them in creation order. */
export const departmentEntity = entity<Department>({
  type: 'Department',
  prefix: 'DEPT',
  audit: 'department',
  indexes: { gsi1: { pk: ['DEPTS'], sk: (department) => `${department.createdAt}#${department.id}` } },
});

/** People: gsi1 USERS / <username>, by username. */
export const userEntity = entity<User>({
  type: 'User',
  prefix: 'USER',
  audit: 'user',
  indexes: { gsi1: { pk: ['USERS'], sk: (user) => user.username } },
});

/**
 * Units:
 * - gsi1 UNITS: a grid subtree;
 * - gsi2 UNITDEPT#<departmentId>: a department's units (sparse);
 * - gsi3 UNITIND#<industry>: an industry's units;
 * - map MAPUNITS: the positions of a subtree's located units (sparse, narrow).
 */
export const unitEntity = entity<Unit>({
  type: 'Unit',
  prefix: 'UNIT',
  audit: 'unit',
  indexes: {
    gsi1: { pk: ['UNITS'], sk: atPath },
    gsi2: { pk: ['UNITDEPT', 'departmentId'], sk: atPath, when: hasDepartment },
    gsi3: { pk: ['UNITIND', 'industry'], sk: atPath },
    map: { pk: [MAP_PARTITIONS.units], sk: atPath, when: (unit) => unit.location !== undefined },
  },
});

/**
 * Risk points:
 * - gsi1 RPS: the register of a subtree;
 * - gsi2 RPCOLOR#<colour>: the four-colour map;
 * - gsi3 RPDEPT#<departmentId>: a department's points (sparse);
 * - gsi4 RPSTATUS#<status>: the review queue;
 * - map MAPRPS: a subtree's positions, colours and statuses (narrow).
 */
export const riskPointEntity = entity<RiskPoint>({
  type: 'RiskPoint',
  prefix: 'RP',
  audit: 'risk-point',
  indexes: {
    gsi1: { pk: ['RPS'], sk: atPath },
    gsi2: { pk: ['RPCOLOR', 'color'], sk: atPath },
    gsi3: { pk: ['RPDEPT', 'departmentId'], sk: atPath, when: hasDepartment },
    gsi4: { pk: ['RPSTATUS', 'status'], sk: atPath },
    changed: { pk: ['EXCHANGE'], sk: changedAt, when: (point) => point.status === 'filed' },
    map: { pk: [MAP_PARTITIONS.riskPoints], sk: atPath },
  },
});

/**
 * Hazard work orders:
 * - gsi1 HAZARDS: the board of a subtree (also what a village move re-homes);
 * - gsi2 HZSTATUS#<status>: open work, rectifications waiting for verification;
 * - gsi3 HZDEPT#<departmentId>: a department's hazards (sparse);
 * - gsi4 HZLEVEL#<level>: what the township or county handles;
 * - due DUE#HAZARD / <escalateAt>#<id>: sparse, only hazards the sweep still watches (open or rectifying with
 *   something due), so the sweep reads only live work.
 */
export const hazardEntity = entity<Hazard>({
  type: 'Hazard',
  prefix: 'HZ',
  audit: 'hazard',
  indexes: {
    gsi1: { pk: ['HAZARDS'], sk: atPath },
    gsi2: { pk: ['HZSTATUS', 'status'], sk: atPath },
    gsi3: { pk: ['HZDEPT', 'departmentId'], sk: atPath, when: hasDepartment },
    gsi4: { pk: ['HZLEVEL', 'level'], sk: atPath },
    due: { pk: ['DUE#HAZARD'], sk: (hazard) => `${hazard.escalateAt}#${hazard.id}`, when: isWatched },
    changed: { pk: ['EXCHANGE'], sk: changedAt },
  },
});

/**
 * Patrol tasks:
 * - gsi1 PATROLS / <gridPath>#<id>: a subtree (also what a village move re-homes);
 * - gsi2 PATROLSTATUS#<status> / <gridPath>#<dueAt>#<id>: to do or done within a subtree, in due order;
 * - gsi3 PATROLDUE / <dueAt>#<id>: county-wide by due time (a quarter's patrols for the assessment);
 * - gsi4 PATROLUNIT#<unitId> / <dueAt>#<id>: a unit's history.
 */
export const patrolEntity = entity<Patrol>({
  type: 'Patrol',
  prefix: 'PATROL',
  audit: 'patrol',
  indexes: {
    gsi1: { pk: ['PATROLS'], sk: atPath },
    gsi2: {
      pk: ['PATROLSTATUS', 'status'],
      sk: (patrol) => `${patrol.gridPath}#${patrol.dueAt}#${patrol.id}`,
    },
    gsi3: { pk: ['PATROLDUE'], sk: (patrol) => `${patrol.dueAt}#${patrol.id}` },
    gsi4: { pk: ['PATROLUNIT', 'unitId'], sk: (patrol) => `${patrol.dueAt}#${patrol.id}` },
  },
});

/** Register exports and imports (register-job-repository.ts): read by id only, so in no index. */
export const registerJobEntity = entity<RegisterJob>({
  type: 'RegisterJob',
  prefix: 'JOB',
  audit: 'register-job',
  indexes: {},
});

const creditAtPath = (credit: UnitCredit) => `${credit.gridPath}#${credit.unitId}`;
/**
 * Unit credit ratings (credit-repository.ts), one item per unit beside it (pk CREDIT#<unitId>), so a new rating
 * never bumps the unit's version: gsi1 CREDIT#<level> / <gridPath>#<unitId>, a level's units within a subtree
 * (the unit list's `credit=` filter).
 */
export const unitCreditEntity = entity<UnitCredit>({
  type: 'UnitCredit',
  prefix: 'CREDIT',
  audit: 'credit',
  indexes: {
    gsi1: { pk: ['CREDIT', 'level'], sk: creditAtPath },
    // Sorted as the units are in `map`: the credit levels of a page of the map's units are one sort-key range.
    map: { pk: [MAP_PARTITIONS.credits], sk: creditAtPath },
  },
});

/**
 * Enforcement inspections (执法检查):
 * - gsi1 INSPS / <gridPath>#<id>: a subtree (also what a village move re-homes);
 * - gsi2 INSPDEPT#<departmentId> / <gridPath>#<id>: a department's (sparse);
 * - gsi3 INSPUNIT#<unitId> / <inspectedAt>#<id>: a unit's history, oldest first (credit ratings read it).
 */
export const inspectionEntity = entity<Inspection>({
  type: 'Inspection',
  prefix: 'INSP',
  audit: 'inspection',
  indexes: {
    gsi1: { pk: ['INSPS'], sk: atPath },
    gsi2: { pk: ['INSPDEPT', 'departmentId'], sk: atPath, when: hasDepartment },
    gsi3: { pk: ['INSPUNIT', 'unitId'], sk: (inspection) => `${inspection.inspectedAt}#${inspection.id}` },
  },
});

/**
 * Monitoring alerts (预测预警, alert-repository.ts):
 * - gsi1 ALERTS / <gridPath>#<id>: a subtree (an alert of no unit has the path '', the county's alone);
 * - gsi2 ALERTSTATUS#<status> / <gridPath>#<id>: open or handled, within a subtree;
 * - gsi3 ALERTDEPT#<departmentId> / <gridPath>#<id>: a department's (sparse).
 */
export const alertEntity = entity<Alert>({
  type: 'Alert',
  prefix: 'ALERT',
  audit: 'alert',
  indexes: {
    gsi1: { pk: ['ALERTS'], sk: atPath },
    gsi2: { pk: ['ALERTSTATUS', 'status'], sk: atPath },
    gsi3: { pk: ['ALERTDEPT', 'departmentId'], sk: atPath, when: hasDepartment },
  },
});

/** The systems that send alerts in: gsi1 ALERTSRCS / <createdAt>#<id>, in creation order. */
export const alertSourceEntity = entity<AlertSource>({
  type: 'AlertSource',
  prefix: 'ALERTSRC',
  audit: 'alert-source',
  indexes: { gsi1: { pk: ['ALERTSRCS'], sk: (source) => `${source.createdAt}#${source.id}` } },
});

/**
 * Emergency resources (teams, supplies, experts):
 * - gsi1 RESOURCES / <gridPath>#<id>: a subtree, paged (also what a village move re-homes);
 * - gsi2 RESGEO / <geohash>#<id>: the county's resources by place, so a geohash cell is one sort-key range and a
 *   nearest-first search reads only the cells covering its circle (docs/decisions.md, "Nearest resources");
 * - gsi3 RESGEO#<kind> / <geohash>#<id>: the same, one kind only.
 */
export const resourceEntity = entity<EmergencyResource>({
  type: 'EmergencyResource',
  prefix: 'RES',
  audit: 'resource',
  indexes: {
    gsi1: { pk: ['RESOURCES'], sk: atPath },
    gsi2: { pk: ['RESGEO'], sk: (resource) => `${resource.geohash}#${resource.id}` },
    gsi3: { pk: ['RESGEO', 'kind'], sk: (resource) => `${resource.geohash}#${resource.id}` },
  },
});

/**
 * Emergency plans (应急预案):
 * - gsi1 PLANS / <gridPath>#<id>: a subtree (also what a village move re-homes);
 * - gsi2 PLANRP#<riskPointId> / <createdAt>#<id>: a risk point's (sparse);
 * - gsi3 PLANUNIT#<unitId> / <createdAt>#<id>: a unit's plans, its risk points' included.
 */
export const planEntity = entity<EmergencyPlan>({
  type: 'EmergencyPlan',
  prefix: 'PLAN',
  audit: 'plan',
  indexes: {
    gsi1: { pk: ['PLANS'], sk: atPath },
    gsi2: {
      pk: ['PLANRP', 'riskPointId'],
      sk: (plan) => `${plan.createdAt}#${plan.id}`,
      when: (plan) => Boolean(plan.riskPointId),
    },
    gsi3: { pk: ['PLANUNIT', 'unitId'], sk: (plan) => `${plan.createdAt}#${plan.id}` },
  },
});

/**
 * Outbound webhooks (webhook-repository.ts): gsi1 WEBHOOKS / <createdAt>#<id>, the county's subscriptions in
 * creation order; a deleted one leaves the list (its item and delivery log stay for the audit trail).
 */
export const webhookEntity = entity<Webhook & { deleted?: boolean }>({
  type: 'Webhook',
  prefix: 'WEBHOOK',
  audit: 'webhook',
  indexes: {
    gsi1: { pk: ['WEBHOOKS'], sk: (hook) => `${hook.createdAt}#${hook.id}`, when: (hook) => !hook.deleted },
  },
});
