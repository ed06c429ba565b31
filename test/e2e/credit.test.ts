import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, PHONE, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;

useBrowserSuite(async (opened) => {
  ({ stack, browser } = opened);
  adminToken = await stack.token('county.admin');
});

interface RatedUnit {
  id: string;
  name: string;
  location?: { lat: number; lng: number };
  credit?: { level: string; score: number };
}

/** Every unit of the demo county with its credit badge, as the county admin lists them. */
async function ratedUnits(filter = ''): Promise<RatedUnit[]> {
  const items: RatedUnit[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.api<{ items: RatedUnit[]; nextCursor?: string }>(
      adminToken,
      'GET',
      `/units?include=credit&limit=100${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

describe('unit credit ratings in the web app', () => {
  for (const [device, options] of [
    ['desk', {}],
    ['phone', PHONE],
  ] as const) {
    it(`a county admin sees a unit’s credit level and why it has it, on a ${device}`, async () => {
      const units = await ratedUnits();
      const unit = units.find((u) => u.credit && u.credit.level !== 'green') ?? units[0]!;
      const credit = await stack.api<{
        current: { level: string; score: number; reasons: { code: string }[] };
        history: unknown[];
      }>(adminToken, 'GET', `/units/${unit.id}/credit`);
      expect(credit.status).toBe(200);
      const { current } = credit.body;
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await loginAs(page, stack.url, 'county.admin');
      await page.goto(`${stack.url}/taihe/units/${unit.id}`);
      const panel = page.locator('[data-testid=unit-credit]');
      await panel.waitFor();
      expect(await panel.locator('.section-head .credit-badge').getAttribute('data-credit')).toBe(
        current.level,
      );
      expect(await panel.locator('[data-testid=credit-score]').textContent()).toContain(
        String(current.score),
      );
      // "Why is this unit yellow": one line per reason the API gives, in the person's language.
      if (current.reasons.length > 0) {
        const rows = panel.locator('[data-testid=credit-reasons] tbody tr');
        expect(await rows.count()).toBe(current.reasons.length);
        expect(await rows.first().getAttribute('data-reason')).toBe(current.reasons[0]!.code);
        expect(await rows.first().locator('td').first().textContent()).not.toContain('credit.reason');
      } else {
        expect(current.level).toBe('green');
      }
      expect(await panel.locator('[data-testid=credit-history] tbody tr').count()).toBe(
        credit.body.history.length,
      );
      await screenshot(page, `credit-unit-${device}`);
      expect(await accessibilityViolations(page)).toEqual([]);
      await context.close();
    });
  }

  it('the units list shows each unit’s credit badge and filters by level', async () => {
    const units = await ratedUnits();
    const level = units.find((u) => u.credit && u.credit.level !== 'green')?.credit?.level ?? 'green';
    const ofLevel = units.filter((u) => u.credit?.level === level);
    expect(ofLevel.length).toBeGreaterThan(0);
    for (const options of [{}, PHONE]) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await loginAs(page, stack.url, 'county.admin');
      await page.goto(`${stack.url}/taihe/units`);
      const table = page.locator('[data-testid=units-table]');
      await table.locator('tbody tr').first().waitFor();
      expect(await table.locator('tbody tr .credit-badge').count()).toBe(
        await table.locator('tbody tr').count(),
      );
      await page.locator('#filter-credit').selectOption(level);
      await expect.poll(() => page.url()).toContain(`credit=${level}`);
      await expect.poll(() => table.locator('tbody tr').count()).toBe(Math.min(ofLevel.length, 20));
      expect(await table.locator(`tbody tr .credit-badge:not([data-credit=${level}])`).count()).toBe(0);
      expect(await accessibilityViolations(page)).toEqual([]);
      await context.close();
    }
  });

  it('the map colours units by credit level and the credit filter leaves that level’s units only', async () => {
    const units = (await ratedUnits()).filter((u) => u.location);
    const level = units.find((u) => u.credit && u.credit.level !== 'green')?.credit?.level ?? 'green';
    const ofLevel = units.filter((u) => u.credit?.level === level);
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/map?layer=unit`);
    const map = page.locator('[data-testid=map]');
    await expect.poll(() => map.getAttribute('data-markers')).toBe(String(units.length));
    await page.locator('[data-testid=map] path.unit-marker').first().waitFor();
    expect(await page.locator(`[data-testid=map] path.unit-marker.credit-${level}`).count()).toBe(
      ofLevel.length,
    );
    expect(await page.textContent(`[data-testid=map-legend] [data-credit=${level}]`)).toContain(
      String(ofLevel.length),
    );
    await page.locator('#filter-credit').selectOption(level);
    await expect.poll(() => map.getAttribute('data-markers')).toBe(String(ofLevel.length));
    await expect
      .poll(() => page.locator(`[data-testid=map] path.unit-marker:not(.credit-${level})`).count())
      .toBe(0);
    expect(page.url()).toContain(`credit=${level}`);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});
