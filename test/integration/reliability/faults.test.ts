import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueTenant } from '../../support/harness.ts';
import {
  dynamoFrozenScenario,
  dynamoKillScenario,
  type FaultStack,
  importThroughFreezeScenario,
  s3DownScenario,
  startFaultStack,
} from '../../support/reliability/faults.ts';
import { injectedServices } from '../../support/reliability/services.ts';

/**
 * Faults the local stack can really have: DynamoDB Local killed mid-load and restarted, the S3 server down
 * between an upload and its confirm. This file runs its own DynamoDB Local (on disk, so the data survives
 * the kill) and its own S3 server, so the other test files never notice.
 */
let stack: FaultStack;

beforeAll(async () => {
  // What production runs: 2 s per DynamoDB attempt, two attempts (packages/db/src/dynamo-client.ts). Without
  // this, a client pointed at DynamoDB Local is given more slack for a busy machine's JVM pauses.
  process.env.GRIDSAFE_DYNAMODB_TIMEOUTS = 'aws';
  stack = await startFaultStack(injectedServices(), uniqueTenant('ft'));
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the S3 server down', () => {
  it('answers the photo confirm 503, leaves the record untouched, and confirms once S3 is back', async () => {
    const report = await s3DownScenario(stack, stack.county, stack.admin);
    console.info(`s3 down: ${JSON.stringify(report)}`);
    expect(report.failures).toEqual([]);
    expect(report.confirm).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(report.confirm.ms).toBeLessThan(3_000);
    expect(report.healthDuringOutage).toBe(503);
    expect(report.afterRestart).toMatchObject({
      status: 200,
      photos: 1,
      auditActions: ['created', 'photo_added'],
    });
  }, 60_000);
});

describe('DynamoDB Local frozen (docs/reliability.md, finding 4)', () => {
  it('answers 503 within 5 s when DynamoDB holds the connection and never answers, instead of hanging', async () => {
    // The SDK's requestTimeout only logs a warning unless throwOnRequestTimeout is set (docs/reliability.md).
    const report = await dynamoFrozenScenario(stack, { boundMs: 5_000, giveUpMs: 8_000, requests: 6 });
    console.info(`dynamodb frozen: ${JSON.stringify(report)}`);
    expect(report.recovered).toBe(true);
    expect(report.failures).toEqual([]);
  }, 60_000);
});

describe('DynamoDB Local frozen while an import job writes', () => {
  it('pauses the job, goes on from its checkpoint once DynamoDB answers, and makes and counts every unit once', async () => {
    const report = await importThroughFreezeScenario(stack, {
      rows: 900,
      frozenMs: 5_000,
      township: '杨桥镇',
      villages: ['杨桥村', '前进村'],
    });
    console.info(
      `import through a freeze: ${JSON.stringify({ ...report, job: { ...report.job, rejected: undefined } })}`,
    );
    expect(report.pauses).toBeGreaterThan(0);
    // The freeze fell inside the file's one chunk after some of its units were made, so the job went on with rows
    // it had already written: they count as created, not as found unchanged.
    expect(report.processedAtFreeze).toBe(0);
    expect(report.madeAtFreeze).toBeGreaterThan(0);
    expect(report.job).toMatchObject({ status: 'done', processed: 900, created: 900, skipped: 0, errors: 0 });
    expect(report.duplicated).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.counted.after - report.counted.before).toBe(900);
    expect(report.listed.after - report.listed.before).toBe(900);
  }, 120_000);
});

describe('DynamoDB Local killed mid-load', () => {
  it('fails fast with 503, recovers without an API restart, and leaves no partial state', async () => {
    const report = await dynamoKillScenario(stack, {
      loadMs: 5_000,
      killAtMs: 2_000,
      ratePerSecond: 40,
      boundMs: 3_000,
    });
    console.info(`dynamodb kill: ${JSON.stringify(report)}`);
    expect(report.failures).toEqual([]);
    expect(report.after['503']).toBeGreaterThan(20);
    // DynamoDB Local's own window (faults.ts): at most the one or two writes it was answering as it died.
    expect(report.unflushedAtKill).toBeLessThanOrEqual(2);
    expect(report.healthDuringOutage.status).toBe(503);
    // The load's points were recounted and their chains read, not an empty county.
    expect(report.recount.points).toBeGreaterThan(0);
    expect(report.chains.checked).toBe(report.recount.points);
    expect(report.recount.mismatches).toEqual([]);
    expect(report.chains.mismatches).toEqual([]);
  }, 150_000);
});
