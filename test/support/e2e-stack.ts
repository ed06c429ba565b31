import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { creditCodeCheckChar, orgCodeCheckChar } from '@gridsafe/core';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../scripts/local/ports.ts';
import { type LocalStack, startLocalStack } from '../../scripts/local/stack.ts';
import { DEMO_PASSWORD } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eStack: { url: string };
  }
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface E2eClient {
  url: string;
  /** Logs in through the real API and returns an access token (tests prepare data with it). */
  token(username: string, tenant?: string): Promise<string>;
  /** Calls the county API with a token; answers status and parsed JSON. */
  api<T = unknown>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    tenant?: string,
  ): Promise<{ status: number; body: T }>;
}

/**
 * The real product as `npm start` runs it (API + built web app on one origin, DynamoDB Local, S3 server,
 * token issuer, demo counties seeded), on free ports and in a temporary directory, so browser tests never
 * touch .data/ or a running `npm start`.
 */
export async function startE2eStack(): Promise<LocalStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridsafe-e2e-'));
  const [port, dynamoPort, s3Port, issuerPort] = (await distinctFreePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
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
  return {
    ...stack,
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The e2e project's global setup: one stack for the whole browser suite (starting it takes longer than all
 * the tests of a file), stopped when the run ends. Test files share its data, so each test creates what it
 * needs under names of its own and compares what the page shows with what the API answers.
 */
export default async function setup(project: TestProject) {
  const stack = await startE2eStack();
  project.provide('e2eStack', { url: stack.url });
  return () => stack.stop();
}

/** The running stack, for a test file: its URL and API helpers. */
export function e2eStack(): E2eClient {
  const { url } = inject('e2eStack');
  const api = async <T>(token: string, method: string, path: string, body?: unknown, tenant = 'taihe') => {
    const response = await fetch(`${url}/t/${tenant}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const token = async (username: string, tenant = 'taihe') => {
    const response = await fetch(`${url}/t/${tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  };
  return { url, token, api };
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
