import autocannon from 'autocannon';

/**
 * One kind of request under load. `next` builds each request as it is sent (so ids can rotate); `done` hears
 * its answer. A row of the results table is one label.
 */
export interface RequestKind {
  /** Chooses what to send next: a label for the table, and the request. */
  next(): {
    label: string;
    method: 'GET' | 'POST';
    path: string;
    body?: string;
    token?: unknown;
    /** Sends as someone else than the run's caller (an access token). */
    accessToken?: string;
  };
  /** Called with each answer (status and headers) and what `next` returned for it. */
  done?(status: number, sent: { label: string; token?: unknown }): void;
}

export interface LabelStats {
  label: string;
  requests: number;
  seconds: number;
  non2xx: number;
  /** The answers that were not 2xx, by status and problem type (e.g. `409 version_conflict`), and how many. */
  refusals: Record<string, number>;
  /** Latencies in ms, as autocannon measured them (request written → response complete). */
  latencies: number[];
  /** CPU time (ms) of the process that sent the requests, where that process does nothing else (the replay). */
  cpuMs?: number;
  /** `x-dynamodb-calls` of every answer (the product's own count). */
  calls: number[];
  /**
   * Per answer, how many of those calls were per-process cache refreshes (county status, settings): as the API
   * process observed them, or (an unobserved run) as `attributeRefreshes` (report.ts) put its count on them.
   */
  cacheReads: number[];
  /** The operations each observed answer's calls were, e.g. `GetItem,Query`, and how often. */
  opsSeen: Record<string, number>;
}

export interface LoadRun {
  labels: LabelStats[];
  /** Connection errors and timeouts autocannon counted. */
  errors: number;
  timeouts: number;
  seconds: number;
}

/**
 * Drives `kind` from `connections` keep-alive connections for `seconds` with autocannon and records every
 * answer. One request in flight per connection (no pipelining), as browsers and phones send them.
 */
export async function runLoad(options: {
  url: string;
  token: string;
  kind: RequestKind;
  connections: number;
  seconds: number;
  /**
   * Asks the API process to observe each answer (`x-bench-ops`, cache refreshes, the calls the overhead reference
   * replays). That costs the API process CPU (scripts/bench/api-server.ts), so only the warm-up asks.
   */
  observe?: boolean;
}): Promise<LoadRun> {
  const byLabel = new Map<string, LabelStats>();
  const statsOf = (label: string) => {
    let stats = byLabel.get(label);
    if (!stats) {
      stats = {
        label,
        requests: 0,
        seconds: 0,
        non2xx: 0,
        refusals: {},
        latencies: [],
        calls: [],
        cacheReads: [],
        opsSeen: {},
      };
      byLabel.set(label, stats);
    }
    return stats;
  };
  // autocannon calls onResponse and then, synchronously, emits the client's `response` event with the latency:
  // the label of the answer just recorded is therefore the label of the latency that follows.
  let lastLabel = '';
  type Sent = { label: string; token?: unknown };
  const request: autocannon.Request = {
    method: 'GET',
    path: '/',
    setupRequest: (req, context) => {
      const next = options.kind.next();
      (context as { sent?: Sent }).sent = { label: next.label, token: next.token };
      return {
        ...req,
        method: next.method,
        path: next.path,
        headers: {
          authorization: `Bearer ${next.accessToken ?? options.token}`,
          // Which row this is, for the API process's capture of the calls behind it (the overhead reference).
          'x-bench-label': encodeURIComponent(next.label),
          ...(options.observe ? { 'x-bench-observe': '1' } : {}),
          ...(next.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(next.body !== undefined ? { body: next.body } : {}),
      };
    },
    onResponse: (status, body, context, headers) => {
      const sent = (context as { sent?: Sent }).sent ?? { label: 'unknown' };
      const stats = statsOf(sent.label);
      const header = (name: string) => {
        const value =
          (headers as Record<string, unknown>)[name] ??
          (headers as Record<string, unknown>)[name.toLowerCase()];
        return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
      };
      stats.requests += 1;
      if (status < 200 || status >= 300) {
        stats.non2xx += 1;
        const refusal = `${status} ${problemTypeOf(body)}`;
        stats.refusals[refusal] = (stats.refusals[refusal] ?? 0) + 1;
      }
      stats.calls.push(Number(header('x-dynamodb-calls') ?? Number.NaN));
      stats.cacheReads.push(Number(header('x-bench-cache-reads') ?? 0));
      const ops = header('x-bench-ops');
      if (ops !== undefined) stats.opsSeen[ops] = (stats.opsSeen[ops] ?? 0) + 1;
      lastLabel = sent.label;
      options.kind.done?.(status, sent);
    },
  };
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    duration: options.seconds,
    timeout: 10,
    requests: [request],
    setupClient: (client) => {
      client.on('response', (_status: number, _bytes: number, responseTime: number) => {
        byLabel.get(lastLabel)?.latencies.push(responseTime);
      });
    },
  });
  for (const stats of byLabel.values()) stats.seconds = result.duration;
  return {
    labels: [...byLabel.values()],
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
  };
}

/**
 * One row's answers from the halves of a measured run (bench.ts measures the API before and after its
 * reference), as if they were one run: their answers together, their seconds added.
 */
export function mergeLabelStats(parts: LabelStats[]): LabelStats {
  const [first, ...rest] = parts;
  if (!first) throw new Error('Nothing to merge.');
  const merged: LabelStats = {
    ...first,
    refusals: { ...first.refusals },
    latencies: [...first.latencies],
    calls: [...first.calls],
    cacheReads: [...first.cacheReads],
    opsSeen: { ...first.opsSeen },
  };
  for (const part of rest) {
    merged.requests += part.requests;
    merged.seconds += part.seconds;
    merged.non2xx += part.non2xx;
    for (const [refusal, count] of Object.entries(part.refusals))
      merged.refusals[refusal] = (merged.refusals[refusal] ?? 0) + count;
    // push, not spread: a row's answers are more arguments than a call takes.
    for (const latency of part.latencies) merged.latencies.push(latency);
    for (const calls of part.calls) merged.calls.push(calls);
    for (const reads of part.cacheReads) merged.cacheReads.push(reads);
    for (const [ops, count] of Object.entries(part.opsSeen))
      merged.opsSeen[ops] = (merged.opsSeen[ops] ?? 0) + count;
  }
  return merged;
}

/** The rows of several runs of one load (warm-up rounds, a measured run's halves): one merged row per label. */
export function mergeRuns(runs: LabelStats[][]): LabelStats[] {
  const all = runs.flat();
  return [...new Set(all.map((stats) => stats.label))].map((label) =>
    mergeLabelStats(all.filter((stats) => stats.label === label)),
  );
}

/** The problem+json answer's `type` (its last path segment, e.g. `version_conflict`), or its title, or `?`. */
function problemTypeOf(body: string | undefined): string {
  try {
    const problem = JSON.parse(body ?? '') as { type?: unknown; title?: unknown };
    if (typeof problem.type === 'string') return problem.type.split('/').at(-1) ?? problem.type;
    if (typeof problem.title === 'string') return problem.title;
  } catch {
    // Not JSON: the status alone says what there is.
  }
  return '?';
}

/** Nearest-rank percentile of unsorted samples (the input is not changed). */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** A kind that sends the same labelled GET to one of `paths`, chosen at random each time. */
export function getOneOf(label: string, paths: string[]): RequestKind {
  if (paths.length === 0) throw new Error(`No paths to load for ${label}.`);
  return {
    next: () => ({ label, method: 'GET', path: paths[Math.floor(Math.random() * paths.length)]! }),
  };
}
