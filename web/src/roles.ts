import type { Role } from './api/types.ts';

/**
 * The one place the web names roles: what each is called on screen, and which part of the county the county
 * admin's user form asks for when a person of that role is added. What a role may do is core's table
 * (`hasCapability`, read through `can`), and what may be done to a record is the API's `allowedActions`; a
 * test (test/unit/web-role-names.test.ts) fails when any other file of the web names a role.
 */
interface RoleEntry {
  label: { 'zh-CN': string; en: string };
  /** The grant the user form offers: a grid node of that level, a department, a unit; absent = none. */
  grant?: 'township' | 'village' | 'dept' | 'unit';
  /** Whether the county admin adds people of this role; the vendor's operators come from the vendor. */
  assignable: boolean;
}

export const ROLE_TABLE: Record<Role, RoleEntry> = {
  county_admin: { label: { 'zh-CN': '县级管理员', en: 'County admin' }, assignable: true },
  department_officer: {
    label: { 'zh-CN': '行业部门', en: 'Department officer' },
    grant: 'dept',
    assignable: true,
  },
  township_officer: {
    label: { 'zh-CN': '乡镇(开发区)', en: 'Township officer' },
    grant: 'township',
    assignable: true,
  },
  grid_member: { label: { 'zh-CN': '网格员', en: 'Grid member' }, grant: 'village', assignable: true },
  unit_user: {
    label: { 'zh-CN': '单位安全负责人', en: 'Unit safety manager' },
    grant: 'unit',
    assignable: true,
  },
  vendor_operator: { label: { 'zh-CN': '平台运维', en: 'Vendor operator' }, assignable: false },
};

/** The roles the county admin may give, in the table's order (the user form's first choice is the first). */
export const ASSIGNABLE_ROLES = (Object.keys(ROLE_TABLE) as Role[]).filter(
  (role) => ROLE_TABLE[role].assignable,
);

/** The role labels as message-catalogue entries (`role.<id>`), for `label('role', …)`. */
export function roleMessages(locale: 'zh-CN' | 'en') {
  return Object.fromEntries(
    (Object.keys(ROLE_TABLE) as Role[]).map((role) => [`role.${role}`, ROLE_TABLE[role].label[locale]]),
  ) as Record<`role.${Role}`, string>;
}

/** The role the user form starts with: most people a county adds are grid members. */
export const NEW_USER_ROLE: Role = 'grid_member';
