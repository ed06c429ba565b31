import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDocumentClient, ensureTable } from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../scripts/local/dynamodb-local.ts';
import { type LocalIssuer, startLocalIssuer } from '../../scripts/local/local-issuer.ts';
import { freePort } from '../../scripts/local/ports.ts';
import { type S3Local, startS3Local } from '../../scripts/local/s3-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    services: {
      dynamoEndpoint: string;
      s3Endpoint: string;
      issuerUrl: string;
      issuer: string;
      jwksUrl: string;
      userPoolId: string;
      clientId: string;
    };
  }
}

// Names shared with test/support/harness.ts (which cannot be imported here: it uses vitest's inject()).
const TABLE = 'gridsafe-test';
const BUCKET = 'gridsafe-test-evidence';
const NEEDS_SERVICES = new Set(['integration']);

/**
 * Starts the real local services once for the whole run: DynamoDB Local (AWS's jar, in memory), the S3
 * server and the local token issuer. Unit and infra tests do not need them, so a run of only those skips it.
 */
export default async function setup(project: TestProject) {
  const wanted = project.vitest.projects.some((p) => NEEDS_SERVICES.has(p.name));
  if (!wanted) return;
  const s3Dir = mkdtempSync(join(tmpdir(), 'gridsafe-s3-'));
  let dynamo: DynamoDbLocal | undefined;
  let s3: S3Local | undefined;
  let issuer: LocalIssuer | undefined;
  try {
    [dynamo, s3, issuer] = await Promise.all([
      freePort().then((port) => startDynamoDbLocal({ port })),
      freePort().then((port) => startS3Local({ port, directory: s3Dir })),
      freePort().then((port) => startLocalIssuer({ port })),
    ]);
  } catch (error) {
    await Promise.allSettled([dynamo?.stop(), s3?.stop(), issuer?.close()]);
    throw error;
  }
  await ensureTable(createDocumentClient({ endpoint: dynamo.endpoint }), TABLE);
  await ensureBucket(createS3Client({ endpoint: s3.endpoint }), BUCKET);
  project.provide('services', {
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    issuerUrl: issuer.url,
    issuer: issuer.issuer,
    jwksUrl: issuer.jwksUrl,
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
  });
  return async () => {
    await Promise.allSettled([dynamo?.stop(), s3?.stop(), issuer?.close()]);
    rmSync(s3Dir, { recursive: true, force: true });
  };
}
