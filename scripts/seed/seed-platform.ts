import { platformPoolUsername } from '@gridsafe/api';
import { ConflictError } from '@gridsafe/core';
import type { IdentityProvider } from '@gridsafe/identity';
import { DEMO_PASSWORD } from './demo-data.ts';

export const DEMO_VENDOR_OPERATOR = 'vendor.operator';

/**
 * Seeds the vendor's demo operator (`vendor.operator`, the demo password) into the user directory as
 * `@platform:vendor.operator`: that pool username is what makes a vendor operator (platform-identity.ts). Only the directory holds vendor operators: the
 * control plane keeps no user records. Running it again leaves an existing operator alone.
 */
export async function seedPlatformOperator(
  identity: IdentityProvider,
  options: { username?: string; password?: string } = {},
): Promise<{ username: string; created: boolean }> {
  const username = options.username ?? DEMO_VENDOR_OPERATOR;
  const directoryName = platformPoolUsername(username);
  if (await identity.getUserSub(directoryName)) return { username, created: false };
  try {
    await identity.createUser(directoryName, options.password ?? DEMO_PASSWORD, {
      displayName: '平台运维（演示）',
    });
    return { username, created: true };
  } catch (error) {
    // Another seeder got there between our check and our create: the operator exists, which is the goal.
    if (error instanceof ConflictError) return { username, created: false };
    throw error;
  }
}
