import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loginAs, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import { type E2eClient, validCreditCode } from '../support/e2e-stack.ts';

interface GridNode {
  id: string;
  name: string;
  level: string;
}

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;

async function township(name: string): Promise<GridNode> {
  const page = await stack.api<{ items: GridNode[] }>(adminToken, 'GET', '/grids?level=township&limit=100');
  const found = page.body.items.find((node) => node.name === name);
  if (!found) throw new Error(`no township ${name}`);
  return found;
}

/**
 * A page that fails the test on any script error, dialog (an injected alert() would open one) or anything the
 * Content-Security-Policy refused (the app must work under it, not around it).
 */
async function watchedPage(context: BrowserContext) {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy'))
      problems.push(`csp: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, problems };
}

useBrowserSuite(async (opened) => {
  ({ stack, browser } = opened);
  adminToken = await stack.token('county.admin');
});

describe('the admin web app (desktop)', () => {
  it('is served with a CSP that runs no inline script, and nosniff, and works under it', async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    const response = await page.goto(`${stack.url}/taihe/login`);
    const policy = (await response?.allHeaders())?.['content-security-policy'] ?? '';
    const scripts = policy.split(';').find((directive) => directive.trim().startsWith('script-src')) ?? '';
    expect(scripts.trim()).toBe("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    await page.fill('#f-username', 'county.admin');
    await page.fill('#f-password', 'Gridsafe-demo-2026');
    await page.click('button[type=submit]');
    await page.locator('[data-testid=grid-tree]').waitFor();
    expect(problems).toEqual([]);
    // An injected inline script is refused by the browser itself.
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    await context.close();
  });

  it('a county admin logs in, sees the grid tree with 城关镇 and opens its stats', async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(`${stack.url}/taihe/login`);
    await expect.poll(() => page.textContent('h1')).toBe('网格安全');
    await screenshot(page, 'login');

    await page.fill('#f-username', 'county.admin');
    await page.fill('#f-password', 'Gridsafe-demo-2026');
    await page.click('button[type=submit]');
    const chengguan = page.locator('[data-testid=grid-tree] a.tree-name', { hasText: '城关镇' });
    await chengguan.waitFor();
    expect(page.url()).toBe(`${stack.url}/taihe/grids`);
    expect(await page.locator('[data-testid=who]').textContent()).toContain('县级管理员');
    await screenshot(page, 'grid-tree');

    await chengguan.click();
    const stats = page.locator('[data-testid=grid-stats]');
    await stats.waitFor();
    expect(await page.locator('h1').textContent()).toBe('城关镇');
    // The page shows the API's counters: 城关镇 has four villages of three demo units each.
    const api = await stack.api<{ units: number }>(
      adminToken,
      'GET',
      `/grids/${(await township('城关镇')).id}/stats`,
    );
    expect(await page.locator('[data-testid=stat-units]').textContent()).toBe(String(api.body.units));
    expect(await page.locator('svg.donut').count()).toBe(1);
    await page.locator('[data-testid=chain]').waitFor();
    expect(await page.locator('[data-testid=chain]').textContent()).toContain('记录链完整');
    await screenshot(page, 'grid-stats');

    await page.click('.sidebar >> text=单位');
    await page.locator('[data-testid=units-table] tbody tr').first().waitFor();
    await screenshot(page, 'units');

    await page.locator('[data-testid=units-table] a.unit-name').first().click();
    await page.locator('[data-testid=audit] [data-testid=chain]').waitFor();
    expect(await page.locator('[data-testid=unit-record] h1').textContent()).not.toBe('');
    await screenshot(page, 'unit-record');

    await page.click('.sidebar >> text=一张图');
    await page.locator('[data-testid=map] path.unit-marker').first().waitFor();
    // No tile URL is configured here: the map must still draw every unit with a position, with no network tiles.
    const drawn = await page.locator('[data-testid=map] path.unit-marker').count();
    expect(drawn).toBeGreaterThan(30);
    expect(await page.locator('.leaflet-tile').count()).toBe(0);
    expect(await page.locator('.leaflet-control-scale').count()).toBe(1);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the English toggle switches the labels', async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await loginAs(page, stack.url, 'county.admin');
    await page.locator('.sidebar').getByRole('link', { name: '网格', exact: true }).waitFor();
    await page.click('.topbar [data-testid=language-toggle]');
    await page.locator('.sidebar').getByRole('link', { name: 'Grids', exact: true }).waitFor();
    expect(await page.locator('.sidebar a').allTextContents()).toEqual(
      expect.arrayContaining(['Grids', 'Units', 'Map', 'Users', 'Knowledge base']),
    );
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Grids');
    expect(await page.locator('[data-testid=sync-badge]').textContent()).toContain('Synced');
    await screenshot(page, 'grid-tree-en');
    // The choice survives a reload; switching back restores Chinese.
    await page.reload();
    await page.locator('.sidebar').getByRole('link', { name: 'Units', exact: true }).waitFor();
    await page.click('.topbar [data-testid=language-toggle]');
    await page.locator('.sidebar').getByRole('link', { name: '单位', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(problems).toEqual([]);
    await context.close();
  });

  it("a township officer cannot see another township's units", async () => {
    const other = await township('旧县镇');
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await loginAs(page, stack.url, 'township.officer');
    // Its own township's units are listed ...
    await page.goto(`${stack.url}/taihe/units`);
    await page.locator('[data-testid=units-table] tbody tr').first().waitFor();
    // ... another township's are refused, and the page says so instead of showing anything.
    await page.goto(`${stack.url}/taihe/units?grid=${other.id}`);
    const alert = page.locator('[role=alert][data-status="403"]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('无权访问');
    expect(await page.locator('[data-testid=units-table]').count()).toBe(0);
    const leaked = await stack.api<{ items: { name: string }[] }>(
      adminToken,
      'GET',
      `/units?grid=${other.id}&limit=100`,
    );
    const text = (await page.textContent('main')) ?? '';
    for (const unit of leaked.body.items) expect(text).not.toContain(unit.name);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('an API string containing markup shows up as text and no dialog fires', async () => {
    const markup = '<img src=x onerror=alert(1)>';
    const grids = await stack.api<{ items: GridNode[] }>(
      adminToken,
      'GET',
      `/grids?parent=${(await township('城关镇')).id}`,
    );
    const village = grids.body.items[0]!;
    const created = await stack.api<{ id: string; name: string }>(adminToken, 'POST', '/units', {
      name: `${markup}测试单位`,
      creditCode: validCreditCode(),
      industry: 'gas_station',
      gridId: village.id,
      address: `<script>alert(2)</script>路1号`,
      location: { lat: 33.2, lng: 115.7 },
      contact: { name: '<b>张三</b>' },
    });
    expect(created.status).toBe(201);

    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/units/${created.body.id}`);
    await page.locator('[data-testid=audit]').waitFor();
    expect(await page.locator('[data-testid=unit-record] h1').textContent()).toBe(`${markup}测试单位`);
    expect(await page.textContent('[data-testid=unit-record]')).toContain('<script>alert(2)</script>路1号');

    await page.goto(`${stack.url}/taihe/units?grid=${village.id}`);
    await page.locator('a.unit-name', { hasText: markup }).waitFor();

    await page.goto(`${stack.url}/taihe/map?grid=${village.id}`);
    const marker = page.locator(`path.unit-${created.body.id}`);
    await marker.waitFor();
    await marker.click();
    await page.locator('.leaflet-popup-content', { hasText: markup }).waitFor();

    // Nothing was parsed as markup anywhere: no <img src=x>, no injected <script> or <b>, no alert.
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('main script, main b').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the app installs as a PWA whose service worker caches the shell and never the API', async () => {
    const context = await browser.newContext();
    const page: Page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector('link[rel=manifest]')?.getAttribute('href');
      return link
        ? ((await (await fetch(link)).json()) as { name: string; display: string; icons: unknown[] })
        : undefined;
    });
    expect(manifest?.display).toBe('standalone');
    expect(manifest?.icons.length).toBeGreaterThan(0);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.goto(`${stack.url}/taihe/units`);
    await page.locator('[data-testid=units-table] tbody tr').first().waitFor();
    const cached = await page.evaluate(async () => {
      const keys: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys())
          keys.push(new URL(request.url).pathname);
      }
      return keys;
    });
    expect(cached).toContain('/index.html');
    expect(cached.some((path) => path.startsWith('/assets/'))).toBe(true);
    expect(cached.filter((path) => path.startsWith('/t/'))).toEqual([]);
    await context.close();
  });
});
