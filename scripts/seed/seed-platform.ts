import { platformPoolUsername } from '@gridsafe/api';
import { ConflictError } from '@gridsafe/core';
import { type IdentityProvider, totpCode } from '@gridsafe/identity';
import { DEMO_PASSWORD } from './demo-data.ts';

export const DEMO_VENDOR_OPERATOR = 'vendor.operator';

/**
 * Seeds the vendor's demo operator (`vendor.operator`, the demo password) into the user directory as
 * `@platform:vendor.operator`: that pool username is what makes a vendor operator (platform-identity.ts). Only the directory holds vendor operators: the
 * control plane keeps no user records. Running it again leaves an existing operator alone.
 *
 * Operators sign in with a second factor, so the new operator gets TOTP at once, the way a person would set it
 * up (AssociateSoftwareToken, then a first code); the secret is answered once, for the local stack to keep
 * and print and for tests to compute codes from.
 */
export async function seedPlatformOperator(
  identity: IdentityProvider,
  options: { username?: string; password?: string } = {},
): Promise<{ username: string; created: boolean; totpSecret?: string }> {
  const username = options.username ?? DEMO_VENDOR_OPERATOR;
  const directoryName = platformPoolUsername(username);
  if (await identity.getUserSub(directoryName)) return { username, created: false };
  try {
    await identity.createUser(directoryName, options.password ?? DEMO_PASSWORD, {
      displayName: '平台运维（演示）',
    });
    const totpSecret = await enrolOperatorTotp(identity, { username, password: options.password });
    return { username, created: true, ...(totpSecret ? { totpSecret } : {}) };
  } catch (error) {
    // Another seeder got there between our check and our create: the operator exists, which is the goal.
    if (error instanceof ConflictError) return { username, created: false };
    throw error;
  }
}

/**
 * Sets up TOTP for an operator who has none yet (one seeded before operators needed it) and answers the
 * secret; an operator who has it already answers undefined (a secret cannot be read back).
 */
export async function enrolOperatorTotp(
  identity: IdentityProvider,
  options: { username?: string; password?: string } = {},
): Promise<string | undefined> {
  const directoryName = platformPoolUsername(options.username ?? DEMO_VENDOR_OPERATOR);
  const step = await identity.startLogin(directoryName, options.password ?? DEMO_PASSWORD);
  if ('tokens' in step) {
    const totpSecret = await identity.associateSoftwareToken(step.tokens.accessToken);
    await identity.verifySoftwareToken(step.tokens.accessToken, totpCode(totpSecret));
    return totpSecret;
  }
  if (step.challenge !== 'MFA_SETUP') return undefined;
  // The operator pool requires MFA: set it up inside the login, as the person would on the login page.
  const setup = await identity.associateSoftwareTokenInSession(step.session);
  const session = await identity.verifySoftwareTokenInSession(setup.session, totpCode(setup.secretCode));
  await identity.answerChallenge(directoryName, 'MFA_SETUP', session, { setupDone: true });
  return setup.secretCode;
}
