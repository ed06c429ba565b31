/** The roles of the domain brief; kept free of zod so small bundles stay small. */
export const ROLES = [
  'vendor_operator',
  'county_admin',
  'department_officer',
  'township_officer',
  'grid_member',
  'unit_user',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * One assignment of a person: a grid node (officers, grid members, the county admin at the root), a
 * department (its industries county-wide), or a unit. Written `grid:<id>`, `dept:<id>`, `unit:<id>` in a
 * person's record. Grid grants hold the node id, not its path, so moving a subtree never leaves a stale grant.
 */
export type Grant =
  | { kind: 'grid'; id: string }
  | { kind: 'dept'; id: string }
  | { kind: 'unit'; id: string };

export const GRANT_PATTERN = /^(grid|dept|unit):[0-9A-HJKMNP-TV-Z]{26}$/;

export function parseGrant(value: string): Grant | undefined {
  if (!GRANT_PATTERN.test(value)) return undefined;
  const [kind, id] = value.split(':') as [Grant['kind'], string];
  return { kind, id };
}

export function formatGrant(grant: Grant): string {
  return `${grant.kind}:${grant.id}`;
}

/** The authenticated caller, as every core function sees it. */
export interface Principal {
  /** The person's own id (User.id), never a provider's subject. */
  userId: string;
  username: string;
  tenant: string;
  role: Role;
  grants: Grant[];
}
