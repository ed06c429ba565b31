import { AsyncLocalStorage } from 'node:async_hooks';
import { createApp, createRuntimeDeps } from '@gridsafe/api';
import { createJsonLogger } from '@gridsafe/core';
import type { Hono } from 'hono';
import { startNodeServer } from '../local/node-server.ts';
import type { CapturedRequest } from './replay.ts';

/**
 * The API under load, in a process of its own (as on Lambda or a container: the load generator must not share
 * its event loop). It is the real app built the way the local stack builds it: createRuntimeDeps + createApp,
 * served by @hono/node-server. The parent passes the configuration as JSON in GRIDSAFE_BENCH_CONFIG and talks
 * to it over the IPC channel.
 *
 * The one addition is observation, outside the app. A request sent with `x-bench-observe: 1` (the warm-up's)
 * runs in an AsyncLocalStorage context and a middleware on the DynamoDB client records the operations it sends,
 * so the response also carries `x-bench-ops` (the operations, e.g. `GetItem,Query`, a cache refresh marked
 * `GetItem(refresh)`) and `x-bench-cache-reads` (how many of them were the per-process county-status, settings,
 * caller or webhook-list refreshes, one read per county, or per person, per 30–60 s however many requests come).
 * The measured run is not observed one request at a time: an AsyncLocalStorage in use makes Node run a hook at
 * every promise of the process, which cost the API a third of its CPU on the no-op (0.09 → 0.06 ms an answer) and
 * 0.1–0.9 ms on the others, work the product does not do (it has no AsyncLocalStorage) counted against it in the
 * overhead ratio. Its calls are counted for the whole process instead, cache refreshes included.
 * The budgets are checked against `x-dynamodb-calls`, the product's own count; these say what the calls were.
 */
export interface ApiServerConfig {
  tableName: string;
  bucket: string;
  region: string;
  dynamoEndpoint: string;
  s3Endpoint: string;
  issuer: { url: string; issuer: string; jwksUrl: string; userPoolId: string; clientId: string };
  tenants: string[];
}

export type ApiServerMessage =
  | { type: 'ready'; port: number }
  | {
      type: 'ops';
      ops: Record<string, number>;
      scans: number;
      refreshes: number;
      cpuMs: number;
      writesInFlight: number;
    }
  | { type: 'captures'; captures: Record<string, CapturedRequest[]> };

/**
 * Answers kept per row label for the overhead reference (scripts/bench/replay.ts): the load generator names the
 * row in `x-bench-label`, and the first answers of each row (2xx, no cache refresh among their calls) keep their
 * calls' inputs and timings. The first answers come in the warm-up, so copying them costs the measured run nothing.
 */
const CAPTURES_PER_LABEL = 400;

/**
 * The API's calls reach this middleware as the low-level client's commands (the document client wraps each
 * of its commands in one: GetCommand → GetItemCommand), so the names are DynamoDB's own operation names.
 */
function operationOf(commandName: string): string {
  return commandName.replace(/Command$/, '');
}

interface RequestOps {
  ops: string[];
  cacheReads: number;
  /** Set when the request carries `x-bench-label` and that row still wants captures. */
  capture?: { started: number; calls: CapturedRequest };
}

async function main() {
  const config = JSON.parse(process.env.GRIDSAFE_BENCH_CONFIG ?? '') as ApiServerConfig;
  const tenants = new Set(config.tenants);
  const deps = createRuntimeDeps({
    tableName: config.tableName,
    evidenceBucket: config.bucket,
    region: config.region,
    dynamoEndpoint: config.dynamoEndpoint,
    s3Endpoint: config.s3Endpoint,
    userPoolId: config.issuer.userPoolId,
    userPoolClientId: config.issuer.clientId,
    cognitoEndpoint: config.issuer.url,
    authIssuer: config.issuer.issuer,
    authJwksUrl: config.issuer.jwksUrl,
    // As a county stack in AWS: a fixed set of counties, no lookup per request.
    servesTenant: (tenant) => tenants.has(tenant),
    publicOrigin: 'http://localhost',
    // The budgets are checked against the product's own count of DynamoDB calls per answer.
    reportDynamoCalls: true,
    logger: createJsonLogger({ service: 'gridsafe-bench' }, 'error'),
  });

  const current = new AsyncLocalStorage<RequestOps>();
  const totals: Record<string, number> = {};
  let captures: Record<string, CapturedRequest[]> = {};
  let scans = 0;
  let refreshes = 0;
  /** Whether `current` is in use: it is switched off for unobserved requests (see above). */
  let observing = false;
  deps.documentClient.middlewareStack.add(
    (next, context) => (args) => {
      const operation = operationOf((context as { commandName?: string }).commandName ?? 'unknown');
      if (operation === 'Scan') scans += 1;
      totals[operation] = (totals[operation] ?? 0) + 1;
      const refresh = isCacheRefresh(operation, args.input as CallInput);
      if (refresh) refreshes += 1;
      const request = observing ? current.getStore() : undefined;
      // An unobserved call (the measured run's) passes straight on: no async frame of the bench's in its path.
      if (!request) return next(args);
      if (refresh) request.cacheReads += 1;
      request.ops.push(refresh ? `${operation}(refresh)` : operation);
      if (request.capture) {
        const { started } = request.capture;
        const call = {
          operation,
          input: structuredClone(args.input) as Record<string, unknown>,
          start: performance.now() - started,
          end: Number.NaN,
        };
        request.capture.calls.push(call);
        return next(args).finally(() => {
          call.end = performance.now() - started;
        });
      }
      return next(args);
    },
    // Before the client's own Scan guard (also an initialize step), so a Scan attempt is seen even though it throws.
    { step: 'initialize', name: 'gridsafeBenchObserver', priority: 'high' },
  );

  const app = createApp(deps) as unknown as Hono<never>;
  /**
   * Writes received and not yet answered. A run's end cuts its connections off, but a transition already received
   * goes on to commit; the bench reads the cycle's points again only once none is left (bench.ts, `settle`). Only
   * writes are counted: reads change nothing, and a record page is spared the promise this costs.
   */
  let writesInFlight = 0;
  const answerCounted = async (request: Request) => {
    writesInFlight += 1;
    try {
      return await app.fetch(request);
    } finally {
      writesInFlight -= 1;
    }
  };
  const answer = (request: Request) =>
    request.method === 'GET' ? app.fetch(request) : answerCounted(request);
  const observed = {
    fetch: async (request: Request) => {
      if (request.headers.get('x-bench-observe') !== '1') {
        if (observing) {
          // The last observed request has answered (the warm-up is awaited before the measured run starts).
          current.disable();
          observing = false;
        }
        return answer(request);
      }
      observing = true;
      const labelHeader = request.headers.get('x-bench-label');
      const label = labelHeader === null ? null : decodeURIComponent(labelHeader);
      const wanted = label !== null && (captures[label]?.length ?? 0) < CAPTURES_PER_LABEL;
      const ops: RequestOps = {
        ops: [],
        cacheReads: 0,
        ...(wanted ? { capture: { started: performance.now(), calls: [] } } : {}),
      };
      const response = await current.run(ops, () => answer(request));
      if (label !== null && ops.capture && response.ok && ops.cacheReads === 0) {
        const kept = captures[label] ?? [];
        if (kept.length < CAPTURES_PER_LABEL) kept.push(ops.capture.calls);
        captures[label] = kept;
      }
      // The app's own answer goes out with two headers more. Wrapping it in a new Response (as this did until
      // 2026-12-07) made @hono/node-server build a fetch Response and stream a copy of every body: work in the
      // API process that the product does not do, counted against it in the overhead ratio.
      response.headers.set('x-bench-ops', ops.ops.join(',') || '-');
      response.headers.set('x-bench-cache-reads', String(ops.cacheReads));
      return response;
    },
  } as unknown as Hono<never>;
  const server = await startNodeServer({
    app: observed,
    port: 0,
    host: '127.0.0.1',
    webDist: '/nonexistent',
    evidenceOrigin: config.s3Endpoint,
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  // The process's CPU time between two `ops` messages: the API's own work per answer, which unlike a latency does
  // not depend on what else the machine's cores are doing at the time.
  let cpuSince = process.cpuUsage();
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'ops') {
      const cpu = process.cpuUsage(cpuSince);
      cpuSince = process.cpuUsage();
      const cpuMs = (cpu.user + cpu.system) / 1000;
      process.send?.({
        type: 'ops',
        ops: { ...totals },
        scans,
        refreshes,
        cpuMs,
        writesInFlight,
      } satisfies ApiServerMessage);
      for (const name of Object.keys(totals)) delete totals[name];
      scans = 0;
      refreshes = 0;
    } else if (message.type === 'captures') {
      process.send?.({ type: 'captures', captures } satisfies ApiServerMessage);
      captures = {};
    } else if (message.type === 'stop') {
      server.close(() => process.exit(0));
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port } satisfies ApiServerMessage);
}

interface CallInput {
  Key?: Record<string, unknown>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * A read of one of the API's per-process caches, which whichever request comes when it is stale pays for: the
 * county-status mirror (`T#<t>#TENANT / STATUS`), the settings (`T#<t>#SETTINGS / CURRENT`) and a caller's subject
 * link (`T#<t>#SUBJECT#… / SUBJECT`), each a GetItem, and the county's webhooks (a Query of `T#<t>#WEBHOOKS`, read
 * by a write that files or closes something: webhook-outbox.ts). The document client has not marshalled the input
 * yet here (plain strings); a marshalled one (`{ S: '…' }`) is read as well.
 */
function isCacheRefresh(operation: string, input: CallInput): boolean {
  const text = (value: unknown) => String((value as { S?: string } | undefined)?.S ?? value ?? '');
  if (operation === 'Query')
    return Object.values(input.ExpressionAttributeValues ?? {}).some((value) =>
      text(value).endsWith('#WEBHOOKS'),
    );
  if (operation !== 'GetItem') return false;
  const pk = text(input.Key?.pk);
  const sk = text(input.Key?.sk);
  return (
    (pk.endsWith('#SETTINGS') && sk === 'CURRENT') ||
    (pk.endsWith('#TENANT') && sk === 'STATUS') ||
    // The caller's subject link (packages/api/src/person-cache.ts): read once a minute per person per process.
    sk === 'SUBJECT'
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
