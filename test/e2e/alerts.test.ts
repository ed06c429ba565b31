import { signedHeaders } from '@gridsafe/core/signed-message';
import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, PHONE, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

let stack: E2eClient;
let browser: TestBrowser;
let officerToken: string;

useBrowserSuite(async (opened) => {
  ({ stack, browser } = opened);
  officerToken = await stack.token('township.officer');
});

/** Sends an alert in as a monitoring system would: no token, signed with the source's secret. */
async function sendAlert(source: { id: string; secret: string }, unitId: string, marker: string) {
  const raw = JSON.stringify({
    sourceId: source.id,
    eventId: `e2e-${marker}`,
    unitId,
    kind: 'gas_concentration',
    level: 'red',
    message: `可燃气体浓度超限 ${marker}`,
    observedAt: new Date().toISOString(),
  });
  const response = await fetch(`${stack.url}/t/taihe/api/v1/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(source.secret, raw) },
    body: raw,
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

describe('monitoring alerts in the web app', () => {
  for (const [device, options] of [
    ['desk', {}],
    ['phone', PHONE],
  ] as const) {
    it(`a county admin registers a monitoring system and sees its secret once, then rotates it, on a ${device}`, async () => {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await loginAs(page, stack.url, 'county.admin');
      await page.goto(`${stack.url}/taihe/alert-sources`);
      await page.locator('[data-testid=alert-source-form]').waitFor();
      const name = `燃气监测${device}${Date.now().toString(36)}`;
      await page.fill('#f-name', name);
      await page.locator('[data-testid=alert-source-form] button[type=submit]').click();
      const secret = page.locator('[data-testid=alert-secret-value]');
      await secret.waitFor();
      const first = (await secret.textContent())?.trim() ?? '';
      expect(first).toMatch(/^gss_/);
      const row = page.locator('[data-testid=alert-sources-table] tr', { hasText: name });
      await row.waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `alert-sources-${device}`);
      // Once dismissed, the secret is nowhere on the page (the list never has it).
      await page.locator('[data-testid=alert-secret] button').click();
      await secret.waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(first);
      await row.locator('button').click();
      await secret.waitFor();
      const second = (await secret.textContent())?.trim() ?? '';
      expect(second).toMatch(/^gss_/);
      expect(second).not.toBe(first);
      await context.close();
    });

    it(`a township officer sees an alert of their area and turns it into a hazard with one action, on a ${device}`, async () => {
      const adminToken = await stack.token('county.admin');
      const source = await stack.api<{ id: string; secret: string }>(adminToken, 'POST', '/alert-sources', {
        name: `e2e 监测 ${device}`,
      });
      expect(source.status).toBe(201);
      const units = await stack.api<{ items: { id: string; name: string }[] }>(
        officerToken,
        'GET',
        '/units?limit=1',
      );
      const unit = units.body.items[0]!;
      const marker = `${device}-${Date.now().toString(36)}`;
      const alertId = await sendAlert(source.body, unit.id, marker);

      const context = await browser.newContext(options);
      const page = await context.newPage();
      await loginAs(page, stack.url, 'township.officer');
      await page.goto(`${stack.url}/taihe/alerts`);
      const row = page.locator(`[data-testid=alerts-table] tr[data-alert="${alertId}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain(marker);
      expect(await row.locator('.alert-level').getAttribute('data-level')).toBe('red');
      await row.locator('[data-testid=alert-to-hazard]').click();
      await row.locator('[data-testid=alert-hazard-form]').waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `alerts-${device}`);
      await row.locator('[data-testid=alert-hazard-form] button[type=submit]').click();
      await page.waitForURL(/\/taihe\/hazards\/[0-9A-Z]{26}$/);
      const hazardId = page.url().split('/').pop()!;
      const hazard = await stack.api<{ alertId: string; source: string; unitId: string }>(
        officerToken,
        'GET',
        `/hazards/${hazardId}`,
      );
      expect(hazard.body).toMatchObject({ alertId, source: 'alert', unitId: unit.id });
      const alert = await stack.api<{ status: string; hazardId: string }>(
        officerToken,
        'GET',
        `/alerts/${alertId}`,
      );
      expect(alert.body).toMatchObject({ status: 'handled', hazardId });
      // The alert's own page now links its hazard, and the open list no longer holds it.
      await page.goto(`${stack.url}/taihe/alerts/${alertId}`);
      await page.locator('[data-testid=alert-details]').waitFor();
      expect(await page.locator(`a[href="/taihe/hazards/${hazardId}"]`).count()).toBe(1);
      expect(await accessibilityViolations(page)).toEqual([]);
      await context.close();
    });
  }
});
