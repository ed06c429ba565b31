import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inParallel } from '@gridsafe/core';
import { countyApiBasePath } from '@gridsafe/core/contract';
import { createDocumentClient, ensureTable, TenantRegistry } from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import { createCognitoIdentityProvider } from '@gridsafe/identity';
import { type ApiProcess, startApiProcess } from './bench/api-process.ts';
import { checkSeededStats, type StatsCheck } from './bench/check-stats.ts';
import { type DirectQueryTimes, formatDirectQueries, timeDirectQueries } from './bench/direct-queries.ts';
import { measureDynamoReference, measureDynamoTransactionReference } from './bench/dynamo-reference.ts';
import { getOneOf, type LabelStats, mergeRuns, type RequestKind, runLoad } from './bench/load.ts';
import { machineFacts } from './bench/machine.ts';
import { type BenchOptions, parseOptions, USAGE, UsageError } from './bench/options.ts';
import { type CapturedRequest, measureReplay, replayable, stockDocumentClient } from './bench/replay.ts';
import {
  applyNoopRatio,
  applyOverhead,
  attributeRefreshes,
  compareScales,
  formatComparison,
  formatTable,
  overheadText,
  ROW_BUDGETS,
  type Row,
  rowOf,
  type ScaleComparison,
} from './bench/report.ts';
import {
  BENCH_ADMIN,
  BENCH_PASSWORD,
  BENCH_REVIEWER,
  type SeededCounty,
  type SeedPath,
  seedSyntheticCounty,
} from './bench/seed-synthetic.ts';
import { countyShape } from './bench/shape.ts';
import { TransitionCycle } from './bench/transition-cycle.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './local/dynamodb-local.ts';
import { type LocalIssuer, startLocalIssuer } from './local/local-issuer.ts';
import { freePort } from './local/ports.ts';
import { type S3Local, startS3Local } from './local/s3-local.ts';

/**
 * `npm run bench`: Gridsafe at Nanjing scale on this machine. Seeds a synthetic county (12,000 grids, 320,000
 * units, 580,000 risk points times `--scale`) into its own DynamoDB Local through the real repositories, serves
 * the real app from a separate Node process, loads it with autocannon at fixed concurrency, one endpoint after
 * another, and prints one table: latency percentiles, requests/s, DynamoDB calls per request and each
 * endpoint's p50 against the same DynamoDB calls sent straight to DynamoDB Local, captured from its own answers
 * and replayed with the same concurrency right after it (`overhead <n>×`: the API's own share, budget 1.3×), and
 * against the no-op endpoint (GET /me: the same auth and county middleware, no DynamoDB; informative).
 * Exits 1 when a budget is broken. See docs/performance.md for the numbers and what they mean.
 */
const TABLE = 'gridsafe-bench';
/** Answers whose calls a row's reference replays, at least (api-server.ts keeps up to 400). */
const MIN_CAPTURES = 40;
const BUCKET = 'gridsafe-bench-evidence';
const REGION = 'cn-north-1';
/** DynamoDB Local's database for a full Nanjing: about 6.5 GB (6.5 MB measured for 0.001 of it). */
const DB_BYTES_AT_FULL_SCALE = 6.5 * 1024 ** 3;
/**
 * Up to this size the database stays in memory (SQLite's native memory, not the JVM heap; writes about 3× faster
 * than to a file); above it, in a temporary file unless `--in-memory`.
 */
const IN_MEMORY_LIMIT_BYTES = 1.5 * 1024 ** 3;

const log = (message: string) => console.log(message);

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(error.message);
    console.error(USAGE);
    return 2;
  }
  const fullTable = options.scaleGiven || options.compareScales.length === 0;
  const scales = [...new Set([...(fullTable ? [options.scale] : []), ...options.compareScales])];
  const machine = machineFacts();
  log(
    `Gridsafe benchmark: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.java}`,
  );
  log(
    `Load average at start: ${machine.loadAverage[0]?.toFixed(2)} (other work on this machine skews every number below)`,
  );

  const stoppers: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    // Last started, first stopped; one that hangs (a server with a stuck connection) does not keep the others up.
    for (const stop of stoppers.reverse()) {
      await Promise.race([
        stop().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 10_000)),
      ]);
    }
    stoppers.length = 0;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stopAll().then(() => process.exit(130));
    });
  }

  try {
    // --- Services: DynamoDB Local, the S3 server and the token issuer, each on a free port -------------------
    const estimatedBytes = scales.reduce((sum, scale) => sum + scale * DB_BYTES_AT_FULL_SCALE, 0);
    let dbPath: string | undefined;
    if (options.dataDir) {
      dbPath = join(resolve(options.dataDir), 'dynamodb');
      mkdirSync(dbPath, { recursive: true });
    } else if (estimatedBytes > IN_MEMORY_LIMIT_BYTES && !options.inMemory) {
      dbPath = mkdtempSync(join(tmpdir(), 'gridsafe-bench-db-'));
      const temporary = dbPath;
      stoppers.push(async () => rmSync(temporary, { recursive: true, force: true }));
    }
    log(
      `DynamoDB Local: ${dbPath ? `on disk in ${dbPath}` : 'in memory'} (about ${(estimatedBytes / 1024 ** 3).toFixed(2)} GB of data), heap ${options.heap}`,
    );
    const s3Dir = mkdtempSync(join(tmpdir(), 'gridsafe-bench-s3-'));
    stoppers.push(async () => rmSync(s3Dir, { recursive: true, force: true }));
    const [dynamo, s3, issuer]: [DynamoDbLocal, S3Local, LocalIssuer] = await Promise.all([
      freePort().then((port) =>
        startDynamoDbLocal({ port, heap: options.heap, ...(dbPath ? { dbPath } : {}) }),
      ),
      freePort().then((port) => startS3Local({ port, directory: s3Dir, buckets: [BUCKET] })),
      freePort().then((port) =>
        startLocalIssuer({
          port,
          ...(options.dataDir ? { dataDir: join(resolve(options.dataDir), 'issuer') } : {}),
        }),
      ),
    ]);
    stoppers.push(s3.stop, issuer.close, dynamo.stop);
    // However this process ends (even without running the stoppers), DynamoDB Local must not outlive it: a
    // full-scale database holds gigabytes.
    process.once('exit', () => {
      if (dynamo.process.exitCode === null && dynamo.process.signalCode === null)
        dynamo.process.kill('SIGKILL');
    });
    // Seeding sends 32 transactions at once to one DynamoDB Local, which applies them one at a time: under load
    // one can wait longer than the API's 2 s request timeout, which is right for a phone and wrong for a seeder.
    const client = createDocumentClient({
      endpoint: dynamo.endpoint,
      region: REGION,
      requestTimeoutMs: 60_000,
      maxAttempts: 5,
    });
    await ensureTable(client, TABLE);
    await ensureBucket(createS3Client({ endpoint: s3.endpoint, region: REGION }), BUCKET);
    const identity = createCognitoIdentityProvider({
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      region: REGION,
      endpoint: issuer.url,
    });

    // --- Seed each scale into a county of its own, through the repositories (or in bulk) --------------------
    const counties = new Map<number, SeededCounty>();
    /** Counties seeded only to compare the two seeding paths (`--compare-seeding`): checked, not loaded. */
    const seedingComparison: SeededCounty[] = [];
    const freshlySeeded = new Set<string>();
    const seedPath: SeedPath = options.bulkSeed ? 'bulk' : 'transactions';
    const concurrencyFor = (path: SeedPath) =>
      path === 'bulk' && !options.seedConcurrencyGiven ? 8 : options.seedConcurrency;
    const seedOne = async (scale: number, tenant: string, path: SeedPath) => {
      const shape = countyShape(scale);
      const concurrency = concurrencyFor(path);
      log(
        `Seeding scale ${scale} into county ${tenant} (${path === 'bulk' ? `bulk: BatchWriteItem, ${concurrency} calls of 25 in flight` : `transactions: ${concurrency} in flight`}): 1 + ${shape.townships} + ${shape.villages} grids, ${shape.units} units, ${shape.riskPoints} risk points`,
      );
      const seeded = await seedSyntheticCounty(
        { client, tableName: TABLE, identity },
        tenant,
        shape,
        concurrency,
        log,
        path,
      );
      for (const phase of seeded.phases) {
        log(
          `  ${phase.what}: ${phase.records} in ${phase.seconds.toFixed(1)} s (${phase.perSecond.toFixed(0)} records/s${phase.items !== undefined ? `; ${phase.items} items, ${(phase.items / phase.seconds).toFixed(0)} items/s` : ''})`,
        );
      }
      if (seeded.bulk) {
        log(
          `  bulk: ${seeded.bulk.items} items in ${seeded.bulk.calls} BatchWriteItem calls (${seeded.bulk.unprocessed} unprocessed items sent again); ${seeded.bulk.counterUpdates} counter updates summed into ${seeded.bulk.counterShards} shard items; ${seeded.bulk.conditionChecks} condition checks left out`,
        );
      }
      log(`  seeded in ${formatDuration(seeded.seedSeconds)}`);
      return seeded;
    };
    if (options.compareSeeding) {
      // The other path first, into a county of its own, so both rates come from this run on this machine.
      const other: SeedPath = seedPath === 'bulk' ? 'transactions' : 'bulk';
      const tenant = `${tenantFor(options.scale)}${other === 'bulk' ? 'bk' : 'tx'}`;
      if (await new TenantRegistry(client, TABLE).get(tenant)) {
        throw new Error(
          `${tenant} is already seeded in ${options.dataDir}: --compare-seeding needs a fresh one.`,
        );
      }
      seedingComparison.push(await seedOne(options.scale, tenant, other));
      freshlySeeded.add(tenant);
    }
    for (const scale of scales) {
      const tenant = tenantFor(scale);
      const manifestFile = options.dataDir ? join(resolve(options.dataDir), `${tenant}.json`) : undefined;
      if (manifestFile && existsSync(manifestFile)) {
        counties.set(scale, JSON.parse(readFileSync(manifestFile, 'utf8')) as SeededCounty);
        log(`Reusing the county seeded at scale ${scale} (${tenant}) in ${options.dataDir}`);
        continue;
      }
      if (await new TenantRegistry(client, TABLE).get(tenant)) {
        throw new Error(
          `A seed of ${tenant} in ${options.dataDir} did not finish: delete that directory and run again.`,
        );
      }
      const seeded = await seedOne(scale, tenant, seedPath);
      freshlySeeded.add(tenant);
      if (manifestFile) writeFileSync(manifestFile, JSON.stringify(seeded));
      counties.set(scale, seeded);
    }

    // --- The API under load runs in its own process ---------------------------------------------------------
    const api: ApiProcess = await startApiProcess({
      tableName: TABLE,
      bucket: BUCKET,
      region: REGION,
      dynamoEndpoint: dynamo.endpoint,
      s3Endpoint: s3.endpoint,
      issuer: {
        url: issuer.url,
        issuer: issuer.issuer,
        jwksUrl: issuer.jwksUrl,
        userPoolId: issuer.userPoolId,
        clientId: issuer.clientId,
      },
      tenants: [...counties.values(), ...seedingComparison].map((county) => county.tenant),
    });
    stoppers.push(api.stop);
    log(
      `API: ${api.url} (process ${api.pid}); load: autocannon, ${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s per endpoint`,
    );

    // --- Every county seeded in this run: its stats, read through the API, must equal what was seeded ------------
    const statsChecks: StatsCheck[] = [];
    for (const county of [...seedingComparison, ...counties.values()]) {
      if (!county.expectedStats) {
        log(`Stats check skipped for ${county.tenant}: its manifest predates the check`);
        continue;
      }
      if (!freshlySeeded.has(county.tenant)) {
        // A county reused from a data directory has been through earlier runs' transition cycles: its status
        // counts have moved since the seed (colours and units have not). Only a fresh seed is checked.
        log(`Stats check skipped for ${county.tenant}: reused from ${options.dataDir}`);
        continue;
      }
      const check = await checkSeededStats(api.url, await login(api.url, county.tenant), county);
      statsChecks.push(check);
      log(
        `Stats check ${county.tenant} (${county.seedPath ?? 'transactions'}): ${check.checked.county} county, ${check.checked.township} townships, ${check.checked.village} villages read through the API; ${check.mismatches.length === 0 ? 'all equal to the seeded totals' : `${check.mismatches.length} DIFFER`}`,
      );
      for (const mismatch of check.mismatches.slice(0, 10)) log(`  ${mismatch}`);
    }
    await api.takeOps();

    let scans = 0;
    /**
     * Waits until the API has answered every write it received and sent no DynamoDB call for half a second (it has
     * finished what it was doing). The quiet half second alone was not enough: a transition cut off at a run's end
     * could still be waiting on a slow call to DynamoDB Local, commit after its point was read again, and have the
     * next run send that point a step it was no longer in (a `409 wrong-state` in sessions 17 and 18).
     */
    const settle = async () => {
      /** Writes still running after a quiet half second: what the quiet half second alone would have missed. */
      let quietButWriting = 0;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const { ops, scans: seen, writesInFlight } = await api.takeOps();
        scans += seen;
        const quiet = Object.keys(ops).length === 0;
        if (quiet && writesInFlight === 0) break;
        if (quiet) quietButWriting = Math.max(quietButWriting, writesInFlight);
      }
      if (quietButWriting > 0)
        log(
          `  (${quietButWriting} cut-off writes were still running after a quiet half second; waited for them)`,
        );
    };
    const results: {
      scale: number;
      tenant: string;
      rows: Row[];
      phaseOps: Record<string, Record<string, number>>;
    }[] = [];
    // The overhead reference's client is the SDK's stock one (replay.ts); the same calls through the API's own
    // client are measured too, for its CPU beside the reference's.
    const referenceClient = stockDocumentClient(dynamo.endpoint, REGION);
    const apiClient = createDocumentClient({ endpoint: dynamo.endpoint, region: REGION });
    const measure = async (
      county: SeededCounty,
      build: (token: string) => Phase[],
      withReference: boolean,
    ) => {
      const token = await login(api.url, county.tenant);
      const phases = build(token);
      const rows: Row[] = [];
      const phaseOps: Record<string, Record<string, number>> = {};
      for (const phase of phases) {
        await phase.prepare?.();
        // The warm-up's answers are observed (their calls, captured for the reference); the measured run's are
        // not, which would cost the API process work the product does not do (api-server.ts). With no warm-up
        // the measured run is observed instead.
        let observed: LabelStats[] = [];
        const captures: Record<string, CapturedRequest[]> = {};
        const takeCaptures = async () => {
          for (const [label, more] of Object.entries(await api.takeCaptures()))
            captures[label] = [...(captures[label] ?? []), ...more];
        };
        const wantsCaptures = (label: string) =>
          withReference && ROW_BUDGETS[label]?.overhead && (captures[label]?.length ?? 0) < MIN_CAPTURES;
        // A slow row (a transition: 13 answers a second, shared by three rows) may not have enough answers in one
        // warm-up for its reference: it warms up again, a few times at most.
        for (let round = 0; options.warmup > 0 && round < 4; round++) {
          if (round > 0 && !Object.keys(phase.paths).some(wantsCaptures)) break;
          const warm = await runLoad({
            url: api.url,
            token,
            kind: phase.kind,
            connections: options.connections,
            seconds: options.warmup,
            observe: true,
          });
          observed = mergeRuns([observed, warm.labels]);
          await phase.prepare?.();
          await takeCaptures();
        }
        scans += (await api.takeOps()).scans;
        const referenced = withReference && Object.keys(phase.paths).some((l) => ROW_BUDGETS[l]?.overhead);
        // With a reference, the endpoint's run is measured in two halves, one before and one after it (A B A):
        // a process still warming up (the API's JIT, DynamoDB Local's on a query shape it has not run yet) or a
        // machine getting busier weighs on both alike, where before the endpoint always ran first and paid for it.
        const halves = referenced ? [options.duration / 2, options.duration / 2] : [options.duration];
        const runs: { labels: LabelStats[]; errors: number; timeouts: number }[] = [];
        let cpuMs = 0;
        let refreshes = 0;
        const ops: Record<string, number> = {};
        const references = new Map<string, LabelStats>();
        const throughApiClient = new Map<string, LabelStats>();
        for (const [half, seconds] of halves.entries()) {
          if (half > 0) {
            await phase.prepare?.();
            // The CPU and calls of the reference and of the settling are not the endpoint's.
            scans += (await api.takeOps()).scans;
          }
          const run = await runLoad({
            url: api.url,
            token,
            kind: phase.kind,
            connections: options.connections,
            seconds,
            observe: options.warmup === 0,
          });
          runs.push(run);
          const taken = await api.takeOps();
          scans += taken.scans;
          cpuMs += taken.cpuMs;
          refreshes += taken.refreshes;
          for (const [operation, count] of Object.entries(taken.ops))
            ops[operation] = (ops[operation] ?? 0) + count;
          if (half > 0 || !referenced) continue;
          // With no warm-up, the first half was observed and captured the calls.
          await takeCaptures();
          for (const label of Object.keys(phase.paths)) {
            if (!ROW_BUDGETS[label]?.overhead) continue;
            const captured = captures[label] ?? [];
            if (!replayable(captured)) continue;
            // Between the halves, with the endpoint's connections and its whole time: the same calls without the API.
            await settle();
            const replay = (client: typeof referenceClient, seconds: number) =>
              measureReplay({
                label,
                client,
                requests: captured,
                concurrency: options.connections,
                seconds,
                run: `${Date.now().toString(36)}`,
              });
            references.set(label, await replay(referenceClient, options.duration));
            // Only its CPU per answer is printed: half the time is enough.
            throughApiClient.set(label, await replay(apiClient, options.duration / 2));
          }
        }
        phaseOps[phase.name] = ops;
        const measured = mergeRuns(runs.map((run) => run.labels));
        if (options.warmup > 0)
          for (const stats of measured)
            stats.opsSeen = observed.find((s) => s.label === stats.label)?.opsSeen ?? {};
        if (options.warmup > 0) attributeRefreshes(measured, refreshes);
        // The API process's CPU per answer in the measured run (a phase's rows share it: the transitions cycle).
        const answers = measured.reduce((sum, stats) => sum + stats.requests, 0);
        const apiCpu = answers > 0 ? `API CPU ${(cpuMs / answers).toFixed(2)} ms/answer` : '';
        const errors = runs.reduce((sum, run) => sum + run.errors, 0);
        const timeouts = runs.reduce((sum, run) => sum + run.timeouts, 0);
        if (errors > 0) log(`  ${phase.name}: ${errors} connection errors, ${timeouts} timeouts`);
        // Rows in the order the phase names them (submit, approve, reopen), whichever answered first.
        const labelled = Object.keys(phase.paths).flatMap((label) =>
          measured.filter((s) => s.label === label),
        );
        for (const stats of labelled) {
          const row = rowOf(stats, phase.paths[stats.label] ?? '');
          rows.push(row);
          let referenceCpu = '';
          if (withReference && ROW_BUDGETS[row.label]?.overhead) {
            const reference = references.get(row.label);
            if (!reference) {
              row.failures.push(
                `no reference: ${(captures[row.label] ?? []).length} answers captured, not all replayable`,
              );
            } else {
              applyOverhead(row, reference);
              // The replaying process's CPU per answer: the DynamoDB client's own share of the API's CPU above,
              // through the stock client (the reference) and through the API's own.
              const cpuPerAnswer = (stats: LabelStats | undefined) =>
                stats?.cpuMs !== undefined && stats.requests > 0
                  ? (stats.cpuMs / stats.requests).toFixed(2)
                  : '?';
              referenceCpu = ` (same calls alone ${cpuPerAnswer(reference)}, through the API's client ${cpuPerAnswer(throughApiClient.get(row.label))})`;
            }
          }
          log(
            `  ${row.label.padEnd(32)} p50 ${row.p50.toFixed(1).padStart(7)} ms  ${row.requestsPerSecond.toFixed(0).padStart(6)} req/s  ${row.callsMean.toFixed(2)} calls/req  ${overheadText(row).padEnd(16)}  ${apiCpu}${referenceCpu}`,
          );
        }
      }
      return { rows, phaseOps };
    };

    if (fullTable) {
      const county = counties.get(options.scale)!;
      log(`\nLoad at scale ${options.scale} (${county.tenant})`);
      const reviewerToken = await login(api.url, county.tenant, BENCH_REVIEWER);
      const { rows, phaseOps } = await measure(
        county,
        (token) =>
          allPhases(county, api.url, token, reviewerToken, options.connections, settle).filter(
            (phase) => options.only.length === 0 || wanted(phase, options.only),
          ),
        true,
      );
      const reference = rowOf(
        await measureDynamoReference({
          client,
          tableName: TABLE,
          tenant: county.tenant,
          riskPointIds: county.riskPointSample,
          concurrency: options.connections,
          seconds: options.duration,
        }),
        'TenantStore.get of a random risk point, straight to DynamoDB Local',
      );
      rows.push(reference);
      rows.push(
        rowOf(
          await measureDynamoTransactionReference({
            client,
            tableName: TABLE,
            tenant: county.tenant,
            concurrency: options.connections,
            seconds: options.duration,
          }),
          'a transition’s GetItem and 5-item TransactWriteItems, straight to DynamoDB Local',
        ),
      );
      applyNoopRatio(rows, options.strict);
      results.push({ scale: options.scale, tenant: county.tenant, rows, phaseOps });
    }
    const comparisons: ScaleComparison[] = [];
    const compareRounds: { round: number; scale: number; rows: Row[] }[] = [];
    let directQueries: DirectQueryTimes[] = [];
    if (options.compareScales.length > 0) {
      // A B B A: each scale measured before and after the other, so a machine that gets busier (or quieter)
      // during the run weighs on every scale alike; each scale's p50 is the mean of its two rounds.
      const ascending = [...options.compareScales].sort((a, b) => a - b);
      const order = [...ascending, ...[...ascending].reverse()];
      for (const [round, scale] of order.entries()) {
        const county = counties.get(scale)!;
        log(`\nStats at scale ${scale} (${county.tenant}), round ${round + 1} of ${order.length}`);
        const { rows } = await measure(county, () => statsPhases(county), false);
        compareRounds.push({ round, scale, rows });
      }
      for (const label of ['stats: county', 'stats: township', 'stats: village']) {
        comparisons.push(
          compareScales(
            label,
            ascending.map((scale) => {
              const rows = compareRounds
                .filter((r) => r.scale === scale)
                .map((r) => r.rows.find((row) => row.label === label)!);
              const p50 = rows.reduce((sum, row) => sum + row.p50, 0) / rows.length;
              return { scale, riskPoints: counties.get(scale)!.shape.riskPoints, row: { ...rows[0]!, p50 } };
            }),
          ),
        );
      }
      log('\nTiming the access patterns straight against DynamoDB Local, one call at a time');
      directQueries = await timeDirectQueries(
        client,
        TABLE,
        ascending.map((scale) => counties.get(scale)!),
        50,
      );
    }
    machine.loadAverage.push(loadavg()[0] ?? 0);

    // --- Report -------------------------------------------------------------------------------------------------
    let failed = false;
    for (const result of results) {
      const county = counties.get(result.scale)!;
      log(
        `\nScale ${result.scale} of Nanjing: ${county.shape.townships + county.shape.villages + 1} grids, ${county.shape.units} units, ${county.shape.riskPoints} risk points; ${options.connections} connections, ${options.duration} s per endpoint`,
      );
      log(formatTable(result.rows));
      for (const row of result.rows) {
        for (const failure of row.failures) log(`BUDGET BROKEN  ${row.label}: ${failure}`);
        for (const advisory of row.advisories)
          log(`advisory       ${row.label}: ${advisory} (enforced only with --strict)`);
        failed ||= row.failures.length > 0;
      }
    }
    if (comparisons.length > 0) {
      log('\nStats latency against the number of risk points (p50, mean of two rounds per scale)');
      log(formatComparison(comparisons));
      log(
        '\nThe same access patterns straight to DynamoDB Local, one call in flight (informative, no budget)',
      );
      log(formatDirectQueries(directQueries));
      for (const comparison of comparisons) {
        for (const failure of comparison.failures) log(`BUDGET BROKEN  ${comparison.label}: ${failure}`);
        failed ||= comparison.failures.length > 0;
      }
    }
    for (const check of statsChecks) {
      if (check.mismatches.length > 0) {
        log(
          `CHECK FAILED   ${check.tenant}: ${check.mismatches.length} grids' stats differ from the seeded totals`,
        );
        failed = true;
      }
    }
    if (scans > 0) {
      log(`BUDGET BROKEN  ${scans} Scan calls reached the DynamoDB client under load`);
      failed = true;
    }
    log(
      '\nSeeding (transactions: each record one TransactWriteItems through its repository; bulk: the same items by BatchWriteItem, counters written once):',
    );
    for (const county of [...seedingComparison, ...counties.values()]) {
      const recordPhases = county.phases.filter((phase) => phase.what !== 'counter shards');
      const records = recordPhases.reduce((sum, phase) => sum + phase.records, 0);
      const seconds = county.phases.reduce((sum, phase) => sum + phase.seconds, 0);
      log(
        `  scale ${county.scale} (${county.tenant}, ${county.seedPath ?? 'transactions'}): ${records} records in ${formatDuration(county.seedSeconds)} (${(records / seconds).toFixed(0)} records/s${county.bulk ? `, ${(county.bulk.items / seconds).toFixed(0)} items/s` : ''}); ${county.phases.map((p) => `${p.what} ${p.perSecond.toFixed(0)}/s`).join(', ')}`,
      );
    }
    log(`Load average at end: ${machine.loadAverage[1]?.toFixed(2)}`);

    if (options.json) {
      writeFileSync(
        options.json,
        `${JSON.stringify(
          {
            machine,
            options,
            statsChecks,
            seeds: [...seedingComparison, ...counties.values()].map(
              ({
                riskPointSample: _s,
                cyclePool: _c,
                villageIds: _v,
                townshipIds: _t,
                expectedStats: _e,
                ...rest
              }) => rest,
            ),
            results,
            comparisons,
            compareRounds,
            directQueries,
            scans,
            passed: !failed,
          },
          null,
          2,
        )}\n`,
      );
      log(`Results written to ${options.json}`);
    }
    const advisories = results.reduce(
      (sum, r) => sum + r.rows.filter((row) => row.advisories.length > 0).length,
      0,
    );
    log(
      failed
        ? '\nSome budgets are broken (see above).'
        : `\nEvery enforced budget holds${advisories > 0 ? `; ${advisories} rows are over 3× the no-op endpoint, which is enforced only with --strict (it measures DynamoDB Local, not the API)` : ''}.`,
    );
    return failed ? 1 : 0;
  } finally {
    await stopAll();
  }
}

interface Phase {
  name: string;
  kind: RequestKind;
  /** Row label → the request it measures, for the JSON. */
  paths: Record<string, string>;
  /** Runs before the warm-up and before the measured run. */
  prepare?: () => Promise<void>;
}

/** Whether `--only` names one of the phase's rows (by the start of its label). */
function wanted(phase: Phase, only: string[]): boolean {
  return Object.keys(phase.paths).some((label) => only.some((prefix) => label.startsWith(prefix)));
}

function single(label: string, path: string, urls: string[]): Phase {
  return { name: label, kind: getOneOf(label, urls), paths: { [label]: path } };
}

function statsPhases(county: SeededCounty): Phase[] {
  const base = countyApiBasePath(county.tenant);
  return [
    single('no-op: GET /me', 'GET /me', [`${base}/me`]),
    single('stats: county', 'GET /grids/{county}/stats', [`${base}/grids/${county.countyId}/stats`]),
    single(
      'stats: township',
      'GET /grids/{township}/stats (a random township each request)',
      county.townshipIds.map((id) => `${base}/grids/${id}/stats`),
    ),
    single(
      'stats: village',
      'GET /grids/{village}/stats (a random village each request)',
      county.villageIds.map((id) => `${base}/grids/${id}/stats`),
    ),
  ];
}

function allPhases(
  county: SeededCounty,
  url: string,
  token: string,
  reviewerToken: string,
  connections: number,
  settle: () => Promise<void>,
): Phase[] {
  const base = countyApiBasePath(county.tenant);
  const [noop, ...stats] = statsPhases(county);
  const cycle = new TransitionCycle(base, reviewerToken);
  // Fewer points than connections would leave connections idle; the seed keeps at least 64.
  // A small active set (four points a connection) so that every point goes round submit → approve → reopen
  // several times a run and the three rows get their share; a point is still never in flight twice.
  const pool = county.cyclePool.slice(0, Math.max(32, connections * 4));
  let loaded = false;
  const prepare = async () => {
    // Points whose request was cut off when a run ended (or left mid-lap by an earlier run on a kept data
    // directory) are read again, so every lap starts from the point's real status.
    const unsettled = loaded ? cycle.takeUnsettled() : pool;
    loaded = true;
    // A request cut off when the run ended may still be running in the API: read only once it is idle.
    await settle();
    await inParallel(unsettled, 16, async (id) => {
      const response = await fetch(`${url}${base}/risk-points/${id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!response.ok) throw new Error(`reading risk point ${id} answered ${response.status}`);
      cycle.add(id, ((await response.json()) as { status: string }).status);
    });
  };
  return [
    noop!,
    ...stats,
    single(
      'list: red points in a township',
      'GET /risk-points?grid={township}&color=red (first page, 50)',
      county.townshipIds.map((id) => `${base}/risk-points?grid=${id}&color=red`),
    ),
    single(
      'list: units in a township',
      'GET /units?grid={township} (first page, 50)',
      county.townshipIds.map((id) => `${base}/units?grid=${id}`),
    ),
    single(
      'record page',
      'GET /risk-points/{id} (a random point of a 5,000 sample)',
      county.riskPointSample.map((id) => `${base}/risk-points/${id}`),
    ),
    {
      name: 'transitions',
      kind: cycle,
      paths: {
        'transition: submit': 'POST /risk-points/{id}/submit (a draft with a verified photo)',
        'transition: approve': 'POST /risk-points/{id}/approve (township review, files it)',
        'transition: reopen': 'POST /risk-points/{id}/reopen (back to draft)',
      },
      prepare,
    },
    {
      ...noop!,
      name: 'no-op: GET /me (again)',
      kind: getOneOf('no-op: GET /me (again)', [`${base}/me`]),
      paths: { 'no-op: GET /me (again)': 'GET /me' },
    },
  ];
}

async function login(url: string, tenant: string, username = BENCH_ADMIN): Promise<string> {
  const response = await fetch(`${url}${countyApiBasePath(tenant)}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: BENCH_PASSWORD }),
  });
  if (!response.ok)
    throw new Error(
      `Logging in to ${tenant} as ${username} answered ${response.status}: ${await response.text()} (a --data-dir seeded before ${BENCH_REVIEWER} existed needs seeding again)`,
    );
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** A county id per scale, e.g. 0.01 → bench000100 (parts per million would not fit the smallest scales' id). */
function tenantFor(scale: number): string {
  return `bench${String(Math.round(scale * 10_000)).padStart(6, '0')}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 120 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${(seconds / 3600).toFixed(1)} h`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
