import { type DirectorySigningKey, isTenantId } from '@gridsafe/core';

export type { DirectorySigningKey };

/**
 * What every request's token check needs of a county's own directory: which county an issuer names. The keys
 * (`county-keys.ts`) and the directory itself (`county-directory.ts`) load at the first token or login.
 */

/** The issuer of a county's own tokens: the county API's own base, so its discovery document sits beside it. */
export function countyDirectoryIssuer(base: string, tenant: string): string {
  return `${base.replace(/\/$/, '')}/t/${tenant}/api/v1`;
}

/** The county an issuer of `countyDirectoryIssuer(base, …)` names, or undefined when it is not one. */
export function tenantOfCountyIssuer(base: string, issuer: string): string | undefined {
  const prefix = `${base.replace(/\/$/, '')}/t/`;
  if (!issuer.startsWith(prefix)) return undefined;
  const [tenant, ...rest] = issuer.slice(prefix.length).split('/');
  return tenant && isTenantId(tenant) && rest.join('/') === 'api/v1' ? tenant : undefined;
}

export const COUNTY_KEY_ALGORITHM = 'ES256';
