import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

let stack: E2eClient;
let browser: TestBrowser;

useBrowserSuite((opened) => {
  ({ stack, browser } = opened);
});

interface UnitRow {
  id: string;
  name: string;
  gridPath: string;
}

describe('searching a list', () => {
  it('a township officer types part of a unit’s name into the units list’s search box and finds it', async () => {
    const admin = await stack.token('county.admin');
    const officer = await stack.token('township.officer');
    const own = await stack.api<{ items: UnitRow[] }>(officer, 'GET', '/units?limit=100');
    const target = own.body.items[0]!;
    expect(target).toBeDefined();
    // 太和县<two-character trade name><kind>: the trade name, as someone remembers a unit.
    const part = target.name.slice(3, 5);
    const countyWide = await stack.api<{ items: UnitRow[] }>(
      admin,
      'GET',
      `/units?limit=100&q=${encodeURIComponent(part)}`,
    );
    const outside = countyWide.body.items.filter((unit) => !own.body.items.some((o) => o.id === unit.id));
    expect(outside.length).toBeGreaterThan(0);

    const page = await (await browser.newContext()).newPage();
    await loginAs(page, stack.url, 'township.officer');
    await page.goto(`${stack.url}/taihe/units`);
    await page.locator('[data-testid=units-table]').waitFor();
    await page.getByRole('searchbox', { name: '搜索' }).fill(part);
    await page.getByRole('searchbox', { name: '搜索' }).press('Enter');

    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(part);
    const rows = page.locator('[data-testid=units-table] tbody tr');
    await expect.poll(() => rows.locator(`[href$="/units/${target.id}"]`).count()).toBe(1);
    // The unfiltered first page may hold the target too: wait for the searched list to replace it.
    await expect
      .poll(async () =>
        (await rows.locator('.unit-name').allTextContents()).every((name) => name.includes(part)),
      )
      .toBe(true);
    const names = await rows.locator('.unit-name').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((name) => name.includes(part))).toBe(true);
    // The same words name units in other townships too, and the officer sees none of them.
    for (const unit of outside) expect(names).not.toContain(unit.name);

    await rows.locator(`[href$="/units/${target.id}"]`).click();
    await expect.poll(() => page.url()).toContain(`/units/${target.id}`);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('a search that matches nothing says so, and clearing it shows the whole list again', async () => {
    const page = await (await browser.newContext()).newPage();
    await loginAs(page, stack.url, 'township.officer');
    await page.goto(`${stack.url}/taihe/hazards?q=${encodeURIComponent('不存在的隐患标题')}`);
    await expect.poll(() => page.getByText('没有找到与“不存在的隐患标题”相符的记录。').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('searchbox', { name: '搜索' }).fill('');
    await page.getByRole('button', { name: '搜索' }).click();
    await expect.poll(() => page.locator('[data-testid=hazards-table] tbody tr').count()).toBeGreaterThan(0);
  });
});
