import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCreditCode } from '@gridsafe/core';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

/**
 * Units a browser test imports through the job: Taihe's own 8,500 (issue 20's done-when), several checkpoints of
 * the job; E2E_IMPORT_ROWS=3000 makes a quicker run while working on this file.
 */
const IMPORT_ROWS = Number(process.env.E2E_IMPORT_ROWS ?? 8500);

let stack: E2eClient;
let browser: TestBrowser;

// On a stack of its own: the 8,500 units it imports into 城关镇 would change the counts and lists the other browser
// files, running beside it, compare with the API.
useBrowserSuite(
  (opened) => {
    ({ stack, browser } = opened);
  },
  { ownStack: true },
);

/** The township officer's whole list at `path` (one page of up to 100, asserted to be all of it and not empty). */
async function wholeList<T>(path: string): Promise<T[]> {
  const token = await stack.token('township.officer');
  const listed = await stack.api<{ items: T[]; nextCursor?: string }>(token, 'GET', `${path}&limit=100`);
  expect(listed.status).toBe(200);
  expect(listed.body.nextCursor).toBeUndefined();
  expect(listed.body.items.length).toBeGreaterThan(0);
  return listed.body.items;
}

/** Clicks the page's Excel export, waits for the download link and answers the file's first sheet. */
async function exportedSheet(page: Page, name: string): Promise<ExcelJS.Worksheet> {
  await page.click('[data-testid=register-export] button:has-text("导出 Excel")');
  const link = page.locator('[data-testid=export-download]');
  await link.waitFor({ timeout: 60_000 });
  await screenshot(page, name);
  const response = await fetch((await link.getAttribute('href'))!);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  return workbook.worksheets[0]!;
}

describe('registers to Excel and imports as jobs', () => {
  it('a township officer exports the hazard register to .xlsx with a progress bar, and the file holds their list under Chinese headers', async () => {
    const hazards = await wholeList<{ title: string }>('/hazards?');

    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'township.officer');
    await page.goto(`${stack.url}/taihe/hazards`);
    const sheet = await exportedSheet(page, 'registers-hazard-export');
    expect(sheet.name).toBe('隐患台账');
    expect(String(sheet.getRow(1).getCell(1).value)).toContain('导出人：township.officer');
    expect(sheet.getRow(2).getCell(1).value).toBe('隐患名称');
    const titles = Array.from({ length: sheet.rowCount - 2 }, (_, i) =>
      String(sheet.getRow(3 + i).getCell(1).value),
    );
    expect(titles.sort()).toEqual(hazards.map((hazard) => hazard.title).sort());
    await context.close();
  });

  it('a township officer opens the patrol register, narrows it to overdue patrols, and the exported .xlsx holds that list', async () => {
    // The demo's quarter of history leaves some patrols of the township overdue.
    const overdue = await wholeList<{ unitName: string }>('/patrols?status=overdue');

    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'township.officer');
    await page.goto(`${stack.url}/taihe/hazards`);
    await page.locator('.sidebar').getByRole('link', { name: '巡查台账', exact: true }).click();
    await page.locator('[data-testid=patrols-table]').waitFor();
    await page.selectOption('select[name=status]', 'overdue');
    // The unfiltered list may hold the same overdue rows: wait until only the filtered list is shown.
    const rows = page.locator('[data-testid=patrols-table] tbody tr');
    await expect.poll(() => rows.count()).toBe(Math.min(overdue.length, 50));
    expect(await page.locator('[data-testid=patrols-table] tbody tr[data-state=overdue]').count()).toBe(
      await rows.count(),
    );
    expect(await accessibilityViolations(page)).toEqual([]);

    const sheet = await exportedSheet(page, 'registers-patrol-export');
    expect(sheet.name).toBe('巡查台账');
    expect(sheet.getRow(2).getCell(1).value).toBe('巡查单位');
    const units = Array.from({ length: sheet.rowCount - 2 }, (_, i) =>
      String(sheet.getRow(3 + i).getCell(1).value),
    );
    expect(units.sort()).toEqual(overdue.map((patrol) => patrol.unitName).sort());
    expect(
      Array.from({ length: sheet.rowCount - 2 }, (_, i) => String(sheet.getRow(3 + i).getCell(8).value)),
    ).toEqual(Array(sheet.rowCount - 2).fill('已逾期'));
    await context.close();
  });

  it(`the county admin imports ${IMPORT_ROWS} units from .xlsx, watching a progress bar, then reads the per-row report`, async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('单位');
    sheet.addRow(['单位名称', '统一社会信用代码', '行业', '乡镇', '村/社区', '联系电话']);
    const base = 100_000 + (Date.now() % 400_000);
    for (let i = 0; i < IMPORT_ROWS; i++)
      sheet.addRow([
        `浏览器导入${base + i}号站`,
        makeCreditCode('91341277', base + i),
        '加油站',
        '城关镇',
        '南关村',
        '13800000000',
      ]);
    sheet.addRow([
      '无此村的站',
      makeCreditCode('91341277', base + IMPORT_ROWS),
      '加油站',
      '城关镇',
      '不存在村',
      '',
    ]);
    const path = join(mkdtempSync(join(tmpdir(), 'gridsafe-e2e-import-')), 'units.xlsx');
    writeFileSync(path, new Uint8Array(await workbook.xlsx.writeBuffer()));

    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/units`);
    await page.click(`a[href="/taihe/units/import-job"]`);
    await page.setInputFiles('#f-import-file', path);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=job-progress] progress').waitFor({ timeout: 30_000 });
    await screenshot(page, 'registers-import-progress');
    const report = page.locator('[data-testid=import-report]');
    await report.waitFor({ timeout: 540_000 });
    await expect
      .poll(() => report.textContent())
      .toContain(
        `共 ${(IMPORT_ROWS + 1).toLocaleString('zh-CN')} 行：新建 ${IMPORT_ROWS.toLocaleString('zh-CN')}`,
      );
    await expect.poll(() => report.locator('tr.row-rejected').textContent()).toContain('不存在村');
    await screenshot(page, 'registers-import-report');
    await context.close();
  }, 600_000);
});
