import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createApp } from '@gridsafe/api';
import { DEFAULT_PROVIDER_ID, makeCreditCode, systemClock, ulidSource } from '@gridsafe/core';
import { vendorKnowledgeBase } from '@gridsafe/core/vendor-knowledge';
import { batchWrite, planPatrols, SettingsRepository, TenantStore } from '@gridsafe/db';
import iconv from 'iconv-lite';
import { countyClient, exportUnitRegister, loadText } from './bench/county-client.ts';
import { BENCH_TABLE, startCountyServices } from './bench/county-services.ts';
import { DEMO_PASSWORD, TAIHE } from './seed/demo-data.ts';
import { seedDemoCounty } from './seed/seed-demo.ts';

/**
 * The unit import as a county uses it: one GB18030 spreadsheet of 8,500 units (Taihe's count) or 320,000
 * (Nanjing's), announced (`POST /imports`), uploaded to the S3 server with the presigned PUT, started
 * (`POST /imports/{id}/start`) and followed (`GET /imports/{id}`) through the real app and DynamoDB Local, the job
 * running in the app's process as it does locally; then the same file again (nothing should change).
 *
 * With `--export`, the county's whole unit register is then exported through the export job as .xlsx and as CSV
 * (`POST /exports`, `GET /exports/{id}` until done, the file fetched from its link): at 320,000 rows this is the
 * export issue 16 asks to be shown outside `npm test`.
 *
 * With `--plan <n>[,<n>…]`, the night's patrol plan then gives every imported unit its first task (planPatrols, the
 * first plan after a county-sized import), once per number given, each scheduling that many units at once: a
 * plan's tasks are removed (from DynamoDB directly) before the next, so each run plans every unit again.
 *
 *   node scripts/run.mjs scripts/bench-import.ts [--rows 8500] [--villages <n>] [--export] [--no-search-wait]
 *     [--plan 1,8]
 */
const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 8500;
const EXPORT = process.argv.includes('--export');
// `--no-search-wait`: go on to the same file again while the first import's search postings are still written.
const SEARCH_WAIT = !process.argv.includes('--no-search-wait');
// `--villages 1` puts every row in one village: its batches share that village's counters, the browser test's case.
const planArg = process.argv.indexOf('--plan');
const PLAN_IN_FLIGHT =
  planArg > 0
    ? String(process.argv[planArg + 1])
        .split(',')
        .map(Number)
    : [];
const villagesArg = process.argv.indexOf('--villages');
const VILLAGES = villagesArg > 0 ? Number(process.argv[villagesArg + 1]) : Number.POSITIVE_INFINITY;
const { deps, stop } = await startCountyServices({ tenant: 'taihe', reportDynamoCalls: true });
try {
  await seedDemoCounty(
    {
      client: deps.documentClient,
      tableName: BENCH_TABLE,
      identity: deps.identity,
      passwordProvider: deps.passwordProvider ?? DEFAULT_PROVIDER_ID,
    },
    TAIHE,
  );
  const api = await countyClient(createApp(deps), 'taihe', {
    username: 'county.admin',
    password: DEMO_PASSWORD,
  });

  const villages = TAIHE.townships
    .flatMap((t) => t.villages.map((v) => [t.name, v] as const))
    .slice(0, VILLAGES);
  const industries = vendorKnowledgeBase.industries.map((i) => i.name);
  const lines = ['单位名称,统一社会信用代码,行业,乡镇,村/社区,地址,联系人,联系电话'];
  for (let i = 0; i < ROWS; i++) {
    const [township, village] = villages[i % villages.length]!;
    lines.push(
      [
        `太和县测试企业${i + 1}号`,
        makeCreditCode('91341222', 100_000 + i),
        industries[i % industries.length],
        township,
        village,
        `${village}${i}号`,
        '张三',
        '13800000000',
      ].join(','),
    );
  }
  const bytes = Uint8Array.from(iconv.encode(`${lines.join('\r\n')}\r\n`, 'gb18030'));

  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const run = async (label: string) => {
    const started = performance.now();
    const job = await api<{ id: string; upload: { url: string; headers: Record<string, string> } }>(
      'POST',
      '/imports',
      { kind: 'units', contentType: 'text/csv', size: bytes.byteLength, sha256 },
    );
    const put = await fetch(job.upload.url, { method: 'PUT', headers: job.upload.headers, body: bytes });
    if (!put.ok) throw new Error(`upload: ${put.status} ${await put.text()}`);
    await api('POST', `/imports/${job.id}/start`);
    type Progress = { status: string; processed: number; total?: number; created: number; updated: number };
    let progress: Progress;
    let lastReport = 0;
    for (;;) {
      progress = await api<Progress>('GET', `/imports/${job.id}`);
      if (progress.status === 'done' || progress.status === 'failed') break;
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        const elapsed = (performance.now() - started) / 1000;
        console.log(
          `  ${elapsed.toFixed(0).padStart(5)} s  ${progress.processed} of ${progress.total ?? '?'} rows   load ${loadText()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const seconds = (performance.now() - started) / 1000;
    const { status, processed, created, updated } = progress;
    const skipped = (progress as Progress & { skipped: number }).skipped;
    const errors = (progress as Progress & { errors: number }).errors;
    console.log(
      `${label.padEnd(16)} ${seconds.toFixed(1).padStart(7)} s   ${(ROWS / seconds).toFixed(0).padStart(5)} rows/s   ${JSON.stringify({ status, processed, created, updated, skipped, errors })}   load ${loadText()}`,
    );
    if (status !== 'done') process.exitCode = 1;
    return { started, seconds, created, skipped };
  };
  console.log(
    `Importing ${ROWS} units (${(bytes.byteLength / 1024).toFixed(0)} KB of GB18030) into DynamoDB Local`,
  );
  const first = await run('first import');
  // The job answers done once every row's unit is in; it then writes their search postings (most of their items).
  // Searchable: no batch of the county still marked as owing postings.
  const pending = new TenantStore(deps.documentClient, BENCH_TABLE, 'taihe').key('SEARCHPENDING', 'unit');
  for (; SEARCH_WAIT; ) {
    const { Count } = await deps.documentClient.send(
      new QueryCommand({
        TableName: BENCH_TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pending },
        Select: 'COUNT',
        Limit: 1,
      }),
    );
    if (!Count) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const searchable = (performance.now() - first.started) / 1000;
  if (SEARCH_WAIT)
    console.log(
      `${'searchable'.padEnd(16)} ${searchable.toFixed(1).padStart(7)} s   ${(ROWS / searchable).toFixed(0).padStart(5)} rows/s   (every new unit's search postings written, from the first import's start)   load ${loadText()}`,
    );
  const again = await run('same file again');
  // Every row made once, and a repeated file makes none: a retried or repeated import never duplicates a unit.
  if (first.created !== ROWS || again.created !== 0 || again.skipped !== ROWS) {
    console.error(`Rows lost or duplicated: first created ${first.created}, again created ${again.created}.`);
    process.exitCode = 1;
  }
  if (EXPORT) {
    for (const format of ['xlsx', 'csv'] as const) {
      const exported = await exportUnitRegister(api, format);
      // The demo county's own units are in the register too: at least every imported row.
      if (exported.status !== 'done' || exported.rows < ROWS || exported.bytes === 0) process.exitCode = 1;
    }
  }
  for (const [index, inFlight] of PLAN_IN_FLIGHT.entries()) {
    const store = new TenantStore(deps.documentClient, BENCH_TABLE, 'taihe');
    if (index > 0) await forgetPlannedTasks(store);
    const { settings } = await new SettingsRepository(store).get();
    const started = performance.now();
    const plan = await planPatrols({
      store,
      clock: systemClock,
      settings,
      ids: ulidSource,
      force: true,
      inFlight,
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `plan, ${String(inFlight).padStart(2)} at once ${seconds.toFixed(1).padStart(7)} s   ${(plan.created / seconds).toFixed(0).padStart(5)} units/s   ${JSON.stringify(plan)}   load ${loadText()}`,
    );
    if (plan.created < ROWS) process.exitCode = 1;
  }
  // Taihe's file within a minute; larger files are reported as a rate (a job has no request limit to meet).
  if (ROWS <= 8500 && first.seconds > 60) {
    console.error(`Budget broken: the first import took ${first.seconds.toFixed(1)} s (budget 60 s).`);
    process.exitCode = 1;
  }
} finally {
  await stop();
}

/**
 * Frees every unit's open-task slot (PATROLOPEN) so that the next plan schedules every unit again. Only the slots:
 * the earlier plan's tasks stay as records, which the plan does not read.
 */
async function forgetPlannedTasks(store: TenantStore): Promise<void> {
  const slots = await store.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': store.key('PATROLOPEN') },
  });
  await batchWrite(
    store,
    slots.map((slot) => ({ delete: { pk: String(slot.pk), sk: String(slot.sk) } })),
    8,
  );
}
