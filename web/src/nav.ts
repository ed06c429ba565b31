import { type Capability, hasCapability } from '@gridsafe/core/permissions';
import type { Role } from './api/types.ts';
import type { MessageKey } from './i18n/index.ts';

export interface NavItem {
  /** Under the county: `/<county>/<path>`. */
  path: string;
  label: MessageKey;
  roles: readonly Role[];
  /** Shown in the phone's bottom bar: for every role that sees it (true) or for these roles; five at most. */
  tab?: boolean | readonly Role[];
}

const OFFICERS: readonly Role[] = ['county_admin', 'department_officer', 'township_officer'];
const ALL: readonly Role[] = [
  'county_admin',
  'department_officer',
  'township_officer',
  'grid_member',
  'unit_user',
];
const FIELD: readonly Role[] = ['grid_member', 'unit_user'];

/** The roles core's permissions give a capability: pages for one capability follow the rule's one home. */
function rolesWith(capability: Capability): Role[] {
  return ALL.filter((role) => hasCapability({ role }, capability));
}

/**
 * What each role sees in the menu. The API decides what is allowed; this only hides what would be refused.
 */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: 'm/tasks', label: 'nav.tasks', roles: FIELD, tab: true },
  { path: 'm/file', label: 'nav.fileRiskPoint', roles: FIELD, tab: true },
  { path: 'm/hazard', label: 'nav.reportHazard', roles: FIELD },
  { path: 'm/register', label: 'nav.registerUnit', roles: ['grid_member'] },
  {
    path: 'grids',
    label: 'nav.grids',
    roles: ['county_admin', 'department_officer', 'township_officer', 'grid_member'],
    tab: OFFICERS,
  },
  { path: 'risk-points', label: 'nav.riskPoints', roles: ALL, tab: true },
  { path: 'review', label: 'nav.review', roles: ['county_admin', 'township_officer'] },
  { path: 'hazards', label: 'nav.hazards', roles: ALL, tab: OFFICERS },
  { path: 'units', label: 'nav.units', roles: ALL, tab: true },
  { path: 'map', label: 'nav.map', roles: ALL, tab: true },
  { path: 'assessments', label: 'nav.assessments', roles: OFFICERS },
  { path: 'departments', label: 'nav.departments', roles: OFFICERS },
  { path: 'users', label: 'nav.users', roles: ['county_admin'] },
  { path: 'login-events', label: 'nav.loginEvents', roles: rolesWith('loginEvent.read') },
  { path: 'vendor-access', label: 'nav.vendorAccess', roles: rolesWith('vendorGrant.manage') },
  { path: 'knowledge', label: 'nav.knowledge', roles: ALL },
  { path: 'm/sync', label: 'nav.sync', roles: ALL },
  { path: 'settings', label: 'nav.settings', roles: ALL, tab: true },
];

export function navFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.includes(role));
}

export function tabsFor(role: Role): NavItem[] {
  return navFor(role)
    .filter((item) => item.tab === true || (Array.isArray(item.tab) && item.tab.includes(role)))
    .slice(0, 5);
}

/** Where a person lands after login: field roles on their task list, officers on the grid tree. */
export function homePath(role: Role): string {
  if (role === 'grid_member' || role === 'unit_user') return 'm/tasks';
  if (role === 'department_officer') return 'units';
  return 'grids';
}
