import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { creditCodeCheckChar, orgCodeCheckChar } from '@gridsafe/core';
import { freePort } from '../../scripts/local/ports.ts';
import { type LocalStack, startLocalStack } from '../../scripts/local/stack.ts';
import { DEMO_PASSWORD } from './browser.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface E2eStack extends LocalStack {
  /** Logs in through the real API and returns an access token (tests prepare data with it). */
  token(username: string, tenant?: string): Promise<string>;
  /** Calls the county API with a token; answers status and parsed JSON. */
  api<T = unknown>(token: string, method: string, path: string, body?: unknown, tenant?: string): Promise<{ status: number; body: T }>;
}

/**
 * The real product as `npm start` runs it (API + built web app on one origin, DynamoDB Local, S3 server,
 * token issuer, demo counties seeded), on free ports and in a temporary directory, so browser tests never
 * touch .data/ or a running `npm start`.
 */
export async function startE2eStack(): Promise<E2eStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridsafe-e2e-'));
  const [port, dynamoPort, s3Port, issuerPort] = (await distinctFreePorts(4)) as [number, number, number, number];
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      root,
      host: '127.0.0.1',
      port,
      dynamoPort,
      s3Port,
      issuerPort,
      dataDir,
      tableName: 'gridsafe',
      bucket: 'gridsafe-evidence',
      region: 'cn-north-1',
      buildWeb: true,
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const api = async <T>(token: string, method: string, path: string, body?: unknown, tenant = 'taihe') => {
    const response = await fetch(`${stack.url}/t/${tenant}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const token = async (username: string, tenant = 'taihe') => {
    const response = await fetch(`${stack.url}/t/${tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  };
  return {
    ...stack,
    token,
    api,
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** freePort() may hand out the same port twice when asked in quick succession; ask until they differ. */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

let codes = 0;
/** A unified social credit code that passes both check characters, different on every call (Taihe's division). */
export function validCreditCode(): string {
  codes += 1;
  const body = `E2E${String(Date.now() % 1000).padStart(3, '0')}${String(codes).padStart(2, '0')}`;
  const first16 = `91341222${body}${orgCodeCheckChar(body)}`;
  return `${first16}${creditCodeCheckChar(first16)}`;
}
