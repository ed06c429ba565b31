import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type JobEvent, runRegisterJob } from '@gridsafe/api/jobs';
import { makeCreditCode, type RegisterJob } from '@gridsafe/core';
import { fromItem, RegisterJobRepository, TenantStore, UnitBulkCreation } from '@gridsafe/db';
import ExcelJS from 'exceljs';
import { describe, expect } from 'vitest';
import { type Client, countyTest, everyItem } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';
import { sha256Hex, uploadWith } from '../support/photos.ts';
import { countyClient } from '../support/reliability/client.ts';
import { recountAgainstCounters } from '../support/reliability/consistency.ts';

const it = countyTest({ prefix: 'rj' });

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Polls a job until it is done or failed (the job runs in the API's process, after the request answered). */
async function finished(client: Client, path: string) {
  for (let attempt = 0; attempt < 600; attempt++) {
    const answer = await client.get(path);
    expect(answer.status).toBe(200);
    if (answer.body.status === 'done' || answer.body.status === 'failed') return answer.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${path} did not finish`);
}

/**
 * Marks an announced import as started without launching it, as `POST /imports/{id}/start` does, so that the test
 * plays the job's Lambda (`runRegisterJob`) itself. Answers the repository it used.
 */
async function startedByHand(store: TenantStore, id: string) {
  const jobs = new RegisterJobRepository(store);
  const stored = (await jobs.getStored(id, true))!;
  const job = fromItem<RegisterJob>(stored);
  await jobs.step(
    stored,
    { ...job, status: 'running' },
    { principal: job.principal, now: new Date() },
    'started',
    {},
  );
  return jobs;
}

/**
 * An import of `count` new units in 旧县镇 刘楼村 (`<prefix><n>号站`, credit codes from `serial`), announced,
 * uploaded and marked started, for a test that plays the job's Lambda.
 */
async function startedInLiulou(
  admin: Client,
  store: TenantStore,
  prefix: string,
  serial: number,
  count: number,
) {
  const rows = Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i + 1}号站`,
    serial: serial + i,
    township: '旧县镇',
    village: '刘楼村',
  }));
  const id = await announceAndUpload(admin, await unitsWorkbook(rows));
  await startedByHand(store, id);
  return { rows, id };
}

/** The units a search finds, asked again until it finds `count` of them (an import job indexes after its end). */
async function searchedUntil(client: Client, query: string, count: number) {
  let found: { name: string }[] = [];
  for (let attempt = 0; attempt < 300 && found.length < count; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    found = await everyItem<{ name: string }>(client, `/units?q=${encodeURIComponent(query)}`);
  }
  return found;
}

async function workbookAt(url: string) {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  return { workbook, disposition: response.headers.get('content-disposition') };
}

/** A county spreadsheet of units as Excel saves it, built with the spreadsheet library itself. */
async function unitsWorkbook(rows: { name: string; serial: number; township: string; village: string }[]) {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('单位');
  sheet.addRow(['单位名称', '统一社会信用代码', '行业', '乡镇', '村/社区', '联系电话']);
  for (const row of rows)
    sheet.addRow([
      row.name,
      makeCreditCode('91341299', row.serial),
      '加油站',
      row.township,
      row.village,
      13800000000,
    ]);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

const importRows = Array.from({ length: 45 }, (_, i) => ({
  name: `作业导入测试${i + 1}号站`,
  serial: 7000 + i,
  township: '城关镇',
  village: i % 2 === 0 ? '南关村' : '北关村',
}));

async function announceAndUpload(client: Client, bytes: Uint8Array<ArrayBuffer>) {
  const announced = await client.post('/imports', {
    kind: 'units',
    contentType: XLSX,
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  expect(announced.status).toBe(201);
  await uploadWith(announced.body.upload, bytes);
  return announced.body.id as string;
}

describe('register exports', () => {
  it('exports the township officer’s hazard register to .xlsx: their area only, Chinese headers, a watermark, audited', async ({
    township,
  }) => {
    const listed = await everyItem(township, '/hazards');
    expect(listed.length).toBeGreaterThan(0);
    const asked = await township.post('/exports', { kind: 'hazards', format: 'xlsx' });
    expect(asked.status).toBe(202);
    const job = await finished(township, `/exports/${asked.body.id}`);
    expect(job).toMatchObject({ status: 'done', rows: listed.length, total: listed.length, format: 'xlsx' });

    const { workbook, disposition } = await workbookAt(job.url);
    expect(disposition).toContain('.xlsx');
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('隐患台账');
    expect(String(sheet.getRow(1).getCell(1).value)).toMatch(/导出人：township\.officer · 导出时间：/);
    expect(sheet.getRow(2).values).toEqual(expect.arrayContaining(['隐患名称', '状态', '所属单位', '乡镇']));
    expect(sheet.rowCount).toBe(2 + listed.length);
    const titles = Array.from({ length: listed.length }, (_, i) => sheet.getRow(3 + i).getCell(1).value);
    expect(titles.sort()).toEqual(listed.map((hazard) => hazard.title).sort());

    const audit = await township.get(`/exports/${asked.body.id}/audit`);
    expect(audit.body.chain.intact).toBe(true);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual([
      'requested',
      'exported',
    ]);
    expect(audit.body.items[1]).toMatchObject({
      actor: expect.objectContaining({ username: 'township.officer' }),
      details: { kind: 'hazards', filters: {}, rows: listed.length },
    });
  });

  it('exports units as CSV with the list’s own filters, and refuses a filter the list does not have by name', async ({
    county,
    admin,
  }) => {
    const listed = await everyItem(admin, `/units?grid=${county.township2}`);
    const asked = await admin.post('/exports', {
      kind: 'units',
      format: 'csv',
      filters: { grid: county.township2 },
    });
    expect(asked.status).toBe(202);
    const job = await finished(admin, `/exports/${asked.body.id}`);
    expect(job).toMatchObject({ status: 'done', rows: listed.length });
    const text = await (await fetch(job.url)).text();
    const lines = text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toContain('导出人：county.admin');
    expect(lines[1]).toBe(
      '单位名称,统一社会信用代码,行业,乡镇,村/社区,地址,经度,纬度,联系人,联系电话,监管层级,主管部门',
    );
    expect(lines).toHaveLength(2 + listed.length);

    const misspelt = await admin.post('/exports', { kind: 'units', filters: { colour: 'red' } });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.errors[0].path).toBe('filters.colour');
  });

  it('refuses an export outside the person’s area or without the county’s export capability, and hides others’ exports', async ({
    county,
    township,
    member,
    admin,
  }) => {
    expect(
      (await township.post('/exports', { kind: 'units', filters: { grid: county.township2 } })).status,
    ).toBe(403);
    expect((await member.post('/exports', { kind: 'hazards' })).status).toBe(403);
    const mine = await admin.post('/exports', { kind: 'patrols' });
    expect((await township.get(`/exports/${mine.body.id}`)).status).toBe(404);
    expect((await finished(admin, `/exports/${mine.body.id}`)).status).toBe('done');
  });
});

describe('register imports', () => {
  it('imports units from an uploaded .xlsx as a job with progress and a per-row report, and a second import makes none again', async ({
    county,
    admin,
  }) => {
    const before = (await admin.get(`/grids/${county.county}/stats`)).body.units;
    const bytes = await unitsWorkbook([
      ...importRows,
      { name: '无此村的站', serial: 7999, township: '城关镇', village: '不存在村' },
    ]);
    const id = await announceAndUpload(admin, bytes);
    expect((await admin.get(`/imports/${id}`)).body).toMatchObject({ status: 'waiting', processed: 0 });
    const started = await admin.post(`/imports/${id}/start`);
    expect(started.status).toBe(202);
    const job = await finished(admin, `/imports/${id}`);
    expect(job).toMatchObject({
      status: 'done',
      processed: 46,
      total: 46,
      created: 45,
      updated: 0,
      skipped: 0,
      errors: 1,
    });
    expect(job.rejected).toEqual([
      {
        line: 47,
        creditCode: makeCreditCode('91341299', 7999),
        errors: [expect.objectContaining({ path: 'village' })],
      },
    ]);
    expect((await admin.get(`/grids/${county.county}/stats`)).body.units).toBe(before + 45);
    expect((await admin.post(`/imports/${id}/start`)).status).toBe(409);

    const again = await announceAndUpload(admin, bytes);
    await admin.post(`/imports/${again}/start`);
    expect(await finished(admin, `/imports/${again}`)).toMatchObject({ created: 0, skipped: 45, errors: 1 });
    expect((await admin.get(`/grids/${county.county}/stats`)).body.units).toBe(before + 45);
    const audit = await admin.get(`/imports/${again}/audit`);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual([
      'requested',
      'started',
      'imported',
    ]);
  });

  it('fails an import whose upload is not the file announced, changing nothing', async ({ admin }) => {
    const bytes = await unitsWorkbook(importRows.slice(0, 3));
    const announced = await admin.post('/imports', {
      kind: 'units',
      contentType: XLSX,
      size: bytes.byteLength,
      sha256: sha256Hex(new Uint8Array([1, 2, 3])),
    });
    // The local S3 server does not check the signed checksum; the job does.
    await uploadWith({ ...announced.body.upload, headers: { 'content-type': XLSX } }, bytes);
    await admin.post(`/imports/${announced.body.id}/start`);
    const job = await finished(admin, `/imports/${announced.body.id}`);
    expect(job).toMatchObject({ status: 'failed', processed: 0, created: 0 });
    expect(job.failure).toContain('sha256');
  });

  it('continues an import from its checkpoint in a fresh invocation, and a re-run of it makes no unit twice', async ({
    api,
    county,
    admin,
    store,
  }) => {
    const rows = Array.from({ length: 25 }, (_, i) => ({
      name: `续作测试${i + 1}号站`,
      serial: 7500 + i,
      township: '旧县镇',
      village: '刘楼村',
    }));
    const before = (await admin.get(`/grids/${county.county}/stats`)).body.units;
    const id = await announceAndUpload(admin, await unitsWorkbook(rows));
    // Started by hand, so this test plays the Lambda: each invocation has no time left after its first chunk.
    const jobs = await startedByHand(store, id);
    const relaunched: JobEvent[] = [];
    const deps = { ...api.deps, jobs: { launch: async (event: JobEvent) => void relaunched.push(event) } };
    const event = { tenant: county.tenant, jobId: id };
    const budget = { remainingMs: () => 0, chunkRows: 10 };

    await runRegisterJob(deps, event, budget);
    expect((await admin.get(`/imports/${id}`)).body).toMatchObject({
      status: 'running',
      processed: 10,
      created: 10,
    });
    expect(relaunched).toEqual([event]);
    await runRegisterJob(deps, event, budget);
    await runRegisterJob(deps, event, budget);
    expect(await finished(admin, `/imports/${id}`)).toMatchObject({
      status: 'done',
      processed: 25,
      created: 25,
    });
    // Two continuations of its rows, then one for its search entries (this Lambda's time is always short).
    expect(relaunched).toEqual([event, event, { ...event, phase: 'search' }]);

    // A late duplicate delivery of the event finds the job done and does nothing.
    await runRegisterJob(deps, event, budget);
    // A run from the start again (a checkpoint lost after its rows were written) matches every row to its unit.
    const done = (await jobs.getStored(id, true))!;
    await store.update({
      Key: { pk: String(done.pk), sk: String(done.sk) },
      UpdateExpression: 'SET #status = :running, #processed = :zero, #created = :zero',
      ExpressionAttributeNames: { '#status': 'status', '#processed': 'processed', '#created': 'created' },
      ExpressionAttributeValues: { ':running': 'running', ':zero': 0 },
    });
    await runRegisterJob(deps, event, { remainingMs: () => Number.POSITIVE_INFINITY });
    expect(await finished(admin, `/imports/${id}`)).toMatchObject({ created: 0, skipped: 25 });
    expect((await admin.get(`/grids/${county.county}/stats`)).body.units).toBe(before + 25);
  });
  it('leaves every unit findable by search when a job’s search entries failed after its units were in', async ({
    api,
    county,
    admin,
    store,
  }) => {
    const rows = Array.from({ length: 6 }, (_, i) => ({
      name: `断点索引测试${i + 1}号站`,
      serial: 7600 + i,
      township: '旧县镇',
      village: '刘楼村',
    }));
    const bytes = await unitsWorkbook(rows);
    const before = (await admin.get(`/grids/${county.county}/stats`)).body.units;
    const id = await announceAndUpload(admin, bytes);
    // The job's search postings, written once its rows are in (BatchWriteItem), fail: its database went away.
    const client = api.deps.data.client;
    const stopping = new Proxy(client, {
      get: (target, name, receiver) =>
        name === 'send'
          ? (command: unknown) =>
              command instanceof BatchWriteCommand
                ? Promise.reject(new Error('the invocation stopped'))
                : target.send(command as never)
          : Reflect.get(target, name, receiver),
    });
    const deps = { ...api.deps, data: { ...api.deps.data, client: stopping } };
    await startedByHand(store, id);
    await runRegisterJob(
      deps,
      { tenant: county.tenant, jobId: id },
      { remainingMs: () => Number.POSITIVE_INFINITY },
    );
    // Its units are in: registered, counted and answered as created, but not yet in the search index.
    expect(await finished(admin, `/imports/${id}`)).toMatchObject({ status: 'done', created: 6 });
    expect((await admin.get(`/grids/${county.county}/stats`)).body.units).toBe(before + 6);
    expect((await admin.get(`/units?q=${encodeURIComponent('断点索引')}`)).body.items).toEqual([]);

    // The county's next import (here the same file again) writes what was left: no unit twice, and search
    // finds each one by part of its name.
    const again = await announceAndUpload(admin, bytes);
    await admin.post(`/imports/${again}/start`);
    expect(await finished(admin, `/imports/${again}`)).toMatchObject({
      status: 'done',
      created: 0,
      skipped: 6,
      errors: 0,
    });
    expect((await admin.get(`/grids/${county.county}/stats`)).body.units).toBe(before + 6);
    const found = await searchedUntil(admin, '断点索引', rows.length);
    expect(found.map((unit) => unit.name).sort()).toEqual(rows.map((row) => row.name).sort());
    // Every unit counter of the tree still equals a recount of the units listed.
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const recount = await recountAgainstCounters(countyClient(api.app, county.tenant, token), county.county);
    expect(recount.mismatches).toEqual([]);
    expect(recount.units).toBeGreaterThanOrEqual(before + 6);
  });

  it('hands the search entries of a done import to a fresh invocation when its own runs short of time', async ({
    api,
    county,
    admin,
    store,
  }) => {
    const { rows, id } = await startedInLiulou(admin, store, '接力索引测试', 7650, 8);
    const launched: JobEvent[] = [];
    const deps = { ...api.deps, jobs: { launch: async (event: JobEvent) => void launched.push(event) } };
    const event = { tenant: county.tenant, jobId: id };
    // This invocation has no time left once its rows are in (a Lambda near its 15 minutes).
    await runRegisterJob(deps, event, { remainingMs: () => 0 });
    expect(await finished(admin, `/imports/${id}`)).toMatchObject({ status: 'done', created: 8 });
    expect(launched).toEqual([{ ...event, phase: 'search' }]);
    expect((await admin.get(`/units?q=${encodeURIComponent('接力索引')}`)).body.items).toEqual([]);

    // The fresh invocation writes them, and the job's answer is as it was.
    await runRegisterJob(deps, launched[0]!, { remainingMs: () => Number.POSITIVE_INFINITY });
    const found = await everyItem<{ name: string }>(admin, `/units?q=${encodeURIComponent('接力索引')}`);
    expect(found.map((unit) => unit.name).sort()).toEqual(rows.map((row) => row.name).sort());
    expect((await admin.get(`/imports/${id}`)).body).toMatchObject({ status: 'done', created: 8 });
    expect(launched).toHaveLength(1);
  });

  it('finds a unit renamed while its import’s search entries were being written by its new name only', async ({
    api,
    county,
    admin,
    store,
  }) => {
    const { id } = await startedInLiulou(admin, store, '旧名索引测试', 7670, 3);
    // The job's own invocation runs out of time once its rows are in: their postings are still owed.
    await runRegisterJob(
      { ...api.deps, jobs: { launch: async () => {} } },
      { tenant: county.tenant, jobId: id },
      { remainingMs: () => 0 },
    );
    const made = await everyItem<{ id: string; name: string; version: number }>(
      admin,
      `/units?grid=${county.county}`,
    );
    const renamed = made.find((unit) => unit.name === '旧名索引测试2号站')!;
    // As the postings are written, someone renames one of the units: its rename lands after they were read and
    // before they are written (the first BatchWriteItem of its postings waits for it).
    let renameDone: Promise<unknown> | undefined;
    const client = api.deps.data.client;
    const racing = new Proxy(client, {
      get: (target, name, receiver) =>
        name === 'send'
          ? async (command: unknown) => {
              const writesItsPostings =
                command instanceof BatchWriteCommand &&
                Object.values(command.input.RequestItems ?? {})
                  .flat()
                  .some((request) => request.PutRequest?.Item?.id === renamed.id);
              if (writesItsPostings && !renameDone) {
                renameDone = admin.patch(`/units/${renamed.id}`, {
                  name: '新名已改站',
                  version: renamed.version,
                });
                expect((await renameDone) as { status: number }).toMatchObject({ status: 200 });
              }
              return target.send(command as never);
            }
          : Reflect.get(target, name, receiver),
    });
    await new UnitBulkCreation(new TenantStore(racing, api.tableName, county.tenant)).finishPendingSearch();
    expect(renameDone).toBeDefined();

    const named = async (query: string) =>
      (await everyItem<{ id: string }>(admin, `/units?q=${encodeURIComponent(query)}`)).map(
        (unit) => unit.id,
      );
    expect(await named('新名已改')).toEqual([renamed.id]);
    expect(await named('旧名索引测试2号')).toEqual([]);
    expect((await named('旧名索引测试')).length).toBe(2);
  });

  it("makes a job's new units findable by part of their name within seconds of the job's end", async ({
    admin,
  }) => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      name: `检索导入测试${i + 1}号站`,
      serial: 7700 + i,
      township: '城关镇',
      village: i % 2 === 0 ? '南关村' : '北关村',
    }));
    const id = await announceAndUpload(admin, await unitsWorkbook(rows));
    await admin.post(`/imports/${id}/start`);
    expect(await finished(admin, `/imports/${id}`)).toMatchObject({ status: 'done', created: 40 });
    // The job writes its units' search postings once its rows are in, after it answers done.
    expect((await searchedUntil(admin, '检索导入测试', 40)).length).toBe(40);
    const found = await everyItem<{ name: string; creditCode: string }>(
      admin,
      `/units?q=${encodeURIComponent('检索导入测试17')}`,
    );
    expect(found.map((unit) => unit.name)).toEqual(['检索导入测试17号站']);
    const byCode = await everyItem<{ name: string }>(
      admin,
      `/units?q=${makeCreditCode('91341299', 7733).slice(0, 16)}`,
    );
    expect(byCode.map((unit) => unit.name)).toContain('检索导入测试34号站');
  });
});
