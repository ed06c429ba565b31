import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createRuntimeDeps } from '@gridsafe/api';
import { silentLogger } from '@gridsafe/core';
import { ensureTable } from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import { countyClient, exportUnitRegister, loadText } from './bench/county-client.ts';
import { BENCH_ADMIN, BENCH_PASSWORD, seedSyntheticCounty } from './bench/seed-synthetic.ts';
import { countyShape } from './bench/shape.ts';
import { startDynamoDbLocal } from './local/dynamodb-local.ts';
import { startLocalIssuer } from './local/local-issuer.ts';
import { freePort } from './local/ports.ts';
import { startS3Local } from './local/s3-local.ts';

/**
 * The export job at a county's size: a synthetic county of `--scale` of Nanjing (320,000 units at 1) seeded by the
 * benchmark's bulk writer, then its whole unit register exported through the API as .xlsx and as CSV
 * (`POST /exports`, `GET /exports/{id}` until done, the file fetched from its link), the job running in the app's
 * process as it does locally. bench:import's `--export` does the same after an import, whose search postings (about an
 * hour at 320,000 rows here) keep DynamoDB Local busy meanwhile; this one starts from a county already written.
 * Each county has one risk point per unit here (the register exported is the units'), which halves the seed.
 *
 *   node scripts/run.mjs scripts/bench-export.ts [--scale 1]
 */
const scaleArg = process.argv.indexOf('--scale');
const SCALE = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
const TENANT = 'benchexport';
const BUCKET = 'bench-evidence';

const s3Dir = mkdtempSync(join(tmpdir(), 'gridsafe-bench-s3-'));
const [dynamo, s3, issuer] = await Promise.all([
  freePort().then((port) => startDynamoDbLocal({ port, heap: '6g' })),
  freePort().then((port) => startS3Local({ port, directory: s3Dir, buckets: [BUCKET] })),
  freePort().then((port) => startLocalIssuer({ port })),
]);
try {
  const deps = createRuntimeDeps({
    tableName: 'gridsafe',
    evidenceBucket: BUCKET,
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    userPoolId: issuer.userPoolId,
    userPoolClientId: issuer.clientId,
    cognitoEndpoint: issuer.url,
    authIssuer: issuer.issuer,
    authJwksUrl: issuer.jwksUrl,
    servesTenant: (tenant) => tenant === TENANT,
    publicOrigin: 'http://localhost',
    logger: silentLogger,
  });
  await ensureTable(deps.documentClient, 'gridsafe');
  await ensureBucket(createS3Client({ endpoint: s3.endpoint }), BUCKET);
  const full = countyShape(SCALE);
  const shape = { ...full, riskPoints: full.units };
  const seedStarted = performance.now();
  let lastLog = 0;
  await seedSyntheticCounty(
    { client: deps.documentClient, tableName: 'gridsafe', identity: deps.identity },
    TENANT,
    shape,
    8,
    (message) => {
      if (performance.now() - lastLog < 30_000) return;
      lastLog = performance.now();
      console.log(`${message}   load ${loadText()}`);
    },
    'bulk',
  );
  console.log(
    `seeded ${shape.units} units and ${shape.riskPoints} risk points in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s   load ${loadText()}`,
  );

  const api = await countyClient(createApp(deps), TENANT, {
    username: BENCH_ADMIN,
    password: BENCH_PASSWORD,
  });
  for (const format of ['xlsx', 'csv'] as const) {
    const exported = await exportUnitRegister(api, format);
    if (exported.status !== 'done' || exported.rows !== shape.units || exported.bytes === 0)
      process.exitCode = 1;
  }
} finally {
  await Promise.allSettled([dynamo.stop(), s3.stop(), issuer.close()]);
  rmSync(s3Dir, { recursive: true, force: true });
}
