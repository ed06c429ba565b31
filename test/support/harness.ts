import { createApp, createRuntimeDeps } from '@gridsafe/api';
import { type Grant, type Role, formatGrant, silentLogger } from '@gridsafe/core';
import { createS3Client } from '@gridsafe/evidence';
import { poolUsername } from '@gridsafe/identity';
import { inject } from 'vitest';

export const TEST_PASSWORD = 'Test-password-2026';
export const TABLE = 'gridsafe-test';
export const BUCKET = 'gridsafe-test-evidence';

let counter = 0;
/** A county id of its own for each test file, so files can share one DynamoDB Local without seeing each other. */
export function uniqueTenant(prefix = 't'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${counter}`.slice(0, 32);
}

/** The real app wired to the real local services, exactly as the local stack wires it. */
export async function startTestApi(options: { tenants: string[] }) {
  const services = inject('services');
  const tenants = new Set(options.tenants);
  const deps = createRuntimeDeps({
    tableName: TABLE,
    evidenceBucket: BUCKET,
    dynamoEndpoint: services.dynamoEndpoint,
    s3Endpoint: services.s3Endpoint,
    userPoolId: services.userPoolId,
    userPoolClientId: services.clientId,
    cognitoEndpoint: services.issuerUrl,
    authIssuer: services.issuer,
    authJwksUrl: services.jwksUrl,
    servesTenant: (tenant) => tenants.has(tenant),
    logger: silentLogger,
  });
  const app = createApp(deps);

  async function createUser(tenant: string, username: string, role: Role, grants: Grant[] = []) {
    await deps.identity.createUser(poolUsername(tenant, username), TEST_PASSWORD, {
      tenant,
      role,
      scopes: grants.map(formatGrant),
    });
  }

  async function login(tenant: string, username: string, password = TEST_PASSWORD): Promise<string> {
    const response = await app.request(`/t/${tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  }

  return { app, deps, createUser, login, services, tableName: TABLE, bucket: BUCKET, s3: createS3Client({ endpoint: services.s3Endpoint }) };
}
