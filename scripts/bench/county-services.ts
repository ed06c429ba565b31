import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntimeDeps } from '@gridsafe/api';
import { silentLogger } from '@gridsafe/core';
import { ensureTable } from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { issuerRuntimeConfig, startLocalIssuer } from '../local/local-issuer.ts';
import { freePort } from '../local/ports.ts';
import { startS3Local } from '../local/s3-local.ts';

export const BENCH_TABLE = 'gridsafe';
export const BENCH_BUCKET = 'bench-evidence';

/**
 * What bench:import and bench:export run one county's app on: DynamoDB Local, the S3 server and the token issuer
 * on free ports, the table and bucket made, and the app's runtime deps serving `tenant` alone. `stop` ends them
 * all and removes the S3 server's directory.
 */
export async function startCountyServices(options: {
  tenant: string;
  /** DynamoDB Local's JVM heap (its default otherwise). */
  heap?: string;
  reportDynamoCalls?: boolean;
}) {
  const s3Dir = mkdtempSync(join(tmpdir(), 'gridsafe-bench-s3-'));
  const [dynamo, s3, issuer] = await Promise.all([
    freePort().then((port) => startDynamoDbLocal({ port, ...(options.heap ? { heap: options.heap } : {}) })),
    freePort().then((port) => startS3Local({ port, directory: s3Dir, buckets: [BENCH_BUCKET] })),
    freePort().then((port) => startLocalIssuer({ port })),
  ]);
  const stop = async () => {
    await Promise.allSettled([dynamo.stop(), s3.stop(), issuer.close()]);
    rmSync(s3Dir, { recursive: true, force: true });
  };
  try {
    const deps = createRuntimeDeps({
      tableName: BENCH_TABLE,
      evidenceBucket: BENCH_BUCKET,
      dynamoEndpoint: dynamo.endpoint,
      s3Endpoint: s3.endpoint,
      ...issuerRuntimeConfig(issuer),
      servesTenant: (tenant) => tenant === options.tenant,
      publicOrigin: 'http://localhost',
      ...(options.reportDynamoCalls ? { reportDynamoCalls: true } : {}),
      logger: silentLogger,
    });
    await ensureTable(deps.documentClient, BENCH_TABLE);
    await ensureBucket(createS3Client({ endpoint: s3.endpoint }), BENCH_BUCKET);
    return { deps, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
