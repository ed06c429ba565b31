import { countyApiBasePath } from '@gridsafe/core/contract';
/** Anything that answers a Request: the hono app in process, or a fetch against a real socket. */
export interface Requester {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: any;
  headers: Headers;
  ms: number;
}

/** One request with the body kept raw: reliability checks look at the bytes, not just the parsed value. */
export async function call(
  app: Requester,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const started = performance.now();
  // Streams need `duplex: 'half'` in Node's fetch; harmless for other bodies.
  const init = { method, headers, ...(body !== undefined ? { body, duplex: 'half' } : {}) } as RequestInit;
  const response = await app.request(path, init);
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text,
    body: parsed,
    headers: response.headers,
    ms,
  };
}

/** A client for one user of one county: paths are relative to `/t/<tenant>/api/v1`. */
export function countyClient(app: Requester, tenant: string, token: string) {
  const base = countyApiBasePath(tenant);
  const send = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(app, method, `${base}${path}`, {
      token,
      ...(body !== undefined ? { body } : {}),
      ...(headers ? { headers } : {}),
    });
  return {
    tenant,
    token,
    get: (path: string, headers?: Record<string, string>) => send('GET', path, undefined, headers),
    post: (path: string, body: unknown = {}, headers?: Record<string, string>) =>
      send('POST', path, body, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) =>
      send('PATCH', path, body, headers),
    put: (path: string, body: unknown, headers?: Record<string, string>) => send('PUT', path, body, headers),
    /** Every item of a paged list, following `nextCursor`. */
    async all<T = any>(path: string): Promise<T[]> {
      const items: T[] = [];
      let cursor: string | undefined;
      do {
        const joiner = path.includes('?') ? '&' : '?';
        const page = await send(
          'GET',
          `${path}${joiner}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}: ${page.text}`);
        items.push(...(page.body.items as T[]));
        cursor = page.body.nextCursor;
      } while (cursor);
      return items;
    },
  };
}
export type CountyClient = ReturnType<typeof countyClient>;

/** Problems with an error answer's shape: RFC 9457 problem+json, the status repeated, 400s naming fields. */
export function problemShapeIssues(answer: Answer): string[] {
  const issues: string[] = [];
  if (!answer.contentType.startsWith('application/problem+json'))
    issues.push(`content-type ${answer.contentType}`);
  const body = answer.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return [...issues, 'body is not JSON'];
  for (const field of ['type', 'title', 'detail', 'code'] as const) {
    if (typeof body[field] !== 'string') issues.push(`no ${field}`);
  }
  if (body.status !== answer.status) issues.push(`status field ${String(body.status)}`);
  if (answer.status === 400) {
    const errors = body.errors as { path?: unknown; message?: unknown }[] | undefined;
    if (!Array.isArray(errors) || errors.length === 0) issues.push('a 400 without errors[]');
    // A path may be '' only for an unknown field literally named "" (see docs/reliability.md).
    else if (!errors.every((e) => typeof e.path === 'string' && typeof e.message === 'string'))
      issues.push('an errors[] entry without path or message');
  }
  if (answer.status === 401 && !/^Bearer/i.test(answer.headers.get('www-authenticate') ?? '')) {
    issues.push('a 401 without WWW-Authenticate: Bearer');
  }
  return issues;
}

/** Percentiles of a list of numbers (milliseconds), rounded. */
export function percentiles(values: number[]): {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return {
    n: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: Math.round(sorted.at(-1) ?? 0),
  };
}
