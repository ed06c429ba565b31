import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, createRuntimeDeps } from '@gridsafe/api';
import { createJsonLogger } from '@gridsafe/core';
import { ensureTable, TableMismatchError, TenantRegistry } from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import { localStackConfig } from './local/config.ts';
import { JavaMissingError, startDynamoDbLocal, assertJavaAvailable } from './local/dynamodb-local.ts';
import { startLocalIssuer } from './local/local-issuer.ts';
import { startNodeServer } from './local/node-server.ts';
import { assertPortFree, PortBusyError } from './local/ports.ts';
import { startS3Local } from './local/s3-local.ts';
import { DEMO_PASSWORD, LINQUAN, TAIHE } from './seed/demo-data.ts';
import { seedDemoCounty } from './seed/seed-demo.ts';

/**
 * `npm start`: the whole product on one machine. DynamoDB Local (AWS's jar), a local S3 server, the local
 * token issuer, and the API + web app on one origin; the demo counties seeded once; data kept in .data/.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stoppers: (() => Promise<void>)[] = [];
let stopping = false;

async function main() {
  const config = localStackConfig(root);
  assertJavaAvailable();
  await Promise.all([
    assertPortFree(config.port, config.host, 'web + API', 'GRIDSAFE_PORT'),
    assertPortFree(config.dynamoPort, config.host, 'DynamoDB Local', 'GRIDSAFE_DYNAMODB_PORT'),
    assertPortFree(config.s3Port, config.host, 'S3 server', 'GRIDSAFE_S3_PORT'),
    assertPortFree(config.issuerPort, config.host, 'token issuer', 'GRIDSAFE_ISSUER_PORT'),
  ]);
  mkdirSync(config.dynamoDir, { recursive: true });

  step('Starting DynamoDB Local, the S3 server and the token issuer');
  const dynamo = await startDynamoDbLocal({ port: config.dynamoPort, dbPath: config.dynamoDir, host: config.host });
  stoppers.push(dynamo.stop);
  dynamo.process.once('exit', (code) => {
    if (!stopping) fail(`DynamoDB Local stopped unexpectedly (exit code ${code}). Run \`npm start\` again; if it keeps failing, see docs/local-stack.md.`);
  });
  const s3 = await startS3Local({ port: config.s3Port, directory: config.s3Dir, host: config.host, buckets: [config.bucket] });
  stoppers.push(s3.stop);
  const issuer = await startLocalIssuer({ port: config.issuerPort, host: config.host, dataDir: config.issuerDir });
  stoppers.push(issuer.close);

  const logger = createJsonLogger({ service: 'gridsafe-local' }, process.env.GRIDSAFE_LOG_LEVEL === 'debug' ? 'debug' : 'warn');
  const tenantCache = new Map<string, { active: boolean; at: number }>();
  let registry: TenantRegistry | undefined;
  const deps = createRuntimeDeps({
    tableName: config.tableName,
    evidenceBucket: config.bucket,
    region: config.region,
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    userPoolId: issuer.userPoolId,
    userPoolClientId: issuer.clientId,
    cognitoEndpoint: issuer.url,
    authIssuer: issuer.issuer,
    authJwksUrl: issuer.jwksUrl,
    // The local stack serves every active county in the registry (in AWS each stack serves exactly one).
    servesTenant: async (tenant) => {
      const cached = tenantCache.get(tenant);
      if (cached && Date.now() - cached.at < 10_000) return cached.active;
      const record = await registry?.get(tenant);
      const active = record?.status === 'active';
      tenantCache.set(tenant, { active, at: Date.now() });
      return active;
    },
    logger,
  });
  registry = new TenantRegistry(deps.documentClient, config.tableName);

  step('Checking the table and the evidence bucket');
  try {
    await ensureTable(deps.documentClient, config.tableName);
  } catch (error) {
    if (error instanceof TableMismatchError) {
      fail(`${error.message}\nTo start over with a fresh demo, run \`npm run reset\` (it asks before deleting ${config.dataDir}).`);
    }
    throw error;
  }
  await ensureBucket(createS3Client({ endpoint: s3.endpoint, region: config.region }), config.bucket);

  step('Seeding the demo counties (only what is missing)');
  for (const county of [TAIHE, LINQUAN]) {
    const report = await seedDemoCounty({ client: deps.documentClient, tableName: config.tableName, identity: deps.identity }, county);
    console.log(`  ${county.tenant}: ${report.created} records created, ${report.present} already there`);
  }

  const webDist = join(root, 'web', 'dist');
  buildWebIfStale(webDist);
  const server = await startNodeServer({ app: createApp(deps) as never, port: config.port, host: config.host, webDist });
  stoppers.unshift(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  );

  const url = `http://${config.host === '127.0.0.1' ? 'localhost' : config.host}:${config.port}`;
  console.log(`
Gridsafe is running at ${url}
  County API:   ${url}/t/taihe/api/v1   (health: ${url}/t/taihe/api/v1/health, docs: ${url}/t/taihe/api/v1/openapi.json)
  Demo counties: taihe (太和县 · 演示), linquan (临泉县 · 演示)
  Logins (password ${DEMO_PASSWORD}), the same usernames in both counties:
    county.admin       county safety bureau (sees the whole county)
    dept.officer       industry department (县应急管理局)
    township.officer   township officer (城关镇)
    grid.member        village grid member (东关社区)
    unit.manager       safety manager of a unit in that village
  Data is kept in ${config.dataDir}. Press Ctrl-C to stop everything.
`);
}

function buildWebIfStale(webDist: string) {
  const webSrc = join(root, 'web');
  if (!existsSync(join(webSrc, 'index.html'))) return;
  const built = existsSync(join(webDist, 'index.html')) ? statSync(join(webDist, 'index.html')).mtimeMs : 0;
  if (built > 0 && newestMtime(join(webSrc, 'src')) < built && statSync(join(webSrc, 'index.html')).mtimeMs < built) return;
  step('Building the web app');
  const result = spawnSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], { cwd: webSrc, stdio: 'inherit' });
  if (result.status !== 0) fail('Building the web app failed (see above).');
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function step(message: string) {
  console.log(`• ${message}`);
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const stop of stoppers) await stop().catch(() => undefined);
  process.exit(code);
}

function fail(message: string): never {
  console.error(`\n✖ ${message}`);
  void shutdown(1);
  throw new StopError();
}

class StopError extends Error {}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!stopping) console.log('\nStopping Gridsafe ...');
    void shutdown(0);
  });
}

main().catch((error: unknown) => {
  if (error instanceof StopError) return;
  if (error instanceof JavaMissingError || error instanceof PortBusyError) {
    console.error(`\n✖ ${error.message}`);
  } else {
    console.error('\n✖ Gridsafe could not start:', error);
  }
  void shutdown(1);
});
