import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AdjustableClock } from '@gridsafe/core';
import { call, countyClient } from '../test/support/reliability/client.ts';
import { auditMatches, recountAgainstCounters } from '../test/support/reliability/consistency.ts';
import {
  dynamoFrozenScenario,
  dynamoKillScenario,
  s3DownScenario,
  startFaultStack,
} from '../test/support/reliability/faults.ts';
import { fuzzOperations, oversizedBodies, prepareFuzzCounty } from '../test/support/reliability/fuzz.ts';
import {
  credentialSweep,
  foreignIdSweep,
  isolationFixture,
  snapshotCounty,
  THERE_SHAPE,
} from '../test/support/reliability/isolation.ts';
import { registerDeputy, runMixedLoad } from '../test/support/reliability/load.ts';
import { loadOperations } from '../test/support/reliability/openapi-routes.ts';
import {
  concurrentIdempotentCreates,
  simultaneousApprovals,
  submittedPoint,
} from '../test/support/reliability/races.ts';
import {
  buildApi,
  type Services,
  startOwnDynamo,
  startOwnIssuer,
  startOwnS3,
} from '../test/support/reliability/stack.ts';
import { sweeperScenario } from '../test/support/reliability/sweeper.ts';
import { tokenForger } from '../test/support/reliability/tokens.ts';
import { validPathFor } from '../test/support/reliability/verbatim.ts';

/**
 * `npm run reliability`: the full versions of the reliability tests (test/integration/reliability holds the
 * quick ones `npm test` runs). Starts its own DynamoDB Local, S3 server and token issuer, attacks the API the
 * way reality will, prints the figures, writes them to test-output/reliability.json and into the figures block
 * of docs/reliability.md, and exits 1 if anything failed.
 *
 *   npm run reliability                       # everything, a 3-minute soak
 *   npm run reliability -- --soak-minutes 10 --only soak
 *   npm run reliability -- --fuzz-runs 500 --only fuzz,isolation
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    'soak-minutes': { type: 'string', default: '3' },
    'soak-concurrency': { type: 'string', default: '16' },
    'fuzz-runs': { type: 'string', default: '150' },
    'no-docs': { type: 'boolean', default: false },
  },
});
const SECTIONS = ['isolation', 'fuzz', 'races', 'soak', 'faults', 'sweeper'] as const;
type Section = (typeof SECTIONS)[number];
const selected = new Set<Section>(
  args.only ? (args.only.split(',').map((s) => s.trim()) as Section[]) : [...SECTIONS],
);
for (const section of selected) {
  if (!SECTIONS.includes(section))
    throw new Error(`--only: unknown section ${section} (one of ${SECTIONS.join(', ')})`);
}

const figures: Record<string, Record<string, unknown>> = {};
const failures: string[] = [];
const fail = (section: string, problems: string[]) => {
  for (const problem of problems) failures.push(`${section}: ${problem}`);
};
let tenantSerial = 0;
const tenant = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(tenantSerial++).toString(36)}`.slice(0, 32);
const log = (message: string) =>
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

async function isolation(services: Services, issuer: Awaited<ReturnType<typeof startOwnIssuer>>) {
  const [a, b] = [tenant('risa'), tenant('risb')];
  const api = buildApi(services, { tenants: [a, b] });
  const [here, there] = await Promise.all([
    isolationFixture(api, a, 'linquan'),
    isolationFixture(api, b, THERE_SHAPE),
  ]);
  const { doc, operations } = await loadOperations(api.app, a);
  const before = await snapshotCounty(api, there);
  const foreign = await foreignIdSweep({ app: api.app, doc, operations, here, there });
  fail('isolation (foreign ids)', foreign.failures);
  if (JSON.stringify(await snapshotCounty(api, there)) !== JSON.stringify(before))
    fail('isolation', ['the other county changed']);
  const token = await credentialSweep({
    app: api.app,
    doc,
    operations,
    here,
    credentials: { 'another county’s token': `Bearer ${there.token}` },
    expected: 403,
    secrets: here.secrets,
  });
  fail('isolation (foreign token)', token.failures);
  const forger = await tokenForger(issuer);
  const control = await call(api.app, 'GET', `/t/${a}/api/v1/me`, { token: await forger.valid(here.token) });
  if (control.status !== 200) fail('isolation', [`a re-signed valid token answered ${control.status}`]);
  const credentials = await forger.badCredentials(here.token);
  const bad = await credentialSweep({
    app: api.app,
    doc,
    operations,
    here,
    credentials,
    expected: 401,
    secrets: here.secrets,
  });
  fail('isolation (bad tokens)', bad.failures);
  figures.isolation = {
    operations: operations.filter((o) => !o.public).length,
    'foreign-id requests': foreign.requests,
    'foreign-id statuses': foreign.statuses,
    'foreign-token requests': token.requests,
    'bad-token kinds': Object.keys(credentials).length,
    'bad-token requests': bad.requests,
    failures: foreign.failures.length + token.failures.length + bad.failures.length,
  };
}

async function fuzz(services: Services, runs: number) {
  const t = tenant('rfz');
  const api = buildApi(services, { tenants: [t] });
  const { county, admin, pointId, photoId, more } = await prepareFuzzCounty(api, t);
  const { doc, operations } = await loadOperations(api.app, t);
  const validPath = (op: (typeof operations)[number]) => validPathFor(op, county, { pointId, photoId, more });
  const report = await fuzzOperations({
    app: api.app,
    tenant: t,
    token: admin.token,
    doc,
    operations,
    validPath,
    numRuns: runs,
    concurrency: 2,
    shrink: true,
  });
  fail(
    'fuzz',
    report.failures.map(
      (f) =>
        `${f.operation} (${f.property}, seed ${f.seed}): ${f.problem.slice(0, 200)} — ${f.counterexample.slice(0, 300)}`,
    ),
  );
  const oversized = await oversizedBodies({
    app: api.app,
    tenant: t,
    token: admin.token,
    operations,
    validPath,
  });
  fail('oversized bodies', oversized.failures);
  figures.fuzz = {
    operations: report.operations,
    'runs per operation and property': runs,
    requests: report.requests,
    statuses: report.statuses,
    seconds: Math.round(report.ms / 1000),
    'failing properties': report.failures.length,
    'oversized bodies checked': oversized.checked,
    'oversized failures': oversized.failures.length,
  };
}

async function races(services: Services) {
  const t = tenant('rrc');
  const api = buildApi(services, { tenants: [t] });
  const county = await api.seedSmall(t);
  const login = async (u: string) => countyClient(api.app, t, await api.login(t, u));
  const [admin, township, member] = await Promise.all([
    login('county.admin'),
    login('township.officer'),
    login('grid.member'),
  ]);
  const RED = { method: 'LEC', L: 6, E: 6, C: 15 };
  const results: Record<string, unknown> = {};
  // Precise: 50 at once, as the issue states, each kind five times over: one success, the rest 409 (or 403 when
  // the filing moved on to a step a township officer cannot act at).
  for (const [name, reviewer, withIfMatch] of [
    ['township officer, If-Match', township, true],
    ['township officer, no If-Match', township, false],
    ['county admin, If-Match', admin, true],
  ] as const) {
    const byStatus: Record<string, number> = {};
    let slowest = 0;
    for (let round = 0; round < 5; round++) {
      const point = await submittedPoint(member, county.unit(1), RED);
      const race = await simultaneousApprovals(reviewer, point, 50, withIfMatch);
      const approvals = race.auditActions.filter((a) => a === 'approved' || a === 'filed').length;
      if (race.ok !== 1 || approvals !== 1)
        fail('races', [`${name}: ${race.ok} successes, ${approvals} approval events`]);
      const odd = race.answers.filter(
        (a) =>
          a.status !== 200 &&
          a.status !== 409 &&
          !(a.status === 403 && !withIfMatch && /county review/.test(a.body?.detail)),
      );
      if (odd.length > 0)
        fail('races', [`${name}: ${odd.map((a) => `${a.status} ${a.body?.code}`).join(', ')}`]);
      for (const [status, count] of Object.entries(race.byStatus))
        byStatus[status] = (byStatus[status] ?? 0) + count;
      slowest = Math.max(slowest, race.maxMs);
    }
    results[`${name}: 5 rounds of 50 at once`] = { byStatus, 'slowest ms': slowest };
  }
  // Stress: 200 at once on one record. Still exactly one success; DynamoDB Local cannot accept 200 connections
  // within the client's 1 s connect timeout, so some answer 503 (with Retry-After), which is reported, not failed.
  {
    const point = await submittedPoint(member, county.unit(1), RED);
    const race = await simultaneousApprovals(township, point, 200, true);
    const approvals = race.auditActions.filter((a) => a === 'approved' || a === 'filed').length;
    if (race.ok !== 1 || approvals !== 1)
      fail('races', [`200 at once: ${race.ok} successes, ${approvals} approval events`]);
    const odd = race.answers.filter((a) => ![200, 409, 503].includes(a.status));
    if (odd.length > 0) fail('races', [`200 at once: ${odd.map((a) => a.status).join(', ')}`]);
    results['township officer, If-Match, 200 at once (stress)'] = {
      byStatus: race.byStatus,
      byCode: race.byCode,
      'slowest ms': race.maxMs,
    };
  }
  const body = {
    name: '重试点',
    unitId: county.unit(1),
    industry: 'industry_trade_general',
    location: { lat: 33.1, lng: 115.5 },
  };
  const before = (await admin.get(`/grids/${county.village1}/stats`)).body.riskPoints.total;
  const creates = await concurrentIdempotentCreates(member, '/risk-points', body, 50, `rel-${Date.now()}`);
  const after = (await admin.get(`/grids/${county.village1}/stats`)).body.riskPoints.total;
  if (creates.ids.size !== 1 || after !== before + 1)
    fail('idempotency', [`50 retries made ${creates.ids.size} ids, counter +${after - before}`]);
  results['one create retried 50 times at once'] = {
    byStatus: creates.byStatus,
    records: creates.ids.size,
    'counter delta': after - before,
  };
  figures.races = results;
}

async function soak(services: Services, minutes: number, concurrency: number) {
  const t = tenant('rsk');
  const api = buildApi(services, { tenants: [t] });
  const county = await api.seed(t, 'linquan');
  const admin = countyClient(api.app, t, await api.login(t, 'county.admin'));
  const nodes = (await admin.all(`/grids?within=${county.county}`)).map((n) => n.id);
  const seeded = (await admin.all('/risk-points')).map((p) => p.id);
  const filer = await registerDeputy(admin, county.county, async (username) =>
    countyClient(api.app, t, await api.login(t, username)),
  );
  const load = await runMixedLoad({
    admin,
    filer,
    county,
    concurrency,
    durationMs: minutes * 60_000,
    warmupMs: 30_000,
    readable: seeded,
    nodes,
  });
  fail('soak', load.errors);
  // Two minutes or more of flat heap after the warm-up: the regression over the run must stay under 20 MB.
  if (load.memory.gc && load.memory.growthMb > 20)
    fail('soak', [`heap grew ${load.memory.growthMb} MB over the run`]);
  const recount = await recountAgainstCounters(admin, county.county);
  fail('recount', recount.mismatches);
  const audit = await auditMatches(admin, load.actions);
  fail('audit', audit.mismatches);
  const heap = load.memory.samples.map(([, mb]) => mb);
  figures.soak = {
    minutes,
    concurrency,
    requests: load.requests,
    'requests/s': load.throughputPerSecond,
    errors: load.errorCount,
    'heap MB (first, min, max, last after GC)': [heap[0], Math.min(...heap), Math.max(...heap), heap.at(-1)],
    'heap slope MB/min': load.memory.slopeMbPerMinute,
    'heap growth MB over the run': load.memory.growthMb,
    'latency ms by operation (p50/p95/p99/max)': Object.fromEntries(
      Object.entries(load.byOperation).map(([op, p]) => [
        op,
        `${p.p50}/${p.p95}/${p.p99}/${p.max} (n=${p.n})`,
      ]),
    ),
    'recount: nodes, points, units, hazards': [recount.nodes, recount.points, recount.units, recount.hazards],
    'recount mismatches': recount.mismatches.length,
    'points audited, events': [audit.checked, audit.events],
    'audit mismatches': audit.mismatches.length,
  };
}

async function faults(services: Services) {
  // The faults are judged against production's DynamoDB timeouts (2 s, two attempts), not DynamoDB Local's slack.
  process.env.GRIDSAFE_DYNAMODB_TIMEOUTS = 'aws';
  const stack = await startFaultStack(services, tenant('rft'));
  try {
    const s3 = await s3DownScenario(stack, stack.county, stack.admin);
    fail('S3 down', s3.failures);
    const frozen = await dynamoFrozenScenario(stack, { boundMs: 5_000, giveUpMs: 20_000, requests: 12 });
    fail('DynamoDB frozen', frozen.failures);
    const kill = await dynamoKillScenario(stack, {
      loadMs: 15_000,
      killAtMs: 5_000,
      ratePerSecond: 80,
      boundMs: 3_000,
    });
    fail('DynamoDB kill', [...kill.failures, ...kill.recount.mismatches, ...kill.chains.mismatches]);
    figures.faults = {
      'S3 down: confirm': s3.confirm,
      'S3 down: upload at the phone': s3.uploadWhileDown,
      'S3 down: record unchanged': s3.unchanged,
      'S3 back: confirm': s3.afterRestart.status,
      'DynamoDB frozen (SIGSTOP): answers (op status ms)': frozen.answers
        .map((a) => `${a.op} ${a.status} ${a.ms}`)
        .join('; '),
      'DynamoDB kill: requests': kill.requests,
      'DynamoDB kill: killed at ms': kill.killAtMs,
      'DynamoDB kill: before (by status)': kill.before,
      'DynamoDB kill: after (by status)': kill.after,
      'DynamoDB kill: after-kill latency ms (p50/p95/p99/max)': `${kill.afterKill.p50}/${kill.afterKill.p95}/${kill.afterKill.p99}/${kill.afterKill.max}`,
      'DynamoDB kill: in-flight latency ms (p50/max)': `${kill.inFlight.p50}/${kill.inFlight.max} (n=${kill.inFlight.n})`,
      'DynamoDB kill: last in-flight request ended after the kill (ms)': kill.inFlightEndedAfterKillMs,
      'DynamoDB kill: health while down': kill.healthDuringOutage,
      'DynamoDB Local restart ms': kill.restartMs,
      'API healthy again after ms': kill.recoveredAfterMs,
      'creates answered 503 and retried with their key': kill.retriedCreates,
      'recount (nodes, points) / mismatches': `${kill.recount.nodes}, ${kill.recount.points} / ${kill.recount.mismatches.length}`,
      'audit chains checked / broken': `${kill.chains.checked} / ${kill.chains.mismatches.length}`,
      failures: s3.failures.length + frozen.failures.length + kill.failures.length,
    };
  } finally {
    await stack.stop();
  }
}

async function sweeper(services: Services) {
  const t = tenant('rsw');
  const clock = new AdjustableClock();
  const api = buildApi(services, { tenants: [t], clock });
  const county = await api.seedSmall(t);
  const admin = countyClient(api.app, t, await api.login(t, 'county.admin'));
  const member = countyClient(api.app, t, await api.login(t, 'grid.member'));
  const report = await sweeperScenario({
    client: api.deps.documentClient,
    county,
    admin,
    filer: member,
    clock,
    count: 60,
    dieAfter: 23,
  });
  fail('sweeper', [...report.wrong, ...report.doubled, ...report.recountMismatches]);
  figures.sweeper = {
    hazards: report.hazards,
    'killed after commits': report.killedAfterCommits,
    runs: report.runs,
    'hazards raised other than once per step': report.wrong.length,
    'steps doubled (whole county)': report.doubled.length,
    'recount mismatches': report.recountMismatches.length,
  };
}

function markdown(): string {
  const lines = [`Run: ${new Date().toISOString()} · node ${process.version} · ${selectedList()}`, ''];
  for (const [section, values] of Object.entries(figures)) {
    lines.push(`**${section}**`, '', '| figure | value |', '| --- | --- |');
    for (const [name, value] of Object.entries(values)) {
      lines.push(
        `| ${name} | ${(typeof value === 'string' ? value : JSON.stringify(value)).replaceAll('|', '\\|')} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    failures.length === 0
      ? 'Failures: none.'
      : `Failures (${failures.length}):\n\n${failures.map((f) => `- ${redact(f).replaceAll('\n', ' ').slice(0, 400)}`).join('\n')}`,
  );
  return lines.join('\n');
}
const selectedList = () => [...selected].join(', ');
/** Counterexamples carry the test's access tokens: short-lived and local, but noise in a document. */
const redact = (text: string) => text.replace(/Bearer [A-Za-z0-9._-]+/g, 'Bearer …');

function writeFigures() {
  const out = join(root, 'test-output');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'reliability.json'),
    JSON.stringify({ at: new Date().toISOString(), figures, failures }, null, 2),
  );
  const doc = join(root, 'docs', 'reliability.md');
  if (args['no-docs'] || !existsSync(doc)) return;
  const text = readFileSync(doc, 'utf8');
  const start = '<!-- reliability-figures:start -->';
  const end = '<!-- reliability-figures:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  writeFileSync(doc, `${text.slice(0, from + start.length)}\n${markdown()}\n${text.slice(to)}`);
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'gridsafe-reliability-'));
  log('Starting DynamoDB Local, the S3 server and a token issuer of our own');
  const [dynamo, s3, issuer] = await Promise.all([
    startOwnDynamo(),
    startOwnS3(join(work, 's3')),
    startOwnIssuer(),
  ]);
  const services: Services = {
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    issuerUrl: issuer.url,
    issuer: issuer.issuer,
    jwksUrl: issuer.jwksUrl,
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
  };
  const run = async (section: Section, action: () => Promise<void>) => {
    if (!selected.has(section)) return;
    log(`${section} …`);
    const started = performance.now();
    try {
      await action();
    } catch (error) {
      fail(section, [`crashed: ${(error as Error).stack ?? String(error)}`]);
    }
    log(`${section} done in ${Math.round((performance.now() - started) / 1000)} s`);
  };
  try {
    await run('isolation', () => isolation(services, issuer));
    await run('fuzz', () => fuzz(services, Number(args['fuzz-runs'])));
    await run('races', () => races(services));
    await run('soak', () => soak(services, Number(args['soak-minutes']), Number(args['soak-concurrency'])));
    await run('faults', () => faults(services));
    await run('sweeper', () => sweeper(services));
  } finally {
    await Promise.allSettled([dynamo.stop(), s3.stop(), issuer.stop()]);
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\n${markdown()}\n`);
  writeFigures();
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
