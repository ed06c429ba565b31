import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sha256Hex, testJpeg, uploadWith } from '../photos.ts';
import { type Answer, type CountyClient, percentiles } from './client.ts';
import { DEMO_PASSWORD, type Seeded } from './stack.ts';

/**
 * A second county admin (a bureau has several), registered by the first: the mixed load files with one and
 * reviews with the other, since nobody approves a filing they created or submitted.
 */
export async function registerDeputy(
  admin: CountyClient,
  countyGridId: string,
  login: (username: string) => Promise<CountyClient>,
): Promise<CountyClient> {
  const created = await admin.post('/users', {
    username: 'county.deputy',
    displayName: '副局长',
    role: 'county_admin',
    scope: [`grid:${countyGridId}`],
    password: DEMO_PASSWORD,
  });
  if (created.status !== 201) throw new Error(`deputy: ${created.status} ${created.text}`);
  return login('county.deputy');
}

/** A forced full GC, so heap samples measure what is retained rather than what is merely not yet collected. */
export function forcedGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

/** What the load generator knows about a point it owns (no other worker touches it, so no 409 is expected). */
interface OwnedPoint {
  id: string;
  version: number;
  status: string;
  hasPhoto: boolean;
}

export interface LoadReport {
  durationMs: number;
  requests: number;
  throughputPerSecond: number;
  byOperation: Record<string, ReturnType<typeof percentiles> & { errors: number }>;
  errors: string[];
  errorCount: number;
  /** The audit actions each point must now end with, in order, per the successful changes made. */
  actions: Map<string, string[]>;
  memory: { samples: [number, number][]; slopeMbPerMinute: number; growthMb: number; gc: boolean };
}

const COLOURS = [
  { method: 'LEC', L: 6, E: 6, C: 15 },
  { method: 'LEC', L: 3, E: 6, C: 15 },
  { method: 'LEC', L: 3, E: 6, C: 7 },
  { method: 'LEC', L: 1, E: 6, C: 7 },
  undefined,
];

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * Mixed load at a fixed concurrency: reads of every kind (register pages, records, stats, audit trails),
 * creates (half with an idempotency key), photo evidence through S3, and the whole review cycle (submit,
 * approve, return, reopen, regrade). Each worker changes only points it created, so every answer must be a
 * 2xx: anything else is an error. `filer` (a county admin too) creates, photographs, regrades and submits;
 * `admin` reviews, returns and reopens (with a reason), as four eyes require. The heap is sampled every second after the warm-up, after a forced GC.
 */
export async function runMixedLoad(options: {
  admin: CountyClient;
  filer: CountyClient;
  county: Seeded;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** Existing points to read (the seed's). */
  readable: string[];
  nodes: string[];
}): Promise<LoadReport> {
  const { admin, filer, county } = options;
  const latencies = new Map<string, number[]>();
  const errorsByOp = new Map<string, number>();
  const errors: string[] = [];
  let errorCount = 0;
  const actions = new Map<string, string[]>();
  const readable = [...options.readable];
  let photoSeed = Math.floor(Math.random() * 1e9);
  let requests = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const record = (op: string, answer: Answer, ok: number[]) => {
    requests += 1;
    const list = latencies.get(op) ?? [];
    list.push(answer.ms);
    latencies.set(op, list);
    if (!ok.includes(answer.status)) {
      errorCount += 1;
      errorsByOp.set(op, (errorsByOp.get(op) ?? 0) + 1);
      if (errors.length < 20) errors.push(`${op}: ${answer.status} ${answer.text.slice(0, 200)}`);
      return false;
    }
    return true;
  };
  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
  const note = (id: string, action: string) => actions.set(id, [...(actions.get(id) ?? []), action]);

  const read = async () => {
    // Records to read come from the seed and from the creates of this run; until there are some, read lists.
    const kind =
      readable.length === 0 ? [0, 2, 3][Math.floor(Math.random() * 3)]! : Math.floor(Math.random() * 5);
    if (kind === 0)
      record('list', await admin.get(`/risk-points?grid=${pick(county.villages)}&limit=20`), [200]);
    else if (kind === 1) record('get', await admin.get(`/risk-points/${pick(readable)}`), [200]);
    else if (kind === 2) record('stats', await admin.get(`/grids/${pick(options.nodes)}/stats`), [200]);
    else if (kind === 3)
      record(
        'unit',
        await admin.get(`/units/${county.unit(1 + Math.floor(Math.random() * county.unitCount))}`),
        [200],
      );
    else record('audit', await admin.get(`/risk-points/${pick(readable)}/audit`), [200]);
  };

  const create = async (owned: OwnedPoint[], worker: number, serial: number) => {
    const assessment = pick(COLOURS);
    const body = {
      name: `负载点 ${worker}-${serial}`,
      unitId: county.unit(1 + Math.floor(Math.random() * county.unitCount)),
      industry: 'industry_trade_general',
      location: { lat: 33.1, lng: 115.5 },
      ...(assessment ? { assessment } : {}),
    };
    const headers =
      Math.random() < 0.5 ? { 'idempotency-key': `load-${worker}-${serial}-${started}` } : undefined;
    const answer = await filer.post('/risk-points', body, headers);
    if (record('create', answer, [201])) {
      owned.push({
        id: answer.body.id,
        version: answer.body.version,
        status: answer.body.status,
        hasPhoto: false,
      });
      readable.push(answer.body.id);
      note(answer.body.id, 'created');
      if (headers) {
        // A field device's retry: the same answer, nothing new.
        const again = await filer.post('/risk-points', body, headers);
        if (record('create-retry', again, [201]) && again.body.id !== answer.body.id) {
          errorCount += 1;
          errors.push(`create-retry made a second point ${again.body.id} for ${answer.body.id}`);
        }
      }
    }
  };

  const advance = async (point: OwnedPoint) => {
    const ifMatch = { 'if-match': String(point.version) };
    let op: string;
    let answer: Answer;
    let action: string;
    if (point.status === 'draft' && !point.hasPhoto) {
      const bytes = testJpeg(photoSeed++);
      const requested = await filer.post(`/risk-points/${point.id}/photos`, {
        contentType: 'image/jpeg',
        size: bytes.byteLength,
        sha256: sha256Hex(bytes),
      });
      if (!record('photo-request', requested, [201])) return;
      await uploadWith(requested.body.upload, bytes);
      op = 'photo-confirm';
      answer = await filer.post(`/risk-points/${point.id}/photos/${requested.body.photo.id}/confirm`);
      action = 'photo_added';
    } else if (point.status === 'draft' && Math.random() < 0.2) {
      op = 'regrade';
      answer = await filer.patch(
        `/risk-points/${point.id}`,
        { assessment: pick(COLOURS.filter(Boolean)) },
        ifMatch,
      );
      action = 'regraded';
    } else if (point.status === 'draft') {
      op = 'submit';
      answer = await filer.post(`/risk-points/${point.id}/submit`, {}, ifMatch);
      action = 'submitted';
    } else if (point.status === 'filed') {
      op = 'reopen';
      answer = await admin.post(`/risk-points/${point.id}/reopen`, { reason: '等级需复核' }, ifMatch);
      action = 'reopened';
    } else if (Math.random() < 0.2) {
      op = 'return';
      answer = await admin.post(`/risk-points/${point.id}/return`, { reason: '资料不全，请补充' }, ifMatch);
      action = 'returned';
    } else {
      op = 'approve';
      answer = await admin.post(`/risk-points/${point.id}/approve`, {}, ifMatch);
      action = answer.body?.status === 'filed' ? 'filed' : 'approved';
    }
    if (!record(op, answer, [200])) return;
    point.version = answer.body.version;
    point.status = answer.body.status;
    point.hasPhoto = answer.body.photos.length > 0;
    note(point.id, action);
  };

  const gc = forcedGc();
  const samples: [number, number][] = [];
  const sampler = setInterval(() => {
    const t = performance.now() - started;
    if (t < options.warmupMs) return;
    gc?.();
    samples.push([t / 1000, process.memoryUsage().heapUsed / 1024 / 1024]);
  }, 1000);

  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, worker) => {
      const owned: OwnedPoint[] = [];
      let serial = 0;
      while (performance.now() < deadline) {
        const roll = Math.random();
        try {
          if (roll < 0.5) await read();
          else if (roll < 0.62 || owned.length < 3) await create(owned, worker, serial++);
          else await advance(pick(owned));
        } catch (error) {
          errorCount += 1;
          if (errors.length < 20) errors.push(`worker ${worker}: ${(error as Error).message}`);
        }
      }
    }),
  );
  clearInterval(sampler);
  const durationMs = performance.now() - started;
  const perMinute = slope(samples) * 60;
  const byOperation: LoadReport['byOperation'] = {};
  for (const [op, values] of latencies)
    byOperation[op] = { ...percentiles(values), errors: errorsByOp.get(op) ?? 0 };
  const measuredSeconds = samples.length > 1 ? samples.at(-1)![0] - samples[0]![0] : 0;
  return {
    durationMs: Math.round(durationMs),
    requests,
    throughputPerSecond: Math.round((requests / durationMs) * 1000),
    byOperation,
    errors,
    errorCount,
    actions,
    memory: {
      samples: samples.map(([t, mb]) => [Math.round(t), Math.round(mb * 10) / 10]),
      slopeMbPerMinute: Math.round(perMinute * 100) / 100,
      growthMb: Math.round((perMinute / 60) * measuredSeconds * 10) / 10,
      gc: gc !== undefined,
    },
  };
}
