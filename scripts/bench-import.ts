import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createRuntimeDeps } from '@gridsafe/api';
import { DEFAULT_PROVIDER_ID, makeCreditCode, silentLogger } from '@gridsafe/core';
import { vendorKnowledgeBase } from '@gridsafe/core/vendor-knowledge';
import { ensureTable } from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import iconv from 'iconv-lite';
import { startDynamoDbLocal } from './local/dynamodb-local.ts';
import { startLocalIssuer } from './local/local-issuer.ts';
import { freePort } from './local/ports.ts';
import { startS3Local } from './local/s3-local.ts';
import { DEMO_PASSWORD, TAIHE } from './seed/demo-data.ts';
import { seedDemoCounty } from './seed/seed-demo.ts';

/**
 * The unit import at Taihe's size: 8,500 units (Taihe's count) in one GB18030 spreadsheet, imported into a
 * fresh county through the real API and DynamoDB Local, then imported again (nothing should change).
 *
 *   node scripts/run.mjs scripts/bench-import.ts [--rows 8500]
 */
const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 8500;
const s3Dir = mkdtempSync(join(tmpdir(), 'gridsafe-bench-s3-'));
const [dynamo, s3, issuer] = await Promise.all([
  freePort().then((port) => startDynamoDbLocal({ port })),
  freePort().then((port) => startS3Local({ port, directory: s3Dir, buckets: ['bench-evidence'] })),
  freePort().then((port) => startLocalIssuer({ port })),
]);
try {
  const deps = createRuntimeDeps({
    tableName: 'gridsafe',
    evidenceBucket: 'bench-evidence',
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    userPoolId: issuer.userPoolId,
    userPoolClientId: issuer.clientId,
    cognitoEndpoint: issuer.url,
    authIssuer: issuer.issuer,
    authJwksUrl: issuer.jwksUrl,
    servesTenant: (tenant) => tenant === 'taihe',
    publicOrigin: 'http://localhost',
    reportDynamoCalls: true,
    logger: silentLogger,
  });
  await ensureTable(deps.documentClient, 'gridsafe');
  const s3Client = createS3Client({ endpoint: s3.endpoint });
  await ensureBucket(s3Client, 'bench-evidence');
  await seedDemoCounty(
    {
      client: deps.documentClient,
      tableName: 'gridsafe',
      identity: deps.identity,
      passwordProvider: deps.passwordProvider ?? DEFAULT_PROVIDER_ID,
    },
    TAIHE,
  );
  const app = createApp(deps);
  const login = await app.request('/t/taihe/api/v1/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'county.admin', password: DEMO_PASSWORD }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };

  const villages = TAIHE.townships.flatMap((t) => t.villages.map((v) => [t.name, v] as const));
  const industries = vendorKnowledgeBase.industries.map((i) => i.name);
  const lines = ['单位名称,统一社会信用代码,行业,乡镇,村/社区,地址,联系人,联系电话'];
  for (let i = 0; i < ROWS; i++) {
    const [township, village] = villages[i % villages.length]!;
    lines.push(
      [
        `太和县测试企业${i + 1}号`,
        makeCreditCode('91341222', 100_000 + i),
        industries[i % industries.length],
        township,
        village,
        `${village}${i}号`,
        '张三',
        '13800000000',
      ].join(','),
    );
  }
  const bytes = Uint8Array.from(iconv.encode(`${lines.join('\r\n')}\r\n`, 'gb18030'));

  const run = async (label: string) => {
    const started = performance.now();
    const response = await app.request('/t/taihe/api/v1/units/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'text/csv' },
      body: bytes,
    });
    const seconds = (performance.now() - started) / 1000;
    const body = (await response.json()) as { summary: Record<string, number> };
    console.log(
      `${label.padEnd(16)} ${seconds.toFixed(1).padStart(6)} s   ${(ROWS / seconds).toFixed(0).padStart(5)} rows/s   ${JSON.stringify(body.summary)}`,
    );
    return seconds;
  };
  console.log(
    `Importing ${ROWS} units (${(bytes.byteLength / 1024).toFixed(0)} KB of GB18030) into DynamoDB Local`,
  );
  const first = await run('first import');
  await run('same file again');
  if (first > 60) {
    console.error(`Budget broken: the first import took ${first.toFixed(1)} s (budget 60 s).`);
    process.exitCode = 1;
  }
} finally {
  await Promise.allSettled([dynamo.stop(), s3.stop(), issuer.close()]);
  rmSync(s3Dir, { recursive: true, force: true });
}
