import type { VerifiedAccessToken } from '@gridsafe/identity';
import type { AppDeps } from './app-deps.ts';
import { PLATFORM_TENANT } from './platform/platform-identity.ts';

/**
 * Whether a verified token is a vendor operator's: from the operators' provider, with a `@platform:` username,
 * which only the control plane creates (no county username can start with `@`). Without an operators'
 * provider in this deployment no token is one.
 */
export function isVendorOperatorToken(deps: AppDeps, verified: VerifiedAccessToken): boolean {
  if (deps.operatorProvider === undefined || verified.provider.id !== deps.operatorProvider) return false;
  const username = verified.claims.username;
  return typeof username === 'string' && username.startsWith(`${PLATFORM_TENANT}:`);
}
