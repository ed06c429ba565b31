import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJsonLogger, creditCodeCheckChar, orgCodeCheckChar } from '@gridsafe/core';
import { countyApiBasePath } from '@gridsafe/core/contract';
import { createDocumentClient } from '@gridsafe/db';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { startEscalationTimer } from '../../scripts/local/escalation-timer.ts';
import { freePort } from '../../scripts/local/ports.ts';
import { type LocalStack, startLocalStack } from '../../scripts/local/stack.ts';
import { DEMO_PASSWORD } from './browser.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eStack: { url: string; controlUrl: string; oidcIssuer: string };
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
  /** Moves the stack's clock (every request and the escalation sweep read it) forward; answers its new time. */
  advanceClock(ms: number): Promise<Date>;
  /** Runs each county's scheduled escalation sweep (and patrol plan) now, on the stack's clock, and waits for it. */
  runEscalationSweep(): Promise<void>;
  /** The grid a person's scope names first (a grid member's village), read from `GET /me`. */
  gridOf(token: string): Promise<string>;
  /** The local OpenID provider's issuer (the 统一身份认证 button's). */
  oidcIssuer: string;
  /** Adds an account (`<county>:<username>`) to the local OpenID provider. */
  addOidcAccount(username: string, password: string): Promise<void>;
}

/**
 * The real product as `npm start` runs it (API + built web app on one origin, DynamoDB Local, S3 server,
 * token issuer, demo counties seeded), on free ports and in a temporary directory, so browser tests never
 * touch .data/ or a running `npm start`.
 */
export async function startE2eStack({
  buildWeb = true,
}: {
  buildWeb?: boolean;
} = {}): Promise<LocalStack & { dynamoPort: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gridsafe-e2e-'));
  const [port, dynamoPort, s3Port, issuerPort, oidcPort] = (await distinctFreePorts(5)) as [
    number,
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
      oidcPort,
      dataDir,
      tableName: 'gridsafe',
      bucket: 'gridsafe-evidence',
      region: 'cn-north-1',
      buildWeb,
      // Browser tests work on the small demo's named records; the sized seed has its own test (demo-at-size).
      demoSize: 'small',
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...stack,
    dynamoPort,
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The test files run in workers, the stack in the runner's process: this small loopback server lets a test move
 * the stack's clock and run the escalation sweep there (the stack's own timer only ticks once a minute).
 */
async function startControl(stack: LocalStack & { dynamoPort: number }): Promise<Server & { url: string }> {
  const logger = createJsonLogger({ service: 'gridsafe-e2e-control' }, 'warn');
  const sweeper = startEscalationTimer({
    client: createDocumentClient({ endpoint: `http://127.0.0.1:${stack.dynamoPort}`, region: 'cn-north-1' }),
    tableName: 'gridsafe',
    clock: stack.clock,
    logger,
    // Only run on request; the stack's own timer keeps its minute.
    intervalMs: 24 * 3_600_000,
  });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://control');
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'POST' && url.pathname === '/clock/advance') {
      const ms = Number(url.searchParams.get('ms'));
      if (!Number.isFinite(ms) || ms < 0) return answer(400, { error: 'ms must be a non-negative number' });
      stack.clock.advance(ms);
      return answer(200, { now: stack.clock.now().toISOString() });
    }
    if (request.method === 'POST' && url.pathname === '/oidc/accounts') {
      const username = url.searchParams.get('username') ?? '';
      const password = url.searchParams.get('password') ?? '';
      if (!username || !password) return answer(400, { error: 'username and password are required' });
      stack.oidc.ensureAccount(username, password);
      return answer(200, { now: stack.clock.now().toISOString() });
    }
    if (request.method === 'POST' && url.pathname === '/escalation/sweep') {
      sweeper.tick().then(
        () => answer(200, { now: stack.clock.now().toISOString() }),
        (error: unknown) => answer(500, { error: String(error) }),
      );
      return;
    }
    answer(404, { error: 'unknown control' });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  server.once('close', () => void sweeper.stop());
  return Object.assign(server, { url: `http://127.0.0.1:${port}` });
}

/**
 * The e2e project's global setup: one stack for the whole browser suite (starting it takes longer than all
 * the tests of a file), stopped when the run ends. Test files share its data, so each test creates what it
 * needs under names of its own and compares what the page shows with what the API answers.
 */
export default async function setup(project: TestProject) {
  const { where, stop } = await stackWithControl({ buildWeb: true });
  project.provide('e2eStack', where);
  return stop;
}

/** A stack and its control server: where a client finds them, and how to stop both. */
async function stackWithControl(options: { buildWeb: boolean }) {
  const stack = await startE2eStack(options);
  let control: Awaited<ReturnType<typeof startControl>>;
  try {
    control = await startControl(stack);
  } catch (error) {
    // A failed start gets no teardown: stop the stack here, or its Java outlives the run.
    await stack.stop();
    throw error;
  }
  return {
    where: { url: stack.url, controlUrl: control.url, oidcIssuer: stack.oidc.issuer },
    stop: async () => {
      await new Promise((resolve) => control.close(resolve));
      await stack.stop();
    },
  };
}

/**
 * A stack of a test file's own, with its own clock, for a file that moves time forward (the scenario passes
 * hazards' deadlines weeks ahead): on the shared stack every file running after it would live in its future, and
 * a deadline a page picks from the browser's real clock would be refused as past. The global setup has built the
 * web app already. Answers the file's client and the stop to call after its tests.
 */
export async function privateE2eStack(): Promise<{ client: E2eClient; stop: () => Promise<void> }> {
  const { where, stop } = await stackWithControl({ buildWeb: false });
  return { client: clientOf(where), stop };
}

/** The running stack, for a test file: its URL and API helpers. */
export function e2eStack(): E2eClient {
  return clientOf(inject('e2eStack'));
}

function clientOf({
  url,
  controlUrl,
  oidcIssuer,
}: {
  url: string;
  controlUrl: string;
  oidcIssuer: string;
}): E2eClient {
  const api = async <T>(token: string, method: string, path: string, body?: unknown, tenant = 'taihe') => {
    const response = await fetch(`${url}${countyApiBasePath(tenant)}${path}`, {
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
    const response = await fetch(`${url}${countyApiBasePath(tenant)}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  };
  const control = async (path: string) => {
    const response = await fetch(`${controlUrl}${path}`, { method: 'POST' });
    const body = (await response.json()) as { now?: string; error?: string };
    if (response.status !== 200) throw new Error(`stack control ${path}: ${body.error}`);
    return new Date(body.now ?? '');
  };
  return {
    url,
    token,
    api,
    advanceClock: (ms) => control(`/clock/advance?ms=${ms}`),
    runEscalationSweep: async () => {
      await control('/escalation/sweep');
    },
    oidcIssuer,
    addOidcAccount: async (username, password) => {
      const search = new URLSearchParams({ username, password });
      await control(`/oidc/accounts?${search}`);
    },
    gridOf: async (token) => {
      const me = await api<{ scope: string[] }>(token, 'GET', '/me');
      const grant = me.body.scope.find((scope) => scope.startsWith('grid:'));
      if (!grant) throw new Error(`no grid in the scope ${JSON.stringify(me.body.scope)}`);
      return grant.slice('grid:'.length);
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
