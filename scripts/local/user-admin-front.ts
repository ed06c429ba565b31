import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { createUserAdminApp, createUserAdminRuntimeDeps } from '@gridsafe/api/user-admin';
import type { Logger } from '@gridsafe/core';
import { Sha256, type SigningCredentials } from '@gridsafe/identity';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The user-administration service on one machine, behind a front that does what IAM does in AWS: checks
 * each request's SigV4 signature with the secret of its access key, and hands the app the role that key
 * belongs to. Each county has a key of its own, so a county's credentials can act for no other county.
 */

/** What stands in for the cell's account and county API role names (infra: countyApiRoleName). */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_COUNTY_ROLE_PREFIX = 'gridsafe-local-county-';
export const LOCAL_REGION = 'local';
/** API Gateway refuses a signature dated more than 5 minutes from its clock; so does the front. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const ACCESS_KEY_PREFIX = 'GSLOCAL';

/**
 * Local county credentials. Each key's secret is an HMAC of its access key id under one secret of the stack
 * (kept in `.data/user-admin/` for `npm start`, in memory for a test run), so a county's key can be handed
 * out to any process of the stack without a shared table of keys, and nobody without that secret can make one.
 */
export class LocalCountyKeys {
  constructor(private readonly stackSecret: string) {}

  static generate(): LocalCountyKeys {
    return new LocalCountyKeys(randomBytes(32).toString('base64url'));
  }

  /** The stack's secret from `dir`, made on first use. */
  static persistent(dir: string): LocalCountyKeys {
    const file = join(dir, 'stack-secret');
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
    }
    return new LocalCountyKeys(readFileSync(file, 'utf8').trim());
  }

  get secret(): string {
    return this.stackSecret;
  }

  forTenant(tenant: string): SigningCredentials {
    const accessKeyId = `${ACCESS_KEY_PREFIX}${tenant.toUpperCase()}`;
    return { accessKeyId, secretAccessKey: this.secretOf(accessKeyId) };
  }

  /** The county of an access key id, or undefined for a key this stack never issued. */
  tenantOf(accessKeyId: string): string | undefined {
    if (!accessKeyId.startsWith(ACCESS_KEY_PREFIX)) return undefined;
    const tenant = accessKeyId.slice(ACCESS_KEY_PREFIX.length).toLowerCase();
    return /^[a-z][a-z0-9]{1,31}$/.test(tenant) ? tenant : undefined;
  }

  secretOf(accessKeyId: string): string {
    return createHmac('sha256', this.stackSecret).update(accessKeyId).digest('base64url');
  }
}

export interface UserAdminFrontOptions {
  port: number;
  host?: string;
  keys: LocalCountyKeys;
  /** The local Cognito-protocol issuer. */
  cognitoEndpoint: string;
  userPoolId: string;
  userPoolClientId: string;
  logger: Logger;
  now?: () => number;
}

export interface UserAdminFront {
  url: string;
  region: string;
  close(): Promise<void>;
}

export async function startUserAdminFront(options: UserAdminFrontOptions): Promise<UserAdminFront> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const app = createUserAdminApp(
    createUserAdminRuntimeDeps({
      userPoolId: options.userPoolId,
      userPoolClientId: options.userPoolClientId,
      cognitoEndpoint: options.cognitoEndpoint,
      callers: { account: LOCAL_ACCOUNT, rolePrefix: LOCAL_COUNTY_ROLE_PREFIX },
      logger: options.logger,
    }),
  );

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const tenant = await verifiedTenant(req, body, options.keys, now());
      if (!tenant) {
        // API Gateway's own answer to a request IAM refuses.
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Forbidden' }));
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      const response = await app.fetch(
        new Request(`http://${req.headers.host}${req.url}`, {
          method: req.method ?? 'GET',
          headers,
          ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
        }),
        {
          requestContext: {
            authorizer: {
              iam: {
                userArn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/${LOCAL_COUNTY_ROLE_PREFIX}${tenant}/local`,
              },
            },
          },
        },
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      options.logger.error('user-admin front failed', { error });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  return {
    url: `http://${host}:${options.port}`,
    region: LOCAL_REGION,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/execute-api\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * The county whose key signed this request, or undefined. The signature is computed again from the request
 * as received (method, path, query, the signed headers, the body's hash) with the key's secret, as IAM does.
 */
async function verifiedTenant(
  req: IncomingMessage,
  body: Buffer,
  keys: LocalCountyKeys,
  now: number,
): Promise<string | undefined> {
  const match = AUTHORIZATION.exec(String(req.headers.authorization ?? ''));
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!match || !/^\d{8}T\d{6}Z$/.test(amzDate)) return undefined;
  const [, accessKeyId = '', scopeDate, region = '', signedHeaderList = '', signature = ''] = match;
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (!Number.isFinite(signedAt) || Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) return undefined;
  if (scopeDate !== amzDate.slice(0, 8) || region !== LOCAL_REGION) return undefined;
  const tenant = keys.tenantOf(accessKeyId);
  if (!tenant) return undefined;
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return undefined;

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (typeof value !== 'string') return undefined;
    headers[name] = value;
  }
  // The signer takes a present x-amz-content-sha256 as the body's hash; it must be the body's real hash.
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(body).digest('hex'))
    return undefined;
  const url = new URL(req.url ?? '/', 'http://front');
  const signer = new SignatureV4({
    service: 'execute-api',
    region,
    credentials: { accessKeyId, secretAccessKey: keys.secretOf(accessKeyId) },
    sha256: Sha256,
  });
  const expected = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    },
    { signingDate: new Date(signedAt) },
  );
  const expectedSignature =
    /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? '';
  const a = Buffer.from(expectedSignature);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b) ? tenant : undefined;
}

/** A bounded read: the service's requests are a few hundred bytes. */
function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
