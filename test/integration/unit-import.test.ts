import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect } from 'vitest';
import { encodeGb18030, encodeUtf8WithBom, unitsCsv } from '../support/csv-fixtures.ts';
import { countyTest, everyItem, type TestApi } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD, type SeededCounty } from '../support/harness.ts';

const it = countyTest({ prefix: 'im' })
  /** Sends a spreadsheet to the import as the county admin. */
  .extend('importBytes', { scope: 'file' }, async ({ api, county }) => {
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    return (bytes: Uint8Array<ArrayBuffer>) => importBytes(api, county, token, bytes);
  });

async function importBytes(
  api: TestApi,
  county: SeededCounty,
  token: string,
  bytes: Uint8Array<ArrayBuffer>,
) {
  const response = await api.app.request(`/t/${county.tenant}/api/v1/units/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: bytes,
  });
  return { status: response.status, body: (await response.json()) as any };
}

const rows = Array.from({ length: 40 }, (_, i) => ({
  name: `太和县导入测试${i + 1}号厂`,
  serial: 9000 + i,
  industry: i % 2 === 0 ? '加油站' : 'gas',
  township: i % 3 === 0 ? '旧县镇' : '城关镇',
  village: i % 3 === 0 ? '刘楼村' : '南关村',
}));

describe('unit import', () => {
  it('imports a GB18030 spreadsheet from Excel and answers per row, then changes nothing on a second import', async ({
    county,
    admin,
    importBytes,
  }) => {
    const csv = unitsCsv([
      ...rows,
      { name: '无此村的厂', serial: 9999, industry: 'gas', township: '城关镇', village: '不存在村' },
    ]);
    const first = await importBytes(encodeGb18030(csv));
    expect(first.status).toBe(200);
    expect(first.body.encoding).toBe('gb18030');
    expect(first.body.summary).toEqual({ total: 41, created: 40, updated: 0, unchanged: 0, rejected: 1 });
    const rejected = first.body.rows.find((r: { status: string }) => r.status === 'rejected');
    expect(rejected.line).toBe(42);
    expect(rejected.errors[0]).toMatchObject({ path: 'village' });

    const unit = await admin.get(`/units/${first.body.rows[0].unitId}`);
    expect(unit.body.name).toBe('太和县导入测试1号厂');
    expect(unit.body.industry).toBe('gas_station');
    const countyUnits = (await admin.get(`/grids/${county.county}/stats`)).body.units;

    const second = await importBytes(encodeGb18030(csv));
    expect(second.body.summary).toEqual({ total: 41, created: 0, updated: 0, unchanged: 40, rejected: 1 });
    expect((await admin.get(`/grids/${county.county}/stats`)).body.units).toBe(countyUnits);
    const audit = await admin.get(`/units/${first.body.rows[0].unitId}/audit`);
    expect(audit.body.items).toHaveLength(1);
  });

  it('updates only the rows that changed, matched by credit code, from a UTF-8 file with a BOM', async ({
    admin,
    importBytes,
  }) => {
    const changed = rows.map((row, i) => (i === 5 ? { ...row, address: '城关镇南关村新址88号' } : row));
    const result = await importBytes(encodeUtf8WithBom(unitsCsv(changed)));
    expect(result.body.encoding).toBe('utf-8');
    expect(result.body.summary).toMatchObject({ created: 0, updated: 1, unchanged: 40 - 1 });
    const updated = result.body.rows.find((r: { status: string }) => r.status === 'updated');
    const unit = await admin.get(`/units/${updated.unitId}`);
    expect(unit.body.address).toBe('城关镇南关村新址88号');
    const audit = await admin.get(`/units/${updated.unitId}/audit`);
    expect(audit.body.items.at(-1)).toMatchObject({
      action: 'imported',
      changes: { address: { after: '城关镇南关村新址88号' } },
    });
  });

  it('makes each unit once when two people import the same new spreadsheet at the same moment', async ({
    county,
    admin,
    importBytes,
  }) => {
    // Both imports find the codes free; the loser's batch transaction fails on the claims and is written again
    // row by row, each row then matched to the unit the other import made.
    const same = Array.from({ length: 70 }, (_, i) => ({
      name: `同时导入${i + 1}号店`,
      serial: 9500 + i,
      industry: 'gas',
      township: '城关镇',
      village: '南关村',
    }));
    const before = (await admin.get(`/grids/${county.county}/stats`)).body.units;
    const bytes = encodeUtf8WithBom(unitsCsv(same));
    const [a, b] = await Promise.all([importBytes(bytes), importBytes(bytes)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.summary.created + b.body.summary.created).toBe(70);
    expect(a.body.summary.unchanged + b.body.summary.unchanged).toBe(70);
    for (const [i, row] of a.body.rows.entries()) expect(row.unitId).toBe(b.body.rows[i].unitId);
    expect((await admin.get(`/grids/${county.county}/stats`)).body.units).toBe(before + 70);
  });

  it('finds a unit renamed while the import wrote its search entries by its new name only', async ({
    api,
    county,
    admin,
    importBytes,
  }) => {
    const names = ['同步旧名检索1号站', '同步旧名检索2号站', '同步旧名检索3号站'];
    const csv = unitsCsv(
      names.map((name, i) => ({
        name,
        serial: 9600 + i,
        industry: 'gas',
        township: '城关镇',
        village: '南关村',
      })),
    );
    // Once the units are in and before any of their postings is written, someone renames the second: every
    // BatchWriteItem of postings waits for the rename, so they all land after it, written from the old name.
    const client = api.deps.data.client;
    const send = client.send;
    let renamed: Promise<{ status: number }> | undefined;
    client.send = (async (command: unknown) => {
      if (command instanceof BatchWriteCommand) {
        renamed ??= (async () => {
          const made = await everyItem<{ id: string; name: string; version: number }>(
            admin,
            `/units?grid=${county.county}`,
          );
          const second = made.find((unit) => unit.name === names[1])!;
          return admin.patch(`/units/${second.id}`, { name: '同步新名已改站', version: second.version });
        })();
        expect(await renamed).toMatchObject({ status: 200 });
      }
      return (send as (this: typeof client, sent: unknown) => Promise<unknown>).call(client, command);
    }) as typeof client.send;
    try {
      expect((await importBytes(encodeUtf8WithBom(csv))).body.summary).toMatchObject({ created: 3 });
    } finally {
      client.send = send;
    }
    expect(renamed).toBeDefined();

    const named = async (query: string) =>
      (await everyItem<{ name: string }>(admin, `/units?q=${encodeURIComponent(query)}`)).map(
        (unit) => unit.name,
      );
    expect(await named('同步新名已改')).toEqual(['同步新名已改站']);
    expect(await named('同步旧名检索2号')).toEqual([]);
    expect((await named('同步旧名检索')).sort()).toEqual([names[0], names[2]]);
  });

  it('rejects a file with a missing column, naming it, and imports nothing', async ({ importBytes }) => {
    const result = await importBytes(encodeUtf8WithBom('单位名称,行业\r\n某厂,gas\r\n'));
    expect(result.status).toBe(400);
    expect(result.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'header.creditCode',
      'header.township',
      'header.village',
    ]);
  });

  it('is for the county admin only', async ({ api, county }) => {
    const memberToken = await api.login(county.tenant, 'grid.member', DEMO_LOGIN_PASSWORD);
    const response = await api.app.request(`/t/${county.tenant}/api/v1/units/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${memberToken}`, 'content-type': 'text/csv' },
      body: encodeUtf8WithBom(unitsCsv(rows.slice(0, 1))),
    });
    expect(response.status).toBe(403);
  });
});
