import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;

useBrowserSuite((opened) => {
  ({ stack, browser, adminToken } = opened);
});

/** This year's first day and today, in Beijing. */
function thisYear(): { from: string; to: string } {
  const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  return { from: `${to.slice(0, 4)}-01-01`, to };
}

describe('the statistics page', () => {
  it('a county admin picks a township and a period in two clicks and reads Taihe’s paragraph for it', async () => {
    const townships = await stack.api<{ items: { id: string; name: string }[] }>(
      adminToken,
      'GET',
      '/grids?level=township&limit=100',
    );
    const township = townships.body.items.find((node) => node.name === '城关镇')!;
    expect(township).toBeDefined();
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/statistics`);
    await page.locator('[data-testid=statistics-summary]').waitFor();

    // One: the township from the list. Two: this year.
    await page.locator('[data-testid=statistics-place]').selectOption(`g:${township.id}`);
    await page.locator('.statistics-presets a', { hasText: '本年' }).click();
    const { from, to } = thisYear();
    const expected = await stack.api<{ summary: string; rows: { name: string }[] }>(
      adminToken,
      'GET',
      `/statistics?grid=${township.id}&from=${from}&to=${to}`,
    );
    expect(expected.status).toBe(200);
    await expect
      .poll(() => page.locator('[data-testid=statistics-summary]').textContent())
      .toBe(expected.body.summary);
    expect(expected.body.summary).toMatch(
      /^已上报备案风险点\d+个（已备案\d+个，审核中\d+个），已备案的红色\d+个，占/,
    );
    await expect
      .poll(() => page.locator('[data-testid=statistics-heading]').textContent())
      .toContain(`城关镇 · ${from}`);
    const rowNames = await page.locator('[data-testid=statistics-row] th').allTextContents();
    expect(rowNames).toEqual(expected.body.rows.map((row) => row.name));
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'statistics-township');

    // The table as CSV for Excel: a BOM, the period, the headers, a line per village and the total.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid=statistics-csv]').click(),
    ]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(`统计期间,${from} ~ ${to}`);
    expect(lines[1]).toMatch(/^名称,已上报备案,已备案,红色,橙色,黄色,蓝色,未定级,审核中,草稿,排查隐患/);
    expect(lines).toHaveLength(2 + rowNames.length + 1);
    await context.close();
  });

  it('prints its heading, paragraph and table without the menu, the filters or any button', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/statistics`);
    await page.locator('[data-testid=statistics-table]').waitFor();
    expect(await page.locator('.sidebar').isVisible()).toBe(true);

    await page.emulateMedia({ media: 'print' });
    for (const hidden of [
      '.topbar',
      '.sidebar',
      '.filters',
      '.statistics-presets',
      '[data-testid=statistics-print]',
    ]) {
      expect(await page.locator(hidden).isVisible(), `${hidden} in print`).toBe(false);
    }
    for (const shown of [
      '[data-testid=statistics-heading]',
      '[data-testid=statistics-summary]',
      '[data-testid=statistics-table]',
    ]) {
      expect(await page.locator(shown).isVisible(), `${shown} in print`).toBe(true);
    }
    // The table keeps its header on every printed page and takes the page's width.
    expect(
      await page
        .locator('[data-testid=statistics-table] thead')
        .evaluate((el) => getComputedStyle(el).display),
    ).toBe('table-header-group');
    const pdf = await page.pdf({ format: 'A4', landscape: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  it('prints a list page and a record page without the menu or buttons', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    const points = await stack.api<{ items: { id: string }[] }>(adminToken, 'GET', '/risk-points?limit=1');
    for (const path of ['risk-points', 'units', 'hazards', `risk-points/${points.body.items[0]!.id}`]) {
      await page.emulateMedia({ media: 'screen' });
      await page.goto(`${stack.url}/taihe/${path}`);
      await page.locator('#main h1').waitFor();
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.sidebar').isVisible(), path).toBe(false);
      expect(await page.locator('#main button:visible').count(), path).toBe(0);
      expect(await page.locator('#main h1').isVisible(), path).toBe(true);
    }
    await context.close();
  });
});
