import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueTenant } from '../../support/harness.ts';
import { call, countyClient } from '../../support/reliability/client.ts';
import { type CountyFixture, credentialSweep, foreignIdSweep } from '../../support/reliability/isolation.ts';
import { loadOperations, type OpenApiDocument, type Operation } from '../../support/reliability/openapi-routes.ts';
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

/** The second county has names of its own (对照…), so any of them in an answer to the first is a leak. */
const THERE_SHAPE = {
  name: '对照县 · 隔离测试',
  divisionCode: '341299',
  centre: { lat: 32.9, lng: 115.9 },
  townships: [
    { name: '对照镇', code: '341299100', villages: ['对照一村', '对照二村'] },
    { name: '对照乡', code: '341299200', villages: ['对照三村'] },
  ],
  unitsPerVillage: 2,
};

async function fixture(tenant: string, shape: 'linquan' | typeof THERE_SHAPE): Promise<CountyFixture> {
  const seeded = await api.seed(tenant, shape);
  const token = await api.login(tenant, 'county.admin');
  const admin = countyClient(api.app, tenant, token);
  const points = await admin.all('/risk-points');
  const withPhoto = points.find((p) => p.photos.length > 0);
  if (!withPhoto) throw new Error('the seed made no risk point with a photo');
  const grids = await admin.all(`/grids?within=${seeded.county}`);
  const units = await admin.all('/units');
  const users = await admin.all('/users');
  const departments = (await admin.get('/departments')).body.items as { id: string }[];
  // Collections added after this file was written are picked up when their list answers the admin.
  const more: Record<string, string> = {};
  const extraIds: string[] = [];
  for (const collection of ['hazards', 'patrols', 'notifications']) {
    const page = await admin.get(`/${collection}?limit=100`);
    const items = (page.status === 200 ? page.body.items : []) as { id: string; photos?: { id: string }[] }[];
    if (items[0]) more[collection] = items[0].id;
    extraIds.push(...items.flatMap((item) => [item.id, ...(item.photos ?? []).map((photo) => photo.id)]));
  }
  const secrets = [
    tenant,
    ...grids.map((g) => g.id),
    ...units.map((u) => u.id),
    ...users.flatMap((u) => [u.id, u.sub].filter(Boolean)),
    ...departments.map((d) => d.id),
    ...points.flatMap((p) => [p.id, ...p.photos.map((photo: { id: string }) => photo.id)]),
    ...extraIds,
  ];
  if (shape !== 'linquan') secrets.push('对照');
  return {
    seeded,
    token,
    pointId: withPhoto.id,
    photoId: withPhoto.photos[0].id,
    userId: seeded.user('grid.member'),
    more,
    secrets,
  };
}

/** What the second county looks like from its own admin's seat, to prove the attempts changed nothing. */
async function snapshot(county: CountyFixture) {
  const admin = countyClient(api.app, county.seeded.tenant, county.token);
  return {
    stats: (await admin.get(`/grids/${county.seeded.county}/stats`)).body,
    grid: (await admin.get(`/grids/${county.seeded.village1}`)).body,
    unit: (await admin.get(`/units/${county.seeded.unit(1)}`)).body,
    point: (await admin.get(`/risk-points/${county.pointId}`)).body,
    pointAudit: (await admin.get(`/risk-points/${county.pointId}/audit`)).body.chain,
    users: (await admin.all('/users')).map((u) => [u.id, u.version]),
    departments: (await admin.get('/departments')).body,
    settings: (await admin.get('/settings')).body.version,
  };
}

beforeAll(async () => {
  issuer = await startOwnIssuer();
  const [a, b] = [uniqueTenant('isa'), uniqueTenant('isb')];
  api = buildApi(
    { ...injectedServices(), issuerUrl: issuer.url, issuer: issuer.issuer, jwksUrl: issuer.jwksUrl, userPoolId: issuer.userPoolId, clientId: issuer.clientId },
    { tenants: [a, b] },
  );
  [here, there] = await Promise.all([fixture(a, 'linquan'), fixture(b, THERE_SHAPE)]);
  ({ doc, operations } = await loadOperations(api.app, a));
}, 180_000);

afterAll(async () => {
  await issuer?.stop();
});

describe('isolation between counties', () => {
  it('answers every operation naming another county’s records with 404 or 403, never its data, and changes nothing there', async () => {
    const before = await snapshot(there);
    const report = await foreignIdSweep({ app: api.app, doc, operations, here, there });
    console.info(
      `isolation: ${report.requests} requests over ${operations.filter((o) => !o.public).length} operations; statuses ${JSON.stringify(report.statuses)}${report.genericBodies.length ? `; generic bodies (400) for ${report.genericBodies.join(', ')}` : ''}`,
    );
    expect(report.failures).toEqual([]);
    expect(await snapshot(there)).toEqual(before);
  }, 120_000);

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

describe('bad credentials', () => {
  it('accepts a token re-signed with the issuer’s key (the control for the cases below)', async () => {
    const forger = await tokenForger(issuer);
    const me = await call(api.app, 'GET', `/t/${here.seeded.tenant}/api/v1/me`, { token: await forger.valid(here.token) });
    expect(me.status).toBe(200);
    const otherCounty = await call(api.app, 'GET', `/t/${here.seeded.tenant}/api/v1/me`, {
      token: await forger.forCounty(here.token, there.seeded.tenant),
    });
    expect(otherCounty.status).toBe(403);
  });

  it('answers 401 problem+json with WWW-Authenticate to forged, expired, wrong-issuer, wrong-audience, alg-none and HMAC tokens on every operation', async () => {
    const forger = await tokenForger(issuer);
    const credentials = await forger.badCredentials(here.token);
    const result = await credentialSweep({ app: api.app, doc, operations, here, credentials, expected: 401, secrets: here.secrets });
    console.info(`bad credentials: ${Object.keys(credentials).length} kinds × operations = ${result.requests} requests`);
    expect(Object.keys(credentials).length).toBeGreaterThanOrEqual(25);
    expect(result.failures).toEqual([]);
  }, 120_000);
});
