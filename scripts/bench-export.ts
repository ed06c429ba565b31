import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createRuntimeDeps } from '@gridsafe/api';
import { silentLogger } from '@gridsafe/core';
import { ensureTable } from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
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
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

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
      console.log(`${message}   load ${load()}`);
    },
    'bulk',
  );
  console.log(
    `seeded ${shape.units} units and ${shape.riskPoints} risk points in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s   load ${load()}`,
  );

  const app = createApp(deps);
  const signIn = async () => {
    const login = await app.request(`/t/${TENANT}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: BENCH_ADMIN, password: BENCH_PASSWORD }),
    });
    if (!login.ok) throw new Error(`signing in answered ${login.status}: ${await login.text()}`);
    return ((await login.json()) as { accessToken: string }).accessToken;
  };
  let accessToken = await signIn();
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const send = () =>
      app.request(`/t/${TENANT}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let response = await send();
    if (response.status === 401) {
      accessToken = await signIn();
      response = await send();
    }
    const answer = (await response.json()) as T;
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };

  for (const format of ['xlsx', 'csv'] as const) {
    const started = performance.now();
    const job = await api<{ id: string }>('POST', '/exports', { kind: 'units', filters: {}, format });
    type Exported = { status: string; processed?: number; rows: number; total?: number; url?: string };
    let progress: Exported;
    let lastReport = 0;
    for (;;) {
      progress = await api<Exported>('GET', `/exports/${job.id}`);
      if (progress.status === 'done' || progress.status === 'failed') break;
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        console.log(
          `  ${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s  ${format}: ${progress.processed ?? 0} of ${progress.total ?? '?'} rows   load ${load()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const seconds = (performance.now() - started) / 1000;
    const file = progress.url ? await fetch(progress.url) : undefined;
    const size = file?.ok ? (await file.arrayBuffer()).byteLength : 0;
    console.log(
      `export ${format.padEnd(5)} ${seconds.toFixed(1).padStart(7)} s   ${(progress.rows / seconds).toFixed(0).padStart(5)} rows/s   ${JSON.stringify({ status: progress.status, rows: progress.rows, total: progress.total, megabytes: +(size / 1048576).toFixed(1) })}   load ${load()}`,
    );
    if (progress.status !== 'done' || progress.rows !== shape.units || size === 0) process.exitCode = 1;
  }
} finally {
  await Promise.allSettled([dynamo.stop(), s3.stop(), issuer.close()]);
  rmSync(s3Dir, { recursive: true, force: true });
}
