import { makeCreditCode } from '@gridsafe/core';
import { countyApiBasePath } from '@gridsafe/core/contract';
import ExcelJS from 'exceljs';
import { describe, expect } from 'vitest';
import { TAIHE } from '../../scripts/seed/demo-data.ts';
import { TAIHE_MORE_TOWNSHIPS, TAIHE_SIZE } from '../../scripts/seed/taihe-size.ts';
import { encodeGb18030 } from '../support/csv-fixtures.ts';
import { countyTest, everyItem } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD, TEST_PASSWORD } from '../support/harness.ts';

const it = countyTest({ prefix: 'ca' })
  /** Sends a tree spreadsheet to the import as the county admin (or as whoever's token is given). */
  .extend('importTree', { scope: 'file' }, async ({ api, county }) => {
    const adminToken = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    return async (body: string | Uint8Array<ArrayBuffer>, token = adminToken, contentType = 'text/csv') => {
      const response = await api.app.request(`${countyApiBasePath(county.tenant)}/grids/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
      });
      return { status: response.status, body: (await response.json()) as any };
    };
  });

/** A new township with two villages, a responsible person for a village the demo has, and one bad row. */
const TREE_CSV = [
  '区划代码,名称,负责人,负责人电话',
  '341222199000,试点镇,王镇长,13800000001',
  '341222199001,试点一村,李书记,13800000002',
  '341222199002,试点二村,,',
  '341222100001,东关社区,赵网格长,13800000003',
  '3412,坏代码村,,',
  '341222777001,无主村,,',
].join('\r\n');

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A township and its two villages as an Excel workbook, the codes typed as numbers the way Excel keeps them. */
async function treeWorkbook(): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('区划');
  sheet.addRow(['区划代码', '名称', '上级区划代码', '负责人', '负责人电话']);
  sheet.addRow([341222198000, '表格镇', '', '孙镇长', '13800000011']);
  sheet.addRow(['341222198001', '表格一村', '341222198000', '周书记', 13800000012]);
  sheet.addRow(['341222198002', { richText: [{ text: '表格' }, { text: '二村' }] }, '341222198000', '', '']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/**
 * Taihe's whole tree as the civil affairs bureau lists it: 32 township-level grids (the demo's four, already in the
 * county with their villages, and 28 more) and 314 villages, numbered under their township's code.
 */
function taiheTreeCsv(): { csv: string; existing: number } {
  const townships = [
    ...TAIHE.townships.map((t) => ({ code: t.code, name: t.name, villages: [...t.villages] })),
    ...TAIHE_MORE_TOWNSHIPS.map((name, i) => ({ code: `341222${103 + i}`, name, villages: [] as string[] })),
  ];
  let villages = townships.reduce((sum, t) => sum + t.villages.length, 0);
  for (let i = 0; villages < TAIHE_SIZE.villages; i++, villages++) {
    const township = townships[i % townships.length]!;
    township.villages.push(`${township.name.slice(0, 2)}${township.villages.length + 1}村`);
  }
  const rows = townships.flatMap((t) => [
    `${t.code}000,${t.name}`,
    ...t.villages.map((name, j) => `${t.code}${String(j + 1).padStart(3, '0')},${name}`),
  ]);
  const existing = TAIHE.townships.reduce((sum, t) => sum + 1 + t.villages.length, 0);
  return { csv: ['统计用区划代码,名称', ...rows].join('\r\n'), existing };
}

describe('county administration from the web API', () => {
  it('imports a tree keyed by division code, answering per row, and a second import of the same file creates nothing', async ({
    admin,
    county,
    importTree,
  }) => {
    const first = await importTree(encodeGb18030(TREE_CSV));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.encoding).toBe('gb18030');
    expect(first.body.summary).toEqual({ total: 6, created: 3, updated: 1, unchanged: 0, rejected: 2 });
    const byLine = new Map(first.body.rows.map((row: { line: number }) => [row.line, row]));
    expect(byLine.get(6)).toMatchObject({ status: 'rejected', errors: [{ path: 'code' }] });
    expect(byLine.get(7)).toMatchObject({ status: 'rejected', errors: [{ path: 'code' }] });

    const township = byLine.get(2) as { gridId: string };
    const villages = await everyItem(admin, `/grids?parent=${township.gridId}`);
    expect(villages.map((v) => [v.name, v.code, v.level])).toEqual([
      ['试点一村', '341222199001', 'village'],
      ['试点二村', '341222199002', 'village'],
    ]);
    expect(villages[0].responsible).toEqual({ name: '李书记', phone: '13800000002' });
    const township1 = await admin.get(`/grids/${township.gridId}`);
    expect(township1.body).toMatchObject({ parentId: county.county, responsible: { name: '王镇长' } });
    const dongguan = await admin.get(`/grids/${(byLine.get(5) as { gridId: string }).gridId}`);
    expect(dongguan.body.responsible).toEqual({ name: '赵网格长', phone: '13800000003' });
    const trail = await admin.get(`/grids/${dongguan.body.id}/audit`);
    expect(trail.body.items.at(-1).changes.responsible.after).toEqual({
      name: '赵网格长',
      phone: '13800000003',
    });

    const again = await importTree(encodeGb18030(TREE_CSV));
    expect(again.body.summary).toEqual({ total: 6, created: 0, updated: 0, unchanged: 4, rejected: 2 });
    expect(await everyItem(admin, `/grids?parent=${township.gridId}`)).toHaveLength(2);
  });

  it('refuses a tree import while another runs in the county, changing nothing, and takes over a lease its import left behind once it runs out', async ({
    admin,
    county,
    importTree,
    store,
  }) => {
    const csv = [
      '区划代码,名称',
      '341222197000,并发镇',
      '341222197001,并发一村',
      '341222197002,并发二村',
    ].join('\r\n');
    // A township's 12-digit code padded with zeros is kept as its 9 digits.
    const codes = ['341222197', '341222197001', '341222197002'];
    const holding = async (leaseUntil: number) =>
      store.update({
        Key: { pk: store.key('LEASE'), sk: 'grid-import' },
        UpdateExpression: 'SET #holder = :holder, #until = :until',
        ExpressionAttributeNames: { '#holder': 'holder', '#until': 'leaseUntil' },
        ExpressionAttributeValues: { ':holder': 'another-import', ':until': leaseUntil },
      });
    const nodesWithCodes = async () =>
      (await everyItem(admin, `/grids?within=${county.county}`)).filter((node) => codes.includes(node.code));

    // Another import of this county's tree is under way (its lease runs for another minute).
    await holding(Date.now() + 60_000);
    const refused = await importTree(csv);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'import_in_progress' });
    expect(await nodesWithCodes()).toEqual([]);

    // That import died without giving its lease back: once the lease has run out, the next import takes it over.
    await holding(Date.now() - 1_000);
    const taken = await importTree(csv);
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    expect(taken.body.summary).toMatchObject({ created: 3, rejected: 0 });
    // It gave the lease back: an import right after it is not refused.
    expect((await importTree(csv)).body.summary).toMatchObject({ created: 0, unchanged: 3 });

    // Two people send a new tree at the same moment: each node is made once, and a refused import says why.
    const both = ['区划代码,名称', '341222196000,同时镇', '341222196001,同时一村'].join('\r\n');
    const answers = await Promise.all([importTree(both), importTree(both)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual(
      answers.some((answer) => answer.status === 409) ? [200, 409] : [200, 200],
    );
    const made = (await everyItem(admin, `/grids?within=${county.county}`)).filter((node) =>
      ['341222196', '341222196001'].includes(node.code),
    );
    expect(made.map((node) => node.code).sort()).toEqual(['341222196', '341222196001']);
  });

  it('imports a tree from an Excel workbook with the same per-row answer, and the same workbook again creates nothing', async ({
    admin,
    county,
    importTree,
  }) => {
    const workbook = await treeWorkbook();
    const first = await importTree(workbook, undefined, XLSX);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.encoding).toBe('xlsx');
    expect(first.body.summary).toEqual({ total: 3, created: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect(
      first.body.rows.map((row: { line: number; status: string; code: string }) => [
        row.line,
        row.status,
        row.code,
      ]),
    ).toEqual([
      [2, 'created', '341222198'], // a padded township code read as its level
      [3, 'created', '341222198001'],
      [4, 'created', '341222198002'],
    ]);
    const township = first.body.rows[0] as { gridId: string };
    expect((await admin.get(`/grids/${township.gridId}`)).body).toMatchObject({
      parentId: county.county,
      level: 'township',
      name: '表格镇',
      responsible: { name: '孙镇长', phone: '13800000011' },
    });
    const villages = await everyItem(admin, `/grids?parent=${township.gridId}`);
    expect(villages.map((v) => [v.name, v.code, v.level, v.responsible?.phone])).toEqual([
      ['表格一村', '341222198001', 'village', '13800000012'],
      ['表格二村', '341222198002', 'village', undefined],
    ]);

    const again = await importTree(workbook, undefined, XLSX);
    expect(again.body.summary).toEqual({ total: 3, created: 0, updated: 0, unchanged: 3, rejected: 0 });
    expect(await everyItem(admin, `/grids?parent=${township.gridId}`)).toHaveLength(2);
  });

  it('refuses a body sent as an Excel workbook that is not one, naming the body, and creates nothing', async ({
    admin,
    county,
    importTree,
  }) => {
    const before = await everyItem(admin, `/grids?parent=${county.county}`);
    for (const junk of [
      new Uint8Array(0),
      new TextEncoder().encode(TREE_CSV),
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]),
    ]) {
      const answer = await importTree(junk, undefined, XLSX);
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.errors).toEqual([{ path: 'body', message: expect.any(String) }]);
    }
    expect(await everyItem(admin, `/grids?parent=${county.county}`)).toHaveLength(before.length);
  });

  it('imports Taihe’s 32 township-level grids and 314 villages in one upload, and again without creating any', async ({
    admin,
    county,
    importTree,
  }) => {
    const { csv, existing } = taiheTreeCsv();
    const rows = TAIHE_SIZE.townships + TAIHE_SIZE.villages;
    const started = performance.now();
    const first = await importTree(encodeGb18030(csv));
    const firstMs = Math.round(performance.now() - started);
    expect(first.status, JSON.stringify(first.body).slice(0, 500)).toBe(200);
    expect(first.body.summary).toEqual({
      total: rows,
      created: rows - existing,
      updated: 0,
      unchanged: existing,
      rejected: 0,
    });
    const second = await importTree(encodeGb18030(csv));
    expect(second.body.summary).toMatchObject({ created: 0, unchanged: rows, rejected: 0 });
    console.info(`Taihe's tree (${rows} rows): first import ${firstMs} ms`);
    const townships = await everyItem(admin, `/grids?level=township&parent=${county.county}`);
    const listed = new Set(csv.split('\r\n').map((line) => line.split(',')[0]!.replace(/000$/, '')));
    expect(townships.filter((t) => listed.has(t.code ?? ''))).toHaveLength(TAIHE_SIZE.townships);
  });

  it('refuses a tree import from anyone but the county admin, and a file without the code column', async ({
    api,
    county,
    importTree,
  }) => {
    const token = await api.login(county.tenant, 'township.officer', DEMO_LOGIN_PASSWORD);
    expect((await importTree('区划代码,名称\r\n341222188000,越权镇', token)).status).toBe(403);
    const headless = await importTree('名称\r\n某镇');
    expect(headless.status).toBe(400);
    expect(headless.body.errors[0].path).toBe('header.code');
  });

  it('renames a department and sets its industries: units registered afterwards follow, existing ones stay, and the change is audited', async ({
    admin,
    county,
  }) => {
    const created = await admin.post('/departments', { name: '试点监管局', industries: [] });
    expect(created.status).toBe(201);
    const before = await admin.post('/units', {
      name: '改前登记的烟花店',
      creditCode: makeCreditCode('91341222', 7101),
      industry: 'building_construction',
      gridId: county.village1,
    });
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    const changed = await admin.patch(
      `/departments/${created.body.id}`,
      { name: '试点应急局', industries: ['building_construction'] },
      { 'if-match': '1' },
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({
      name: '试点应急局',
      industries: ['building_construction'],
      version: 2,
    });
    const after = await admin.post('/units', {
      name: '改后登记的烟花店',
      creditCode: makeCreditCode('91341222', 7102),
      industry: 'building_construction',
      gridId: county.village1,
    });
    expect(after.body.departmentId).toBe(created.body.id);
    expect((await admin.get(`/units/${before.body.id}`)).body.departmentId).toBe(before.body.departmentId);

    const trail = await admin.get(`/departments/${created.body.id}/audit`);
    expect(trail.body.chain.intact).toBe(true);
    expect(trail.body.items.at(-1)).toMatchObject({
      action: 'updated',
      changes: { name: { before: '试点监管局', after: '试点应急局' } },
    });
    const stale = await admin.patch(`/departments/${created.body.id}`, { name: '过期' }, { 'if-match': '1' });
    expect(stale.status).toBe(409);
  });

  it('disables a person, who is refused at their next request, enables them again, and resets their password', async ({
    api,
    admin,
    county,
  }) => {
    const person = await admin.post('/users', {
      username: 'pilot.member',
      displayName: '试点网格员',
      role: 'grid_member',
      scope: [`grid:${county.village1}`],
      password: TEST_PASSWORD,
    });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    const token = await api.login(county.tenant, 'pilot.member', TEST_PASSWORD);
    const own = (path: string) =>
      api.app.request(`${countyApiBasePath(county.tenant)}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await own('/me')).status).toBe(200);

    const disabled = await admin.patch(`/users/${person.body.id}`, { enabled: false }, { 'if-match': '1' });
    expect(disabled.body.enabled).toBe(false);
    expect((await own('/me')).status).toBe(401);
    const enabled = await admin.patch(`/users/${person.body.id}`, { enabled: true }, { 'if-match': '2' });
    expect(enabled.body.enabled).toBe(true);
    expect((await own('/me')).status).toBe(200);

    const reset = await admin.post(
      `/users/${person.body.id}/password`,
      { password: 'Reset-by-admin-2027', temporary: false },
      { 'if-match': '3' },
    );
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(reset.body.version).toBe(4);
    await expect(api.login(county.tenant, 'pilot.member', 'Reset-by-admin-2027')).resolves.toBeTruthy();
    await expect(api.login(county.tenant, 'pilot.member', TEST_PASSWORD)).rejects.toThrow();
    const trail = await admin.get(`/users/${person.body.id}/audit`);
    expect(trail.body.items.map((event: { action: string }) => event.action)).toEqual([
      'created',
      'updated',
      'updated',
      'password_reset',
    ]);
    expect(JSON.stringify(trail.body)).not.toContain('Reset-by-admin-2027');
  });

  it('attaches a GeoJSON boundary to a grid, refuses an open ring or an oversized one, and audits the upload', async ({
    admin,
    county,
  }) => {
    const ring = [
      [115.62, 33.16],
      [115.64, 33.16],
      [115.64, 33.18],
      [115.62, 33.16],
    ];
    const node = await admin.get(`/grids/${county.village1}`);
    expect((await admin.get(`/grids/${county.village1}/boundary`)).status).toBe(404);
    const saved = await admin.put(
      `/grids/${county.village1}/boundary`,
      { type: 'Feature', properties: { name: '南关村' }, geometry: { type: 'Polygon', coordinates: [ring] } },
      { 'if-match': String(node.body.version) },
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const read = await admin.get(`/grids/${county.village1}/boundary`);
    expect(read.body.geometry).toEqual({ type: 'Polygon', coordinates: [ring] });
    const trail = await admin.get(`/grids/${county.village1}/audit`);
    expect(trail.body.items.at(-1)).toMatchObject({ action: 'boundary_set', details: { positions: 4 } });

    const open = await admin.put(`/grids/${county.village1}/boundary`, {
      type: 'Polygon',
      coordinates: [ring.slice(0, 3).concat([[115.6, 33.1]])],
    });
    expect(open.status).toBe(400);
    const huge = Array.from({ length: 20_000 }, (_, i) => [115 + i / 1e5, 33 + i / 1e5]);
    const oversized = await admin.put(`/grids/${county.village1}/boundary`, {
      type: 'Polygon',
      coordinates: [[...huge, huge[0]]],
    });
    expect(oversized.status).toBe(413);
    expect((await admin.get(`/grids/${county.village1}`)).body.version).toBe(node.body.version + 1);

    // The map draws a township's villages from their boundaries: the one uploaded, named, and no other village.
    const children = await admin.get(`/grids/${county.township1}/child-boundaries`);
    expect(children.status).toBe(200);
    expect(children.body.items).toEqual([
      expect.objectContaining({ gridId: county.village1, level: 'village', name: node.body.name }),
    ]);
    expect(children.body.items[0].geometry).toEqual({ type: 'Polygon', coordinates: [ring] });
  });
});
