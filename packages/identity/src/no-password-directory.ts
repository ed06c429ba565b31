import { ForbiddenError } from '@gridsafe/core';
import type { IdentityProvider } from './identity-provider.ts';

/**
 * The directory of a cell without one: a China cell's people sign in at the operator's OpenID provider, whose
 * accounts are the operator's to keep, so there is no password to check, set or reset here. Every call answers
 * 403 with a code the web can explain, never a 500 from a Cognito client pointed at nothing. (A proxy rather than
 * fifteen named methods: this sits in every county API's cold start.)
 */
export function noPasswordDirectory(): IdentityProvider {
  const refuse = async (): Promise<never> => {
    throw new ForbiddenError('This county has no passwords; sign in at its provider.', 'no_password_login');
  };
  return new Proxy({}, { get: () => refuse }) as IdentityProvider;
}
