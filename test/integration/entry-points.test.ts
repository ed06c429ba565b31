import { AdjustableClock, makeCreditCode, quarterOf } from '@gridsafe/core';
import { countyApiBasePath, PLATFORM_API_BASE } from '@gridsafe/core/contract';
import { AssessmentSnapshots, TenantStore } from '@gridsafe/db';
import { poolUsername, totpCode } from '@gridsafe/identity';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, ScheduledEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalCountyKeys } from '../../scripts/local/user-admin-front.ts';
import { seedPlatformOperator } from '../../scripts/seed/seed-platform.ts';
import {
  BUCKET,
  clientFor,
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
  CELL_ACCOUNT,
  httpAnswer,
  iamHttpApiEvent,
  importBundledHandler,
  jwtHttpApiEvent,
  type LambdaHandler,
  lambdaContext,
  publicHttpApiEvent,
  scheduledEvent,
} from '../support/lambda.ts';
import { postSignedAlert } from '../support/signed-alert.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

/**
 * Every Lambda entry point of functions/, bundled as CDK bundles it and invoked as Lambda invokes it: the event
 * its trigger sends (HTTP API payload 2.0 behind a JWT or IAM authorizer, EventBridge Scheduler's notification),
 * a Lambda context, and the configuration infra gives it in environment variables, here naming the local
 * services. The functions name no endpoint themselves: the AWS SDK's AWS_ENDPOINT_URL_<SERVICE> variables point
 * their clients at DynamoDB Local, the local S3 server and the local issuer (which speaks Cognito's protocol).
 */

const DAY = 86_400_000;
const CELL = 'ep-1';
const COUNTY_ROLE_PREFIX = 'gridsafe-local-county-';

type HttpHandler = LambdaHandler<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;
type ScheduledHandler = LambdaHandler<ScheduledEvent<string>, any>;

let api: Awaited<ReturnType<typeof startTestApi>>;
let county: SeededCounty;
let admin: ReturnType<typeof clientFor>;
let base: string;

beforeAll(async () => {
  const tenant = uniqueTenant('ep');
  api = await startTestApi({ tenants: [tenant] });
  county = await seedTestCounty(api, tenant);
  admin = clientFor(api.app, tenant, await api.login(tenant, 'county.admin', DEMO_LOGIN_PASSWORD));
  base = countyApiBasePath(tenant);
}, 180_000);

afterAll(() => {
  vi.unstubAllEnvs();
});

/** What infra sets on the functions of one county and of the cell (tenant-stack.ts, platform-stack.ts). */
function functionEnvironment(): Record<string, string> {
  const { services } = api;
  return {
    GRIDSAFE_TENANT: county.tenant,
    GRIDSAFE_CELL: CELL,
    TABLE_NAME: TABLE,
    EVIDENCE_BUCKET: BUCKET,
    USER_POOL_ID: services.userPoolId,
    USER_POOL_CLIENT_ID: services.clientId,
    // The local issuer holds the vendor's operators too, as one pool.
    OPERATOR_POOL_ID: services.userPoolId,
    OPERATOR_CLIENT_ID: services.clientId,
    AUTH_ISSUER: services.issuer,
    AUTH_JWKS_URL: services.jwksUrl,
    USER_ADMIN_URL: services.userAdminUrl,
    CELL_ACCOUNT,
    COUNTY_ROLE_PREFIX,
    PUBLIC_ORIGIN: TEST_PUBLIC_ORIGIN,
    // The county's register-jobs and sweep functions, which the API invokes by name.
    REGISTER_JOB_FUNCTION: `gridsafe-${county.tenant}-registers`,
    WEBHOOK_DELIVERY_FUNCTION: `gridsafe-${county.tenant}-escalation`,
    // The cell's region; the local user-administration front, like IAM, refuses a signature for another.
    AWS_REGION: services.userAdminRegion,
    AWS_ENDPOINT_URL_DYNAMODB: services.dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: services.s3Endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: services.issuerUrl,
    // The local S3 server's own key; DynamoDB Local and the local issuer accept any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}

describe('the county API function (functions/api.ts)', () => {
  let handler: HttpHandler;
  const invoke = async (event: APIGatewayProxyEventV2) =>
    httpAnswer(await handler(event, lambdaContext(`gridsafe-${county.tenant}-api`)));

  beforeAll(async () => {
    handler = await importBundledHandler('functions/api.ts', functionEnvironment());
  }, 120_000);

  it('answers its public health route having reached the table, the evidence bucket and the token issuer', async () => {
    const health = await invoke(
      publicHttpApiEvent({ method: 'GET', path: `${base}/health`, routeKey: `GET ${base}/health` }),
    );
    expect(health.status).toBe(200);
    expect(health.body.dependencies).toMatchObject({
      database: { status: 'ok' },
      evidence: { status: 'ok' },
      tokenIssuer: { status: 'ok' },
    });
  });

  it('signs a county officer in and lists the county’s units to a request past the JWT authorizer', async () => {
    const session = await invoke(
      publicHttpApiEvent({
        method: 'POST',
        path: `${base}/session`,
        routeKey: `POST ${base}/session`,
        body: { username: 'county.admin', password: DEMO_LOGIN_PASSWORD },
      }),
    );
    expect(session.status).toBe(200);
    const token: string = session.body.accessToken;
    expect(token).toEqual(expect.any(String));

    const units = await invoke(
      jwtHttpApiEvent({
        method: 'GET',
        path: `${base}/units?limit=100`,
        routeKey: `ANY ${base}/{proxy+}`,
        token,
      }),
    );
    expect(units.status).toBe(200);
    expect(units.headers['content-type']).toContain('application/json');
    // The seeded county's 39 units, the same the in-process app lists.
    const inProcess = await admin.get('/units?limit=100');
    expect(inProcess.status).toBe(200);
    expect(units.body.items).toHaveLength(39);
    expect(units.body.items.map((u: { id: string }) => u.id).sort()).toEqual(
      inProcess.body.items.map((u: { id: string }) => u.id).sort(),
    );
    expect(units.body.items.map((u: { id: string }) => u.id)).toContain(county.unit(3));
  });

  it('creates a person through the cell’s user-administration service, signed with the county role’s key', async () => {
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    // In AWS the function's role credentials are in the environment, and the service's IAM authorizer names
    // the county from the role that signed. The local front checks each county's own key the same way; the
    // local S3 server (the only service that checks who signs) is not called on this route.
    const roleKey = new LocalCountyKeys(api.services.userAdminStackSecret).forTenant(county.tenant);
    vi.stubEnv('AWS_ACCESS_KEY_ID', roleKey.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', roleKey.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    try {
      const created = await invoke(
        jwtHttpApiEvent({
          method: 'POST',
          path: `${base}/users`,
          routeKey: `ANY ${base}/{proxy+}`,
          token,
          body: {
            username: 'ep.person',
            displayName: '入口网格员',
            role: 'grid_member',
            scope: [`grid:${county.village1}`],
            password: TEST_PASSWORD,
          },
        }),
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ username: 'ep.person', role: 'grid_member' });
    } finally {
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    }
    // The new grid member signs in with the password the admin gave.
    const member = clientFor(
      api.app,
      county.tenant,
      await api.login(county.tenant, 'ep.person', TEST_PASSWORD),
    );
    expect((await member.get('/me')).body).toMatchObject({ username: 'ep.person', role: 'grid_member' });
  });

  it('refuses a request whose bearer token is not one the county’s issuer signed', async () => {
    const forged = ['eyJhbGciOiJSUzI1NiJ9', Buffer.from('{"sub":"x"}').toString('base64url'), 'c2ln'].join(
      '.',
    );
    const answer = await invoke(
      jwtHttpApiEvent({
        method: 'GET',
        path: `${base}/units`,
        routeKey: `ANY ${base}/{proxy+}`,
        token: forged,
      }),
    );
    expect(answer.status).toBe(401);
    expect(answer.headers['content-type']).toContain('application/problem+json');
  });
});

describe('the escalation sweep (functions/escalation-sweep.ts)', () => {
  let handler: ScheduledHandler;
  let hazardId: string;

  beforeAll(async () => {
    // A hazard reported 70 days ago: its deadline of 30 working days (at most some 55 calendar days, holidays
    // included) has passed, by the wall clock the sweep reads.
    const past = new AdjustableClock();
    past.advance(-70 * DAY);
    const reporting = await startTestApi({ tenants: [county.tenant], clock: past });
    const member = clientFor(
      reporting.app,
      county.tenant,
      await reporting.login(county.tenant, 'grid.member', DEMO_LOGIN_PASSWORD),
    );
    const created = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'general',
      title: '冷库氨压缩机房通风不良',
    });
    expect(created.status).toBe(201);
    hazardId = created.body.id;
    handler = await importBundledHandler('functions/escalation-sweep.ts', functionEnvironment());
  }, 120_000);

  it('sends only the due webhook deliveries when the API kicks it, after the kick’s notBefore, and leaves the sweep to its schedule', async () => {
    const receiver = await startReceiver();
    try {
      // Queued by an app that asks for no kick, so only the invocation below can send it.
      const quiet = await startTestApi({ tenants: [county.tenant], webhookDeliveries: 'timer' });
      const quietAdmin = clientFor(
        quiet.app,
        county.tenant,
        await quiet.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD),
      );
      const hook = await quietAdmin.post('/webhooks', { url: receiver.url, events: ['alert.created'] });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
      const source = (await quietAdmin.post('/alert-sources', { name: '储罐温度' })).body;
      const alert = await postSignedAlert(quiet.app, county.tenant, source.secret, {
        sourceId: source.id,
        eventId: `ep-${Date.now()}`,
        unitId: county.unit(3),
        kind: 'tank_temperature',
        level: 'yellow',
        message: '储罐温度偏高',
        observedAt: new Date().toISOString(),
      });
      expect(alert.status, await alert.clone().text()).toBeLessThan(300);
      expect(receiver.received).toHaveLength(0);

      // Another county's kick is not this function's business.
      const foreign = await handler(
        { kind: 'webhook-deliveries', tenant: 'someone-else' } as never,
        lambdaContext(`gridsafe-${county.tenant}-escalation`),
      );
      expect(foreign.webhooks).toBeUndefined();
      expect(receiver.received).toHaveLength(0);

      // The receiver is at http://127.0.0.1, which AWS refuses unless told otherwise (docs/exchange.md).
      process.env.WEBHOOK_PUBLIC_ONLY = '0';
      const started = Date.now();
      const result = await handler(
        {
          kind: 'webhook-deliveries',
          tenant: county.tenant,
          notBefore: new Date(started + 1_000).toISOString(),
        } as never,
        lambdaContext(`gridsafe-${county.tenant}-escalation`),
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(result.webhooks).toMatchObject({ delivered: 1 });
      expect(result.sweep).toBeUndefined();
      expect(receiver.received[0]?.body).toMatchObject({ type: 'alert.created', tenant: county.tenant });
      // The overdue hazard waits for the scheduled run (the next test).
      expect((await admin.get(`/hazards/${hazardId}`)).body).toMatchObject({ level: 'village' });
      await quietAdmin.delete(`/webhooks/${hook.body.id}`);
    } finally {
      delete process.env.WEBHOOK_PUBLIC_ONLY;
      await receiver.close();
    }
  });

  it('raises a hazard past its deadline one level on its schedule and writes the escalation to its audit trail', async () => {
    const before = await admin.get(`/hazards/${hazardId}`);
    expect(before.body).toMatchObject({ level: 'village', overdue: false });
    expect(Date.parse(before.body.escalateAt)).toBeLessThan(Date.now());

    const result = await handler(
      scheduledEvent(`gridsafe-${county.tenant}-escalation`),
      lambdaContext(`gridsafe-${county.tenant}-escalation-sweep`),
    );
    expect(result.sweep).toMatchObject({ failed: 0 });
    expect(result.sweep.escalated).toBeGreaterThanOrEqual(1);

    const after = await admin.get(`/hazards/${hazardId}`);
    expect(after.body).toMatchObject({ level: 'township', overdue: true, escalationStep: 1 });
    expect(after.body.escalations.at(-1)).toMatchObject({
      from: 'village',
      to: 'township',
      cause: 'deadline',
      by: 'escalation-sweep',
    });
    const audit = await admin.get(`/hazards/${hazardId}/audit`);
    expect(audit.status).toBe(200);
    const escalated = audit.body.items.filter((e: { action: string }) => e.action === 'escalated');
    expect(escalated).toHaveLength(1);
    expect(escalated[0].changes.level).toEqual({ before: 'village', after: 'township' });
  });

  it('builds the map’s stale nodes in the first run of each hour, so the county’s map then opens in three reads', async () => {
    const counting = await startTestApi({ tenants: [county.tenant], reportDynamoCalls: true });
    const countedAdmin = clientFor(
      counting.app,
      county.tenant,
      await counting.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD),
    );
    const store = new TenantStore(api.deps.documentClient, TABLE, county.tenant);
    // A write that names no node (as a delete) leaves every node stale; the run after the index's lag builds them.
    await store.update({
      Key: { pk: store.key('UNIT', county.unit(3)), sk: 'UNIT' },
      UpdateExpression: 'SET #id = #id',
      ExpressionAttributeNames: { '#id': 'id' },
    });
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const run = (time: string) =>
      handler(
        { ...scheduledEvent(`gridsafe-${county.tenant}-escalation`), time },
        lambdaContext(`gridsafe-${county.tenant}-escalation-sweep`),
      );
    // Only the run of each hour's first five minutes reads the snapshot (it costs some 280 read units at Taihe's size).
    expect((await run('2026-12-07T06:35:00Z')).map).toBeUndefined();
    const result = await run('2026-12-07T07:00:00Z');
    expect(result.map.stale).toBe(result.map.nodes);
    expect(result.map.rebuilt).toBe(result.map.nodes);
    const answer = await countedAdmin.get('/map/positions');
    expect(answer.status).toBe(200);
    // The area's grid paths, its snapshot items and the county-wide counter: nothing built in the request.
    expect(Number(answer.headers.get('x-dynamodb-calls'))).toBe(3);
  });
});

describe('the assessment refresh (functions/assessment-refresh.ts)', () => {
  let handler: ScheduledHandler;
  let countyApi: HttpHandler;
  const quarter = quarterOf(new Date());

  beforeAll(async () => {
    handler = await importBundledHandler('functions/assessment-refresh.ts', functionEnvironment());
    countyApi = await importBundledHandler('functions/api.ts', functionEnvironment());
  }, 120_000);

  /** A run with the function's 15 minutes ahead of it (infra/src/tenant-stack.ts). */
  const nightly = () =>
    lambdaContext(`gridsafe-${county.tenant}-assessment-refresh`, { timeoutMs: 15 * 60_000 });

  it('stores the current quarter’s assessment overnight, and the assessment page answers from it', async () => {
    const snapshots = new AssessmentSnapshots(new TenantStore(api.deps.documentClient, TABLE, county.tenant));
    expect(await snapshots.get(quarter, true)).toBeUndefined();
    // A unit registered during the day: the night's plan gives it its first patrol task.
    const unit = await admin.post('/units', {
      name: '夜间巡查计划测试厂',
      creditCode: makeCreditCode('91341222', 7810),
      industry: 'gas',
      gridId: county.village1,
    });
    expect(unit.status).toBe(201);
    const tasks = async () => (await admin.get(`/patrols?unit=${unit.body.id}&status=scheduled`)).body.items;
    expect(await tasks()).toEqual([]);

    const started = new Date().toISOString();
    const result = await handler(scheduledEvent(`gridsafe-${county.tenant}-assessment`), nightly());
    expect(result.refreshed).toContain(quarter);
    // The escalation sweep, every 5 minutes, no longer plans: it has 2 minutes, and a Nanjing-sized plan takes more.
    expect(result.plan).toMatchObject({ ran: true, created: 1 });
    expect(result.plan.present).toBeGreaterThanOrEqual(39);
    expect(await tasks()).toHaveLength(1);
    const stored = await snapshots.get(quarter, true);
    expect(stored?.computedAt).toEqual(expect.any(String));
    expect(String(stored?.computedAt) >= started).toBe(true);

    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const page = httpAnswer(
      await countyApi(
        jwtHttpApiEvent({
          method: 'GET',
          path: `${base}/assessments?quarter=${quarter}`,
          routeKey: `ANY ${base}/{proxy+}`,
          token,
        }),
        lambdaContext(`gridsafe-${county.tenant}-api`),
      ),
    );
    expect(page.status).toBe(200);
    expect(page.body.computedAt).toBe(stored?.computedAt);
    expect(page.body.rows.find((r: { id: string }) => r.id === county.township1)).toBeDefined();
    // Read, not computed again.
    expect(await snapshots.computations(quarter)).toBe(1);

    // A second run the same night (EventBridge's retry) computes nothing again and plans nothing again.
    const again = await handler(scheduledEvent(`gridsafe-${county.tenant}-assessment`), nightly());
    expect(again).toMatchObject({ refreshed: [], plan: { ran: false, created: 0 } });
    expect(await tasks()).toHaveLength(1);
  });
});

describe('the control plane function (functions/platform-api.ts)', () => {
  let handler: HttpHandler;
  const operator = `ep.operator.${Date.now().toString(36)}`;
  let totpSecret: string;
  const platformBase = PLATFORM_API_BASE;
  const invoke = async (event: APIGatewayProxyEventV2) =>
    httpAnswer(await handler(event, lambdaContext('gridsafe-platform-api')));

  beforeAll(async () => {
    // An operator of this file's own: other files seed and sign in the demo operator in the same issuer.
    const seeded = await seedPlatformOperator(api.deps.cellDirectory, {
      username: operator,
      password: TEST_PASSWORD,
    });
    expect(seeded.created).toBe(true);
    totpSecret = seeded.totpSecret ?? '';
    handler = await importBundledHandler('functions/platform-api.ts', functionEnvironment());
  }, 120_000);

  it('signs the vendor operator in with a TOTP code and onboards a county into this cell', async () => {
    const first = await invoke(
      publicHttpApiEvent({
        method: 'POST',
        path: `${platformBase}/session`,
        routeKey: `POST ${platformBase}/session`,
        body: { username: operator, password: TEST_PASSWORD },
      }),
    );
    expect(first.body).toEqual({ challenge: 'SOFTWARE_TOKEN_MFA', session: expect.any(String) });
    const signedIn = await invoke(
      publicHttpApiEvent({
        method: 'POST',
        path: `${platformBase}/session/challenge`,
        routeKey: `POST ${platformBase}/session/challenge`,
        body: { session: first.body.session, code: totpCode(totpSecret) },
      }),
    );
    expect(signedIn.status).toBe(200);
    const token: string = signedIn.body.accessToken;

    const newCounty = uniqueTenant('epc');
    const onboarded = await invoke(
      jwtHttpApiEvent({
        method: 'POST',
        path: `${platformBase}/tenants`,
        routeKey: `ANY ${platformBase}/{proxy+}`,
        token,
        body: {
          id: newCounty,
          name: '颍泉区 · 入口测试',
          divisionCode: '341204',
          cell: CELL,
          admin: { username: 'county.admin' },
        },
      }),
    );
    expect(onboarded.status).toBe(201);
    expect(onboarded.body.tenant).toMatchObject({ id: newCounty, cell: CELL, status: 'active' });

    const listed = await invoke(
      jwtHttpApiEvent({
        method: 'GET',
        path: `${platformBase}/tenants/${newCounty}`,
        routeKey: `ANY ${platformBase}/{proxy+}`,
        token,
      }),
    );
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ id: newCounty, status: 'active', adminUsername: 'county.admin' });
    // The county's first administrator exists in the cell's pool, with the one-time password answered.
    const login = await api.deps.cellDirectory.startLogin(
      poolUsername(newCounty, 'county.admin'),
      onboarded.body.admin.temporaryPassword,
    );
    expect(login).toMatchObject({ challenge: 'NEW_PASSWORD_REQUIRED' });
  });
});

describe('the user-administration function (functions/user-admin.ts)', () => {
  let handler: HttpHandler;
  const username = 'ep.newcomer';
  const countyRole = () => `${COUNTY_ROLE_PREFIX}${county.tenant}`;
  const invoke = async (event: APIGatewayProxyEventV2) =>
    httpAnswer(await handler(event, lambdaContext('gridsafe-user-admin')));
  const signsIn = (password: string) =>
    api.deps.cellDirectory.login(poolUsername(county.tenant, username), password).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    handler = await importBundledHandler('functions/user-admin.ts', functionEnvironment());
  }, 120_000);

  it('creates an account in the county’s part of the pool for the county role IAM named, then disables it', async () => {
    expect(await api.deps.cellDirectory.getUserSub(poolUsername(county.tenant, username))).toBeUndefined();
    const created = await invoke(
      iamHttpApiEvent({
        method: 'POST',
        path: '/v1/users',
        routeKey: 'ANY /v1/users',
        roleName: countyRole(),
        body: { username, password: TEST_PASSWORD, temporary: false, displayName: '入口测试员' },
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ username, sub: expect.any(String) });
    expect(await api.deps.cellDirectory.getUserSub(poolUsername(county.tenant, username))).toBe(
      created.body.sub,
    );
    expect(await signsIn(TEST_PASSWORD)).toBe(true);

    const disabled = await invoke(
      iamHttpApiEvent({
        method: 'PUT',
        path: `/v1/users/${username}/enabled`,
        routeKey: 'ANY /v1/users/{proxy+}',
        roleName: countyRole(),
        body: { enabled: false },
      }),
    );
    expect(disabled.status).toBe(204);
    expect(await signsIn(TEST_PASSWORD)).toBe(false);
  });

  it('refuses a role of another account that bears a county role’s name, and creates nothing', async () => {
    const refused = await invoke(
      iamHttpApiEvent({
        method: 'POST',
        path: '/v1/users',
        routeKey: 'ANY /v1/users',
        roleName: countyRole(),
        account: '111122223333',
        body: { username: 'ep.intruder', password: TEST_PASSWORD, temporary: false },
      }),
    );
    expect(refused.status).toBe(403);
    expect(
      await api.deps.cellDirectory.getUserSub(poolUsername(county.tenant, 'ep.intruder')),
    ).toBeUndefined();
  });
});
