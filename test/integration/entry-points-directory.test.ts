import { countyApiBasePath } from '@gridsafe/core/contract';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  BUCKET,
  DEMO_LOGIN_PASSWORD,
  type SeededCounty,
  seedTestCounty,
  startTestApi,
  TABLE,
  TEST_PASSWORD,
  TEST_PUBLIC_ORIGIN,
  uniqueTenant,
} from '../support/harness.ts';
import {
  httpAnswer,
  importBundledHandler,
  jwtHttpApiEvent,
  type LambdaHandler,
  lambdaContext,
  publicHttpApiEvent,
} from '../support/lambda.ts';
import { createPerson, formerPoolOf } from '../support/people.ts';

/**
 * The county API function of a cell of county directories (cells.json `identity: { kind: "directory" }`), bundled
 * as CDK bundles it and invoked as Lambda invokes it, with the variables the tenant stack sets there: no user pool,
 * no user-administration service, the county's own issuer at its own API (`COUNTY_DIRECTORY_ISSUER_BASE`). The
 * directory and its keys load from chunks at the first login, so this proves the bundle carries them.
 */
type HttpHandler = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

let api: Awaited<ReturnType<typeof startTestApi>>;
let county: SeededCounty;
let handler: HttpHandler;
let base: string;
const invoke = async (event: APIGatewayProxyEventV2) =>
  httpAnswer(await handler(event, lambdaContext(`gridsafe-${county.tenant}-api`)));
const signIn = (username: string, password: string) =>
  invoke(
    publicHttpApiEvent({
      method: 'POST',
      path: `${base}/session`,
      routeKey: `POST ${base}/session`,
      body: { username, password },
    }),
  );

beforeAll(async () => {
  const tenant = uniqueTenant('epd');
  // A cell moving from its pool (`formerPool: true`): the tenant stack then also sets FORMER_USER_POOL_*.
  api = await startTestApi({ tenants: [tenant], identity: 'county-directory', formerPool: true });
  county = await seedTestCounty(api, tenant);
  base = countyApiBasePath(tenant);
  const { services } = api;
  const issuer = `${TEST_PUBLIC_ORIGIN}${base}`;
  handler = await importBundledHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
    'functions/api.ts',
    {
      GRIDSAFE_TENANT: tenant,
      TABLE_NAME: TABLE,
      EVIDENCE_BUCKET: BUCKET,
      USER_POOL_CLIENT_ID: 'gridsafe-web',
      COUNTY_DIRECTORY_ISSUER_BASE: TEST_PUBLIC_ORIGIN,
      FORMER_USER_POOL_ID: services.userPoolId,
      FORMER_USER_POOL_CLIENT_ID: services.clientId,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: services.issuerUrl,
      AUTH_ISSUER: issuer,
      AUTH_JWKS_URL: `${issuer}/.well-known/jwks.json`,
      PUBLIC_ORIGIN: TEST_PUBLIC_ORIGIN,
      CURSOR_SECRET_ID: 'gridsafe/page-cursor',
      REGISTER_JOB_FUNCTION: `gridsafe-${tenant}-registers`,
      WEBHOOK_DELIVERY_FUNCTION: `gridsafe-${tenant}-escalation`,
      AWS_REGION: 'cn-north-1',
      AWS_ENDPOINT_URL_DYNAMODB: services.dynamoEndpoint,
      AWS_ENDPOINT_URL_S3: services.s3Endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  );
}, 180_000);

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('the county API function of a cell of county directories', () => {
  it('signs a person in with the county’s own directory and serves them past the JWT authorizer', async () => {
    const session = await signIn('county.admin', DEMO_LOGIN_PASSWORD);
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    const token: string = session.body.accessToken;
    // What API Gateway's authorizer does: the discovery document, then the keys it names.
    const discovery = await invoke(
      publicHttpApiEvent({
        method: 'GET',
        path: `${base}/.well-known/openid-configuration`,
        routeKey: `GET ${base}/.well-known/openid-configuration`,
      }),
    );
    expect(discovery.status).toBe(200);
    const keys = await invoke(
      publicHttpApiEvent({
        method: 'GET',
        path: new URL(discovery.body.jwks_uri).pathname,
        routeKey: `GET ${base}/.well-known/jwks.json`,
      }),
    );
    await jwtVerify(token, createLocalJWKSet(keys.body), { issuer: discovery.body.issuer });

    const units = await invoke(
      jwtHttpApiEvent({
        method: 'GET',
        path: `${base}/units?limit=100`,
        routeKey: `ANY ${base}/{proxy+}`,
        token,
      }),
    );
    expect(units.status).toBe(200);
    expect(units.body.items).toHaveLength(39);
  });

  it('lets the county admin create a person who then signs in, with no user-administration service in the cell', async () => {
    const admin = await signIn('county.admin', DEMO_LOGIN_PASSWORD);
    const created = await invoke(
      jwtHttpApiEvent({
        method: 'POST',
        path: `${base}/users`,
        routeKey: `ANY ${base}/{proxy+}`,
        token: admin.body.accessToken,
        body: {
          username: 'lambda.member',
          displayName: '函数测试',
          role: 'grid_member',
          scope: [`grid:${county.village1}`],
          password: TEST_PASSWORD,
        },
      }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const session = await signIn('lambda.member', TEST_PASSWORD);
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ username: 'lambda.member', role: 'grid_member' });
  });

  it('signs in a person who has only an account in the pool the cell moves from, once, with that password', async () => {
    const { before } = formerPoolOf(api);
    await createPerson(before, county.tenant, 'pool.member', 'grid_member', [], TEST_PASSWORD);
    const session = await signIn('pool.member', TEST_PASSWORD);
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    expect(session.body.user).toMatchObject({ username: 'pool.member', role: 'grid_member' });
  });
});
