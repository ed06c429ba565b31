import { GRANT_PATTERN, isRole, type Role } from './roles.ts';

/**
 * Claims Gridsafe adds to access tokens. Cognito's access tokens carry no custom attributes, so in AWS a
 * Pre Token Generation (V2) trigger copies them from the user's attributes; the local issuer calls this same
 * function, so both issue the same claims and the API verifies them with the same code.
 */
export interface GridsafeClaims {
  gs_tenant: string;
  gs_role: Role;
  gs_scopes: string[];
}

export const USER_ATTRIBUTE = {
  tenant: 'custom:tenant',
  role: 'custom:role',
  scopes: 'custom:scopes',
} as const;

/** Returns undefined when the user lacks a tenant or role: such a user gets no Gridsafe claims at all. */
export function claimsFromUserAttributes(
  attributes: Record<string, string | undefined>,
): GridsafeClaims | undefined {
  const tenant = attributes[USER_ATTRIBUTE.tenant];
  const role = attributes[USER_ATTRIBUTE.role];
  if (!tenant || !isRole(role)) return undefined;
  return {
    gs_tenant: tenant,
    gs_role: role,
    gs_scopes: parseScopesAttribute(attributes[USER_ATTRIBUTE.scopes]),
  };
}

/** A malformed attribute yields no scopes (least privilege), never an exception inside the token trigger. */
export function parseScopesAttribute(value: string | undefined): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((s): s is string => typeof s === 'string' && GRANT_PATTERN.test(s));
  } catch {
    return [];
  }
}
