import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, uniqueTenant } from '../../support/harness.ts';
import { call } from '../../support/reliability/client.ts';
import {
  type CountyFixture,
  credentialSweep,
  foreignIdSweep,
  isolationFixture,
  pathValuesOf,
  snapshotCounty,
  THERE_SHAPE,
} from '../../support/reliability/isolation.ts';
import {
  fillPath,
  loadOperations,
  type OpenApiDocument,
  type Operation,
} from '../../support/reliability/openapi-routes.ts';
import { injectedServices } from '../../support/reliability/services.ts';
import { buildApi, type ReliabilityApi, startOwnIssuer } from '../../support/reliability/stack.ts';
import { tokenForger } from '../../support/reliability/tokens.ts';

/**
 * Nobody in where they don't belong: every documented operation, tried by one county's admin with the other
 * county's ids, with the other county's token, and with every kind of bad token. The token issuer is this
 * file's own, so the tests can sign expired or wrong-audience tokens with the real key.
 */
let issuer: Awaited<ReturnType<typeof startOwnIssuer>>;
let api: ReliabilityApi;
let doc: OpenApiDocument;
let operations: Operation[];
let here: CountyFixture;
let there: CountyFixture;

beforeAll(async () => {
  issuer = await startOwnIssuer();
  const [a, b] = [uniqueTenant('isa'), uniqueTenant('isb')];
  api = buildApi(
    {
      ...injectedServices(),
      issuerUrl: issuer.url,
      issuer: issuer.issuer,
      jwksUrl: issuer.jwksUrl,
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
    },
    { tenants: [a, b] },
  );
  [here, there] = await Promise.all([
    isolationFixture(api, a, 'linquan'),
    isolationFixture(api, b, THERE_SHAPE),
  ]);
  ({ doc, operations } = await loadOperations(api.app, a));
}, 180_000);

afterAll(async () => {
  await issuer?.stop();
});

describe('isolation between counties', () => {
  it('answers every operation naming another county’s records with 404 or 403, never its data, and changes nothing there', async () => {
    const before = await snapshotCounty(api, there);
    const report = await foreignIdSweep({ app: api.app, doc, operations, here, there });
    console.info(
      `isolation: ${report.requests} requests over ${operations.filter((o) => !o.public).length} operations; statuses ${JSON.stringify(report.statuses)}${report.genericBodies.length ? `; generic bodies (400) for ${report.genericBodies.join(', ')}` : ''}`,
    );
    expect(report.failures).toEqual([]);
    expect(await snapshotCounty(api, there)).toEqual(before);
  }, 120_000);

  it('answers the public operations (auth-config, health, openapi, the notice board) without anything of the other county', async () => {
    const publicOps = operations.filter((o) => o.public && o.method === 'GET');
    expect(publicOps.map((o) => o.path)).toContain('/auth-config');
    expect(publicOps.map((o) => o.path)).toContain('/public/risk-points/{id}');
    for (const op of publicOps) {
      // A public record named by the other county's id is not found here (the notice board behind a QR code).
      const path = op.path.replace('{id}', there.pointId);
      const answer = await call(api.app, 'GET', `/t/${here.seeded.tenant}/api/v1${path}`);
      // A county whose people sign in at an issuer of the cell's publishes no token keys of its own (a county
      // directory's keys are checked below).
      const issuesNoTokens = path.startsWith('/.well-known/');
      expect(answer.status, op.name).toBe(path === op.path && !issuesNoTokens ? 200 : 404);
      expect(
        there.secrets.filter((secret) => answer.text.includes(secret)),
        op.name,
      ).toEqual([]);
    }
  });

  it('refuses a valid token of another county with 403 on every operation', async () => {
    const result = await credentialSweep({
      app: api.app,
      doc,
      operations,
      here,
      credentials: { 'the other county’s admin token': `Bearer ${there.token}` },
      expected: 403,
      secrets: here.secrets,
    });
    expect(result.requests).toBeGreaterThanOrEqual(35);
    expect(result.failures).toEqual([]);
  }, 60_000);
});

describe("counties' own directories", () => {
  it("publishes each county's own token keys only, and refuses the other county's token at its door", async () => {
    const [a, b] = [uniqueTenant('isda'), uniqueTenant('isdb')];
    const directories = await startTestApi({ tenants: [a, b], identity: 'county-directory' });
    const tokenOf = async (tenant: string) => {
      await directories.createUser(tenant, 'iso.admin', 'county_admin');
      return directories.login(tenant, 'iso.admin');
    };
    const [tokenA, tokenB] = [await tokenOf(a), await tokenOf(b)];
    const keysOf = async (tenant: string) => {
      const answer = await call(directories.app, 'GET', `/t/${tenant}/api/v1/.well-known/jwks.json`);
      expect(answer.status).toBe(200);
      return (JSON.parse(answer.text) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    };
    const [keysA, keysB] = [await keysOf(a), await keysOf(b)];
    expect(keysA.every((kid) => kid.startsWith(`${a}.`))).toBe(true);
    expect(keysB.every((kid) => kid.startsWith(`${b}.`))).toBe(true);
    const crossed = await call(directories.app, 'GET', `/t/${b}/api/v1/me`, { token: tokenA });
    expect(crossed.status).toBe(401);
    const own = await call(directories.app, 'GET', `/t/${b}/api/v1/me`, { token: tokenB });
    expect(own.status).toBe(200);
  });
});

describe('paging cursors between counties', () => {
  it('refuses the other county’s cursor on every list with 400 naming query.cursor', async () => {
    const lists = operations.filter(
      (op) => !op.public && op.method === 'GET' && op.query.some((q) => q.name === 'cursor'),
    );
    const tried: string[] = [];
    for (const op of lists) {
      const theirs = await call(
        api.app,
        'GET',
        `/t/${there.seeded.tenant}/api/v1${fillPath(op.path, pathValuesOf(op, there))}?limit=1`,
        { token: there.token },
      );
      const cursor = theirs.body?.nextCursor;
      if (typeof cursor !== 'string') continue;
      tried.push(op.name);
      const ours = await call(
        api.app,
        'GET',
        `/t/${here.seeded.tenant}/api/v1${fillPath(op.path, pathValuesOf(op, here))}?limit=1&cursor=${encodeURIComponent(cursor)}`,
        { token: here.token },
      );
      expect(ours.status, op.name).toBe(400);
      expect(
        ours.body.errors.map((e: { path: string }) => e.path),
        op.name,
      ).toEqual(['query.cursor']);
    }
    // The county-wide lists an admin pages without a filter: units, risk points, hazards, users at least.
    expect(tried.length, tried.join(', ')).toBeGreaterThanOrEqual(4);
  }, 60_000);
});

describe('bad credentials', () => {
  it('accepts a token re-signed with the issuer’s key (the control for the cases below)', async () => {
    const forger = await tokenForger(issuer);
    const me = await call(api.app, 'GET', `/t/${here.seeded.tenant}/api/v1/me`, {
      token: await forger.valid(here.token),
    });
    expect(me.status).toBe(200);
    const otherCounty = await call(api.app, 'GET', `/t/${here.seeded.tenant}/api/v1/me`, {
      token: await forger.forCounty(here.token, there.seeded.tenant),
    });
    expect(otherCounty.status).toBe(403);
  });

  it('answers 401 problem+json with WWW-Authenticate to forged, expired, wrong-issuer, wrong-audience, alg-none and HMAC tokens on every operation', async () => {
    const forger = await tokenForger(issuer);
    const credentials = await forger.badCredentials(here.token);
    const result = await credentialSweep({
      app: api.app,
      doc,
      operations,
      here,
      credentials,
      expected: 401,
      secrets: here.secrets,
    });
    console.info(
      `bad credentials: ${Object.keys(credentials).length} kinds × operations = ${result.requests} requests`,
    );
    expect(Object.keys(credentials).length).toBeGreaterThanOrEqual(25);
    expect(result.failures).toEqual([]);
  }, 120_000);
});
