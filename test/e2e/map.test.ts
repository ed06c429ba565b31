import { describe, expect, it } from 'vitest';
import { loginAs, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;

useBrowserSuite(async (opened) => {
  ({ stack, browser } = opened);
  adminToken = await stack.token('county.admin');
});

/** Every position of one kind the feed answers the county admin, page by page. */
async function feed(kind: 'unit' | 'risk-point', filter = ''): Promise<{ id: string; color?: string }[]> {
  const items: { id: string; color?: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.api<{ items: { id: string; color?: string }[]; nextCursor?: string }>(
      adminToken,
      'GET',
      `/map/points?kind=${kind}${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

describe('the county’s map', () => {
  it('a county admin opens the map, every unit and risk point draws, and the colour filter narrows it to red', async () => {
    const units = await feed('unit');
    const points = await feed('risk-point');
    const red = points.filter((point) => point.color === 'red');
    expect(units.length).toBeGreaterThan(0);
    expect(red.length).toBeGreaterThan(0);
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/map`);
    const map = page.locator('[data-testid=map]');
    await expect.poll(() => map.getAttribute('data-markers')).toBe(String(units.length + points.length));
    await page.locator('[data-testid=map] path.rp-marker').first().waitFor();
    expect(await page.locator('[data-testid=map] path.unit-marker').count()).toBe(units.length);
    expect(await page.locator('[data-testid=map] path.rp-marker').count()).toBe(points.length);
    expect(await page.textContent('[data-testid=map-legend] [data-colour=red]')).toContain(
      String(red.length),
    );
    await screenshot(page, 'map-county');

    await page.locator('#filter-color').selectOption('red');
    await expect.poll(() => map.getAttribute('data-markers')).toBe(String(red.length));
    await expect.poll(() => page.locator('[data-testid=map] path.rp-marker').count()).toBe(red.length);
    expect(await page.locator('[data-testid=map] path.unit-marker').count()).toBe(0);
    expect(await page.locator('[data-testid=map] path.rp-marker:not(.colour-red)').count()).toBe(0);
    expect(page.url()).toContain('color=red');
    await context.close();
  });

  it('the county’s townships are drawn as outlines with their names once a boundary is uploaded', async () => {
    const roots = await stack.api<{ items: { id: string }[] }>(adminToken, 'GET', '/grids');
    const townships = await stack.api<{ items: { id: string; name: string }[] }>(
      adminToken,
      'GET',
      `/grids?parent=${roots.body.items[0]!.id}`,
    );
    const township = townships.body.items[0]!;
    const square = [
      [115.5, 33.1],
      [115.7, 33.1],
      [115.7, 33.25],
      [115.5, 33.25],
      [115.5, 33.1],
    ];
    const saved = await stack.api(adminToken, 'PUT', `/grids/${township.id}/boundary`, {
      type: 'Polygon',
      coordinates: [square],
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/map`);
    const map = page.locator('[data-testid=map]');
    await expect.poll(() => map.getAttribute('data-boundaries')).toBe('1');
    await expect.poll(() => page.locator('.boundary-label').first().textContent()).toBe(township.name);
    expect(await page.locator('.leaflet-boundaries-pane path').count()).toBe(1);
    await screenshot(page, 'map-boundaries');
    await context.close();
  });

  it('a county admin sets the county’s 天地图 key, and with no network the map says the base map is offline and still draws', async () => {
    const before = await stack.api<{ settings: { map: object }; version: number }>(
      adminToken,
      'GET',
      '/settings',
    );
    expect(before.status).toBe(200);
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await loginAs(page, stack.url, 'county.admin');
      await page.goto(`${stack.url}/taihe/settings`);
      const form = page.locator('[data-testid=county-map-settings]');
      await form.locator('#f-tiandituKey').fill('0123456789abcdef0123456789abcdef');
      await form.locator('button[type=submit]').click();
      await page.locator('[data-testid=map-settings-saved]').waitFor();
      const saved = await stack.api<{ settings: { map: { tiandituKey: string } } }>(
        adminToken,
        'GET',
        '/settings',
      );
      expect(saved.body.settings.map.tiandituKey).toBe('0123456789abcdef0123456789abcdef');

      // The test machine reaches no tile server: the layers are taken away and the markers stay.
      await page.goto(`${stack.url}/taihe/map?layer=unit`);
      await expect
        .poll(() => page.textContent('[data-testid=map-tiles]'), { timeout: 20_000 })
        .toContain('底图离线');
      expect(await page.locator('[data-testid=map] path.unit-marker').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-testid=map]').getAttribute('class')).toContain('map-blank');
      await screenshot(page, 'map-tiles-offline');
    } finally {
      await context.close();
      const current = await stack.api<{ settings: object; version: number }>(adminToken, 'GET', '/settings');
      const restored = await stack.api(adminToken, 'PUT', '/settings', {
        settings: { ...current.body.settings, map: before.body.settings.map },
        version: current.body.version,
      });
      expect(restored.status).toBe(200);
    }
  });
});
