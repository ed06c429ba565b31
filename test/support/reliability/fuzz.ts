import { countyApiBasePath } from '@gridsafe/core/contract';
import { signedHeaders } from '@gridsafe/core/signed-message';
import fc from 'fast-check';
import { sha256Hex, testJpeg, uploadWith } from '../photos.ts';
import { type Answer, call, countyClient, problemShapeIssues, type Requester } from './client.ts';
import { recordedInspection } from './inspection-fixture.ts';
import {
  fillPath,
  headerValueArbitrary,
  mutatedArbitrary,
  type OpenApiDocument,
  type Operation,
  pathParamArbitrary,
  queryArbitrary,
} from './openapi-routes.ts';
import { recordedResourceAndPlan } from './resource-fixture.ts';
import type { ReliabilityApi } from './stack.ts';

/** What the API may answer to anything a client sends: never a 5xx, never a hang. */
// 415 is HTTP's answer to a body that is not JSON; the contract does not list it, see docs/reliability.md.
export const ALLOWED_STATUSES = new Set([200, 201, 202, 400, 403, 404, 409, 413, 415]);
/** Requests slower than this count as hangs. */
const HANG_MS = 15_000;

export interface FuzzRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FuzzFailure {
  operation: string;
  property: 'body-query-headers' | 'path-params';
  seed: number;
  counterexample: string;
  problem: string;
}

export interface FuzzReport {
  operations: number;
  requests: number;
  unsendable: number;
  statuses: Record<string, number>;
  failures: FuzzFailure[];
  ms: number;
}

/** Problems with one answer, or none. */
export function answerIssues(operation: Operation, answer: Answer): string[] {
  const issues: string[] = [];
  // Logins may also answer 429: a fuzzer repeats short usernames, and ten wrong passwords lock one out. The public
  // notice board answers 429 past its per-address budget, which a fuzzer's hundreds of requests reach.
  // The alert intake answers 401 to what its source did not sign (a body naming no source, or a bent signature)
  // and 429 past its source's budget of a minute, which the fuzzer's signed bodies reach.
  const allowed =
    operation.path.startsWith('/session') ||
    operation.path.startsWith('/public/') ||
    operation.name === 'POST /alerts'
      ? answer.status === 401 || answer.status === 429 || ALLOWED_STATUSES.has(answer.status)
      : ALLOWED_STATUSES.has(answer.status);
  if (!allowed) issues.push(`status ${answer.status}`);
  if (answer.status >= 400) issues.push(...problemShapeIssues(answer));
  else if (
    !/^(application\/json|text\/html|text\/csv)/.test(answer.contentType) &&
    !operation.successTypes.some((type) => answer.contentType.startsWith(type))
  )
    issues.push(`a ${answer.status} as ${answer.contentType}, which the operation does not document`);
  if (answer.ms > HANG_MS) issues.push(`took ${Math.round(answer.ms)} ms`);
  return issues.map((issue) => `${issue}: ${answer.text.slice(0, 300)}`);
}

function bodyArbitrary(
  operation: Operation,
  doc: OpenApiDocument,
): fc.Arbitrary<{ body?: string; contentType?: string }> {
  if (!operation.body) return fc.constant({});
  if (operation.body.contentType === 'text/csv') {
    const csv = fc
      .array(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 20, unit: 'grapheme' }),
            fc.constantFrom('单位名称', 'name', '"', '""', '\r\n', ','),
          ),
          { maxLength: 8 },
        ),
        {
          maxLength: 6,
        },
      )
      .map((rows) => rows.map((cells) => cells.join(',')).join('\n'));
    // Every other documented type (an .xlsx) gets junk too: text, and a zip's signature with nothing after it.
    const others = operation.body.contentTypes.filter((type) => type !== 'text/csv');
    return fc.record({
      body: fc.oneof(
        csv,
        fc.constant('PK\u0003\u0004'),
        csv.map((text) => `PK\u0003\u0004${text}`),
      ),
      contentType: fc.constantFrom('text/csv', 'text/csv; charset=gb18030', 'application/json', ...others),
    });
  }
  const json = fc.oneof(
    {
      weight: 6,
      arbitrary: mutatedArbitrary(operation.body.schema, doc).map(
        (v) => JSON.stringify(v) as string | undefined,
      ),
    },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.anything().map((v) => JSON.stringify(v) as string | undefined) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{',
        '{"a":',
        '[1,2',
        'null',
        '""',
        '{"__proto__":{"admin":true}}',
        '\ufeff{}',
        undefined,
      ),
    },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/json; charset=gb18030',
        'application/x-www-form-urlencoded',
        undefined,
      ),
    },
  );
  return fc.record({ body: json, contentType }, { requiredKeys: [] }).map(({ body, contentType }) => ({
    ...(body !== undefined ? { body } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
  }));
}

function buildRequest(
  operation: Operation,
  base: string,
  pathValues: Record<string, string>,
  query: [string, string][],
  headerValues: Record<string, string>,
  token: string | undefined,
  payload: { body?: string; contentType?: string },
): FuzzRequest {
  const search = new URLSearchParams(query).toString();
  const headers: Record<string, string> = { ...headerValues };
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload.contentType) headers['content-type'] = payload.contentType;
  return {
    method: operation.method,
    path: `${base}${fillPath(operation.path, pathValues)}${search ? `?${search}` : ''}`,
    headers,
    ...(payload.body !== undefined && operation.method !== 'GET' ? { body: payload.body } : {}),
  };
}

/** Whether a real client could send this at all (a URL or header value fetch refuses never reaches a server). */
function sendable(request: FuzzRequest): boolean {
  try {
    new Request(new URL(request.path, 'http://localhost'), {
      method: request.method,
      headers: request.headers,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Property-based attack on every documented operation: bodies shaped like the schema and bent, arbitrary JSON
 * and non-JSON, odd content types, query strings and headers (property 1), and path parameters with traversal,
 * unicode and very long values (property 2). Every answer must be an allowed status, problem+json when it is
 * an error, and a 400 must name the bad fields.
 */
export async function fuzzOperations(options: {
  app: Requester;
  tenant: string;
  token: string;
  doc: OpenApiDocument;
  operations: Operation[];
  /** Valid path values of this county, so body fuzzing reaches the handlers rather than stopping at a 404. */
  validPath: (operation: Operation) => Record<string, string>;
  numRuns: number;
  concurrency: number;
  seed?: number;
  shrink?: boolean;
  /** Signs a request as its sender would (the alert intake's bodies, with the fixture's source), else as is. */
  sign?: (operation: Operation, request: FuzzRequest) => FuzzRequest;
}): Promise<FuzzReport> {
  const started = performance.now();
  const base = countyApiBasePath(options.tenant);
  const report: FuzzReport = {
    operations: options.operations.length,
    requests: 0,
    unsendable: 0,
    statuses: {},
    failures: [],
    ms: 0,
  };
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);

  const send = async (operation: Operation, unsigned: FuzzRequest): Promise<string[]> => {
    const request = options.sign ? options.sign(operation, unsigned) : unsigned;
    if (!sendable(request)) {
      report.unsendable += 1;
      return [];
    }
    const answer = await call(options.app, request.method, request.path, {
      headers: request.headers,
      ...(request.body !== undefined ? { rawBody: request.body } : {}),
    });
    report.requests += 1;
    report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
    return answerIssues(operation, answer);
  };

  const headersArbitrary = (operation: Operation) =>
    fc
      .record(
        Object.fromEntries(
          operation.headers.filter((h) => h !== 'authorization').map((h) => [h, headerValueArbitrary]),
        ),
        { requiredKeys: [] },
      )
      .map((h) => h as Record<string, string>);

  const runProperty = async (
    operation: Operation,
    property: FuzzFailure['property'],
    prop: fc.IAsyncProperty<[FuzzRequest]>,
  ) => {
    const details = await fc.check(prop, {
      numRuns: options.numRuns,
      seed,
      endOnFailure: !options.shrink,
    });
    if (details.failed) {
      report.failures.push({
        operation: operation.name,
        property,
        seed,
        counterexample: JSON.stringify(details.counterexample?.[0] ?? null).slice(0, 600),
        problem: String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance).slice(
          0,
          600,
        ),
      });
    }
  };

  const fuzzOne = async (operation: Operation) => {
    const token = operation.public ? undefined : options.token;
    const valid = options.validPath(operation);
    const requests = fc
      .tuple(
        queryArbitrary(operation.query, options.doc),
        headersArbitrary(operation),
        bodyArbitrary(operation, options.doc),
      )
      .map(([query, headers, payload]) =>
        buildRequest(operation, base, valid, query, headers, token, payload),
      );
    await runProperty(
      operation,
      'body-query-headers',
      fc.asyncProperty(requests, async (request) => {
        const issues = await send(operation, request);
        if (issues.length > 0) throw new Error(issues.join('; '));
      }),
    );
    if (operation.pathParams.length === 0) return;
    const withParams = fc
      .tuple(
        fc.array(pathParamArbitrary, {
          minLength: operation.pathParams.length,
          maxLength: operation.pathParams.length,
        }),
        bodyArbitrary(operation, options.doc),
      )
      .map(([params, payload]) => {
        const values = Object.fromEntries(
          operation.pathParams.map((name, i) => {
            const param = params[i]!;
            return [name, param.encode ? encodeURIComponent(param.value) : param.value];
          }),
        );
        return buildRequest(operation, base, values, [], {}, token, payload);
      });
    await runProperty(
      operation,
      'path-params',
      fc.asyncProperty(withParams, async (request) => {
        const issues = await send(operation, request);
        if (issues.length > 0) throw new Error(issues.join('; '));
      }),
    );
  };

  const queue = [...options.operations];
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let operation = queue.shift(); operation; operation = queue.shift()) await fuzzOne(operation);
    }),
  );
  report.ms = Math.round(performance.now() - started);
  return report;
}

/**
 * Every operation that takes a body, sent a body just over its limit: declared with Content-Length, and
 * streamed without one (a client that lies or does not say). Each must be 413 problem+json.
 */
export async function oversizedBodies(options: {
  app: Requester;
  tenant: string;
  token: string;
  operations: Operation[];
  validPath: (operation: Operation) => Record<string, string>;
}): Promise<{ checked: number; failures: string[] }> {
  const failures: string[] = [];
  let checked = 0;
  const base = countyApiBasePath(options.tenant);
  for (const operation of options.operations.filter((op) => op.body)) {
    const limit = operation.path.endsWith('/import') ? 5 * 1024 * 1024 : 1024 * 1024;
    const size = limit + 64 * 1024;
    const json = JSON.stringify({ name: 'x'.repeat(size) });
    const path = `${base}${fillPath(operation.path, options.validPath(operation))}`;
    const headers: Record<string, string> = { 'content-type': operation.body!.contentType };
    if (!operation.public) headers.authorization = `Bearer ${options.token}`;
    for (const how of ['declared', 'streamed'] as const) {
      const rawBody =
        how === 'declared'
          ? json
          : new ReadableStream<Uint8Array>({
              start(controller) {
                const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
                for (let sent = 0; sent < size; sent += chunk.byteLength) controller.enqueue(chunk);
                controller.close();
              },
            });
      const answer = await call(options.app, operation.method, path, {
        headers:
          how === 'declared' ? { ...headers, 'content-length': String(Buffer.byteLength(json)) } : headers,
        rawBody,
      });
      checked += 1;
      const issues = answer.status === 413 ? problemShapeIssues(answer) : [`status ${answer.status}`];
      if (issues.length > 0)
        failures.push(`${operation.name} (${how}): ${issues.join(', ')} ${answer.text.slice(0, 200)}`);
    }
  }
  return { checked, failures };
}

/**
 * A county for fuzzing: the demo seed plus a draft risk point with a verified photo, and one record of each
 * later collection (hazards, patrols, notifications), so path-valid requests reach the handlers' own checks.
 */
export async function prepareFuzzCounty(api: ReliabilityApi, tenant: string) {
  const county = await api.seed(tenant, 'linquan');
  const admin = countyClient(api.app, tenant, await api.login(tenant, 'county.admin'));
  const created = await admin.post('/risk-points', {
    name: '模糊测试点',
    unitId: county.unit(1),
    industry: 'hazardous_chemicals',
    location: { lat: 33.06, lng: 115.26 },
  });
  if (created.status !== 201) throw new Error(`risk point create: ${created.status} ${created.text}`);
  const pointId = created.body.id as string;
  const bytes = testJpeg(9001);
  const requested = await admin.post(`/risk-points/${pointId}/photos`, {
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  await uploadWith(requested.body.upload, bytes);
  const photoId = requested.body.photo.id as string;
  const confirmed = await admin.post(`/risk-points/${pointId}/photos/${photoId}/confirm`);
  if (confirmed.status !== 200) throw new Error(`photo confirm: ${confirmed.status} ${confirmed.text}`);
  const more: Record<string, string> = {};
  // The seed files hazards and schedules patrols; without one, their paths would be fuzzed with ids naming
  // nothing and never reach the handlers' own checks. The admin's inbox may be empty.
  for (const [collection, required] of [
    ['hazards', true],
    ['patrols', true],
    ['notifications', false],
  ] as const) {
    const page = await admin.get(`/${collection}?limit=1`);
    if (page.status !== 200) throw new Error(`GET /${collection} answered ${page.status}: ${page.text}`);
    if (page.body.items[0]) more[collection] = page.body.items[0].id;
    else if (required) throw new Error(`the seed made no ${collection} to fuzz`);
  }
  // Register jobs are their person's own, and the seed makes none: the admin asks for one of each.
  for (const [collection, body] of [
    ['exports', { kind: 'patrols', format: 'csv' }],
    ['imports', { kind: 'units', contentType: 'text/csv', size: 100, sha256: 'd'.repeat(64) }],
  ] as const) {
    const asked = await admin.post(`/${collection}`, body);
    if (asked.status !== 202 && asked.status !== 201)
      throw new Error(`POST /${collection} answered ${asked.status}: ${asked.text}`);
    more[collection] = asked.body.id;
  }
  // Departments are one list, not paged; fuzzed department paths name the first of them.
  const departments = await admin.get('/departments');
  if (!departments.body?.items?.[0]) throw new Error(`GET /departments answered ${departments.status}`);
  more.departments = departments.body.items[0].id;
  // The seed records no inspection: the admin records one, with an order, so its paths name a real one.
  more.inspections = (await recordedInspection(admin, county)).inspectionId;
  // A webhook subscribed to alerts before the alert below is sent, so its paths name it and a delivery of it.
  const hook = await admin.post('/webhooks', { url: 'http://127.0.0.1:9/fuzz', events: ['alert.created'] });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${hook.text}`);
  more.webhooks = hook.body.id;
  // A source to sign the intake's fuzzed bodies with, and an alert of it so the alerts' paths name a real one.
  const source = await admin.post('/alert-sources', { name: '模糊测试监测' });
  if (source.status !== 201) throw new Error(`alert source: ${source.status} ${source.text}`);
  more['alert-sources'] = source.body.id;
  const alertSource = { id: source.body.id as string, secret: source.body.secret as string };
  const raw = JSON.stringify({
    sourceId: alertSource.id,
    eventId: 'fuzz-1',
    unitId: county.unit(1),
    kind: 'gas_concentration',
    level: 'red',
    message: '模糊测试告警',
    observedAt: new Date().toISOString(),
  });
  const sent = await call(api.app, 'POST', `${countyApiBasePath(tenant)}/alerts`, {
    headers: { 'content-type': 'application/json', ...signedHeaders(alertSource.secret, raw) },
    rawBody: raw,
  });
  if (sent.status !== 202) throw new Error(`alert: ${sent.status} ${sent.text}`);
  more.alerts = sent.body.id;
  // A resource and a plan the fuzzed paths can name, whether or not the seed made any.
  const { resourceId, planId } = await recordedResourceAndPlan(admin, county);
  more.resources = resourceId;
  more.plans = planId;
  const deliveries = await admin.get(`/webhooks/${more.webhooks}/deliveries`);
  if (!deliveries.body?.items?.[0])
    throw new Error(`webhook deliveries: ${deliveries.status} ${deliveries.text}`);
  more.webhookDeliveries = deliveries.body.items[0].id;
  return { county, admin, pointId, photoId, more, alertSource };
}

/**
 * Signs the intake's fuzzed requests with the fixture's source: an object body is made to name the source, so
 * the fuzzer reaches the alert's validation (400) rather than stopping at the signature (401).
 */
export function alertSigner(source: { id: string; secret: string }) {
  return (operation: Operation, request: FuzzRequest): FuzzRequest => {
    if (operation.name !== 'POST /alerts' || typeof request.body !== 'string') return request;
    let body = request.body;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        body = JSON.stringify({ ...parsed, sourceId: source.id });
    } catch {
      // Not JSON: signed as it is, and refused as it is.
    }
    return { ...request, body, headers: { ...request.headers, ...signedHeaders(source.secret, body) } };
  };
}
