import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@gridsafe/core';
import { createDocumentClient, ensureTable } from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../scripts/local/dynamodb-local.ts';
import { type LocalIssuer, startLocalIssuer } from '../../scripts/local/local-issuer.ts';
import { freePort } from '../../scripts/local/ports.ts';
import { type S3Local, startS3Local } from '../../scripts/local/s3-local.ts';
import {
  LocalCountyKeys,
  startUserAdminFront,
  type UserAdminFront,
} from '../../scripts/local/user-admin-front.ts';

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
      /** The cell's user-administration service behind its SigV4-checking front. */
      userAdminUrl: string;
      userAdminRegion: string;
      /** Derives each county's local signing key (LocalCountyKeys). */
      userAdminStackSecret: string;
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
  // Each service is remembered as soon as it is up, so a failure anywhere below (another service not
  // starting, the table or bucket not being made) stops the ones already running: a Java process left
  // behind by a failed setup outlives the run on a shared CI machine.
  let dynamo: DynamoDbLocal | undefined;
  let s3: S3Local | undefined;
  let issuer: LocalIssuer | undefined;
  let userAdmin: UserAdminFront | undefined;
  const keys = LocalCountyKeys.generate();
  const stopAll = async () => {
    await Promise.allSettled([dynamo?.stop(), s3?.stop(), issuer?.close(), userAdmin?.close()]);
    rmSync(s3Dir, { recursive: true, force: true });
  };
  try {
    const started = await Promise.allSettled([
      freePort()
        .then((port) => startDynamoDbLocal({ port }))
        .then((service) => (dynamo = service)),
      freePort()
        .then((port) => startS3Local({ port, directory: s3Dir }))
        .then((service) => (s3 = service)),
      freePort()
        // Operators must have TOTP, as the vendor's operator pool requires in AWS.
        .then((port) => startLocalIssuer({ port, mfaRequiredForPrefixes: ['@platform:'] }))
        .then((service) => (issuer = service)),
    ]);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    if (!dynamo || !s3 || !issuer) throw new Error('a local service did not start');
    const localIssuer = issuer;
    userAdmin = await freePort().then((port) =>
      startUserAdminFront({
        port,
        keys,
        cognitoEndpoint: localIssuer.url,
        userPoolId: localIssuer.userPoolId,
        userPoolClientId: localIssuer.clientId,
        logger: silentLogger,
      }),
    );
    await ensureTable(createDocumentClient({ endpoint: dynamo.endpoint }), TABLE);
    await ensureBucket(createS3Client({ endpoint: s3.endpoint }), BUCKET);
  } catch (error) {
    await stopAll();
    throw error;
  }
  if (!userAdmin) throw new Error('the user-administration front did not start');
  project.provide('services', {
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    issuerUrl: issuer.url,
    issuer: issuer.issuer,
    jwksUrl: issuer.jwksUrl,
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    userAdminUrl: userAdmin.url,
    userAdminRegion: userAdmin.region,
    userAdminStackSecret: keys.secret,
  });
  return stopAll;
}
