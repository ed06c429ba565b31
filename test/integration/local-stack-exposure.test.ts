import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalIssuer, startLocalIssuer } from '../../scripts/local/local-issuer.ts';
import { freePort } from '../../scripts/local/ports.ts';
import { type S3Local, startS3Local } from '../../scripts/local/s3-local.ts';

/**
 * Issue 21, item 9: the local stack's S3 server (every county's photos, no signature checks) and token issuer are
 * reachable from this machine only, and answer CORS only for the web app's own origin, so a web page a demo user
 * happens to visit can neither list the evidence nor talk to the issuer.
 */
const WEB_ORIGIN = 'http://localhost:3999';
const EVIL_ORIGIN = 'http://evil.example';
const BUCKET = 'exposure-evidence';

let s3: S3Local;
let issuer: LocalIssuer;
let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'gridsafe-exposure-'));
  [s3, issuer] = await Promise.all([
    freePort().then((port) => startS3Local({ port, directory, buckets: [BUCKET], webOrigin: WEB_ORIGIN })),
    freePort().then((port) => startLocalIssuer({ port, webOrigin: WEB_ORIGIN })),
  ]);
  await ensureBucket(createS3Client({ endpoint: s3.endpoint }), BUCKET);
  await fetch(`${s3.endpoint}/${BUCKET}/t/taihe/risk-point/01JD5Y7ZK3QF8W0M2N4P6R8T0V.jpg`, {
    method: 'PUT',
    body: 'photo',
  });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([s3?.stop(), issuer?.close()]);
  rmSync(directory, { recursive: true, force: true });
});

/** This machine's own addresses other than loopback: where a neighbour on the network would knock. */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => address!.address);
}

describe('the local S3 server', () => {
  it('gives a page of another origin no Access-Control-Allow-Origin, for a listing or an upload', async () => {
    const listing = await fetch(`${s3.endpoint}/${BUCKET}?list-type=2`, { headers: { origin: EVIL_ORIGIN } });
    expect(listing.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${s3.endpoint}/${BUCKET}/t/taihe/x.jpg`, {
      method: 'OPTIONS',
      headers: { origin: EVIL_ORIGIN, 'access-control-request-method': 'PUT' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the web app upload with a presigned PUT but not read a listing of the bucket', async () => {
    const preflight = await fetch(`${s3.endpoint}/${BUCKET}/t/taihe/y.jpg`, {
      method: 'OPTIONS',
      headers: {
        origin: WEB_ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('PUT');
    const upload = await fetch(`${s3.endpoint}/${BUCKET}/t/taihe/y.jpg`, {
      method: 'PUT',
      headers: { origin: WEB_ORIGIN, 'content-type': 'image/jpeg' },
      body: 'photo',
    });
    expect(upload.status).toBe(200);
    expect(upload.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);

    for (const path of [`/${BUCKET}`, `/${BUCKET}?list-type=2&prefix=t/`, '/']) {
      const listing = await fetch(`${s3.endpoint}${path}`, { headers: { origin: WEB_ORIGIN } });
      expect(listing.headers.get('access-control-allow-origin'), path).toBeNull();
    }
    const listPreflight = await fetch(`${s3.endpoint}/${BUCKET}`, {
      method: 'OPTIONS',
      headers: { origin: WEB_ORIGIN, 'access-control-request-method': 'GET' },
    });
    expect(listPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('listens on loopback only', async () => {
    expect(new URL(s3.endpoint).hostname).toBe('127.0.0.1');
    const port = new URL(s3.endpoint).port;
    for (const address of lanAddresses()) {
      await expect(
        fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(2_000) }),
      ).rejects.toThrow();
    }
  });
});

describe('the local token issuer', () => {
  it('answers CORS for the web app’s origin and for no other', async () => {
    const jwks = `${issuer.jwksUrl}`;
    const evil = await fetch(jwks, { headers: { origin: EVIL_ORIGIN } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPreflight = await fetch(issuer.url, {
      method: 'OPTIONS',
      headers: { origin: EVIL_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
    const own = await fetch(jwks, { headers: { origin: WEB_ORIGIN } });
    expect(own.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
  });

  it('listens on loopback only', async () => {
    expect(new URL(issuer.url).hostname).toBe('127.0.0.1');
    const port = new URL(issuer.url).port;
    for (const address of lanAddresses()) {
      await expect(
        fetch(`http://${address}:${port}/health`, { signal: AbortSignal.timeout(2_000) }),
      ).rejects.toThrow();
    }
  });
});
