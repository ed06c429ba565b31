import type { AppDeps } from '@gridsafe/api';
import {
  DEFAULT_PROVIDER_ID,
  formatGrant,
  type Grant,
  type Principal,
  type Role,
  type User,
  ulidSource,
} from '@gridsafe/core';
import { TenantStore, UserRepository } from '@gridsafe/db';
import { createCognitoIdentityProvider, poolUsername } from '@gridsafe/identity';

/**
 * A person of the county as a county admin would create one: a directory account for the password, and the
 * county's record (with its subject link) that says what the person may do. The token alone grants nothing.
 */
export async function createPerson(
  deps: Pick<AppDeps, 'identity' | 'passwordProvider' | 'data'>,
  tenant: string,
  username: string,
  role: Role,
  grants: Grant[],
  password: string,
  options: { temporary?: boolean } = {},
): Promise<User> {
  const { sub } = await deps.identity.createUser(
    poolUsername(tenant, username),
    password,
    { displayName: username },
    options,
  );
  const now = new Date().toISOString();
  const user: User = {
    id: ulidSource.next(),
    username,
    displayName: username,
    role,
    scope: grants.map(formatGrant),
    enabled: true,
    identities: [{ provider: deps.passwordProvider ?? DEFAULT_PROVIDER_ID, subject: sub }],
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const store = new TenantStore(deps.data.client, deps.data.tableName, tenant);
  const system: Principal = {
    userId: 'system',
    username: 'test-setup',
    tenant,
    role: 'county_admin',
    grants: [],
  };
  return new UserRepository(store).create(user, { principal: system, now: new Date() });
}

/**
 * The Cognito pool a test cell of county directories moves from (startTestApi's `formerPool`), and what
 * createPerson needs to make a person there as the cell did before the move.
 */
export function formerPoolOf(api: {
  services: { userPoolId: string; clientId: string; issuerUrl: string };
  deps: Pick<AppDeps, 'data'>;
}) {
  const pool = createCognitoIdentityProvider({
    userPoolId: api.services.userPoolId,
    clientId: api.services.clientId,
    endpoint: api.services.issuerUrl,
    region: 'cn-north-1',
  });
  return { pool, before: { identity: pool, passwordProvider: DEFAULT_PROVIDER_ID, data: api.deps.data } };
}
