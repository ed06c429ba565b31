import { createApp, createRuntimeDeps } from '@gridsafe/api';
import { silentLogger } from '@gridsafe/core';
import { ensureTable, TenantStore, RiskPointRepository } from '@gridsafe/db';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { startLocalIssuer } from '../local/local-issuer.ts';
import { freePort } from '../local/ports.ts';
import { countyShape } from './shape.ts';
import { BENCH_ADMIN, BENCH_PASSWORD, seedSyntheticCounty } from './seed-synthetic.ts';

const dynamo = await startDynamoDbLocal({ port: await freePort() });
const issuer = await startLocalIssuer({ port: await freePort() });
const tenant = 'probe';
const deps = createRuntimeDeps({ tableName: 'gridsafe', evidenceBucket: 'b', dynamoEndpoint: dynamo.endpoint, s3Endpoint: 'http://127.0.0.1:1', userPoolId: issuer.userPoolId, userPoolClientId: issuer.clientId, cognitoEndpoint: issuer.url, authIssuer: issuer.issuer, authJwksUrl: issuer.jwksUrl, servesTenant: (t) => t === tenant, logger: silentLogger });
await ensureTable(deps.documentClient, 'gridsafe');
const seeded = await seedSyntheticCounty({ client: deps.documentClient, tableName: 'gridsafe', identity: deps.identity }, tenant, countyShape(Number(process.argv[2] ?? 0.002)), 8, () => {});
const app = createApp(deps);
const login = await app.request(`/t/${tenant}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: BENCH_ADMIN, password: BENCH_PASSWORD }) });
const token = ((await login.json()) as { accessToken: string }).accessToken;
const store = new TenantStore(deps.documentClient, 'gridsafe', tenant);
const repo = new RiskPointRepository(store);
const township = seeded.townshipIds[0]!;
const node = await deps.documentClient.send(new (await import('@aws-sdk/lib-dynamodb')).GetCommand({ TableName: 'gridsafe', Key: { pk: store.key('GRID', township), sk: 'GRID' } }));
const path = String(node.Item?.path);
const time = async (what: string, f: () => Promise<unknown>) => { const s: number[] = []; let r: unknown; for (let i = 0; i < 15; i++) { const t = performance.now(); r = await f(); s.push(performance.now() - t); } s.sort((a, b) => a - b); console.log(what, 'median ms', s[7]!.toFixed(1)); return r; };
for (const [label, color] of [['red', 'red'], ['blue', 'blue']] as const) {
  const page = (await time(`repo.list ${label} limit 50`, () => repo.list({ withinPath: path, color }, { limit: 50 }))) as { items: unknown[] };
  console.log('  items', page.items.length, 'json bytes', JSON.stringify(page).length);
  await time(`API GET /risk-points?grid&color=${label}`, async () => { const r = await app.request(`/t/${tenant}/api/v1/risk-points?grid=${township}&color=${color}`, { headers: { authorization: `Bearer ${token}` } }); return r.text(); });
}
await time('repo.get one point', () => repo.get(seeded.riskPointSample[0]!));
await time('API GET /me', async () => (await app.request(`/t/${tenant}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).text());
await time('API stats county', async () => (await app.request(`/t/${tenant}/api/v1/grids/${seeded.countyId}/stats`, { headers: { authorization: `Bearer ${token}` } })).text());
await time('API units township', async () => (await app.request(`/t/${tenant}/api/v1/units?grid=${township}`, { headers: { authorization: `Bearer ${token}` } })).text());
await issuer.close(); await dynamo.stop();
