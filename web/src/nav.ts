import type { Capability } from '@gridsafe/core/permissions';
import type { SessionUser } from './api/types.ts';
import type { MessageKey } from './i18n/index.ts';
import { can, ownDepartment, worksInField } from './permissions.ts';

export interface NavItem {
  /** Under the county: `/<county>/<path>`. */
  path: string;
  label: MessageKey;
  /** The capability the page needs (core's table); absent = anyone signed in. */
  needs?: Capability;
  /** Only for field workers, or only for everyone else; absent = both. */
  audience?: 'field' | 'office';
  /** Shown in the phone's bottom bar: for everyone who sees it (true) or for office workers only; five at most. */
  tab?: true | 'office';
}

/**
 * What each person sees in the menu, from their capabilities. The API decides what is allowed; this only hides
 * what would be refused.
 */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: 'm/tasks', label: 'nav.tasks', audience: 'field', tab: true },
  { path: 'm/file', label: 'nav.fileRiskPoint', needs: 'riskPoint.file', audience: 'field', tab: true },
  { path: 'm/hazard', label: 'nav.reportHazard', needs: 'hazard.report', audience: 'field' },
  { path: 'm/register', label: 'nav.registerUnit', needs: 'unit.create', audience: 'field' },
  { path: 'grids', label: 'nav.grids', needs: 'grid.read', tab: 'office' },
  { path: 'risk-points', label: 'nav.riskPoints', needs: 'riskPoint.read', tab: true },
  { path: 'review', label: 'nav.review', needs: 'riskPoint.review' },
  { path: 'hazards', label: 'nav.hazards', needs: 'hazard.read', tab: 'office' },
  { path: 'supervision', label: 'nav.supervision', needs: 'hazard.read', audience: 'office' },
  { path: 'inspections', label: 'nav.inspections', needs: 'inspection.read' },
  { path: 'alerts', label: 'nav.alerts', needs: 'alert.read' },
  { path: 'resources', label: 'nav.resources', needs: 'resource.read' },
  { path: 'units', label: 'nav.units', needs: 'unit.read', tab: true },
  { path: 'map', label: 'nav.map', needs: 'riskPoint.read', tab: true },
  { path: 'assessments', label: 'nav.assessments', needs: 'assessment.read' },
  { path: 'workforce', label: 'nav.workforce', needs: 'assessment.read' },
  { path: 'patrols', label: 'nav.patrols', needs: 'patrol.read', audience: 'office' },
  { path: 'statistics', label: 'nav.statistics', needs: 'assessment.read' },
  { path: 'departments', label: 'nav.departments', needs: 'department.read', audience: 'office' },
  { path: 'users', label: 'nav.users', needs: 'user.manage' },
  { path: 'login-events', label: 'nav.loginEvents', needs: 'loginEvent.read' },
  { path: 'vendor-access', label: 'nav.vendorAccess', needs: 'vendorGrant.manage' },
  { path: 'alert-sources', label: 'nav.alertSources', needs: 'alertSource.manage' },
  { path: 'webhooks', label: 'nav.webhooks', needs: 'webhook.manage' },
  { path: 'knowledge', label: 'nav.knowledge' },
  { path: 'm/sync', label: 'nav.sync' },
  { path: 'settings', label: 'nav.settings', tab: true },
];

function audienceOf(user: SessionUser): 'field' | 'office' {
  return worksInField(user) ? 'field' : 'office';
}

/** Whether the person may open the page of a menu entry: the capability it needs, and its audience. */
export function mayOpen(item: NavItem, user: SessionUser): boolean {
  return (!item.needs || can(item.needs, user)) && (!item.audience || item.audience === audienceOf(user));
}

export function navFor(user: SessionUser): NavItem[] {
  return NAV_ITEMS.filter((item) => mayOpen(item, user));
}

export function tabsFor(user: SessionUser): NavItem[] {
  const audience = audienceOf(user);
  return navFor(user)
    .filter((item) => item.tab === true || item.tab === audience)
    .slice(0, 5);
}

/**
 * Where a person lands after login: field workers on their task list, an industry's officer (who works by
 * department, not by area) on the units, everyone else on the grid tree.
 */
export function homePath(user: SessionUser): string {
  if (worksInField(user)) return 'm/tasks';
  if (ownDepartment(user)) return 'units';
  return 'grids';
}
