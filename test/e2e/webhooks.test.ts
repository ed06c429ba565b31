import { signedHeaders } from '@gridsafe/core/signed-message';
import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, PHONE, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';
import { startReceiver, verifiedByDocs } from '../support/webhook-receiver.ts';

let stack: E2eClient;
let browser: TestBrowser;

useBrowserSuite(async (opened) => {
  ({ stack, browser } = opened);
});

describe('webhooks in the web app', () => {
  for (const [device, options] of [
    ['desk', {}],
    ['phone', PHONE],
  ] as const) {
    it(`a county admin adds a webhook, sees its secret once and a delivery in its log, on a ${device}`, async () => {
      const receiver = await startReceiver();
      const context = await browser.newContext(options);
      try {
        const page = await context.newPage();
        await loginAs(page, stack.url, 'county.admin');
        await page.goto(`${stack.url}/taihe/webhooks`);
        await page.locator('[data-testid=webhook-form]').waitFor();
        await page.fill('#f-url', receiver.url);
        await page.locator('[data-testid=webhook-form] button[type=submit]').click();
        const secretValue = page.locator('[data-testid=webhook-secret-value]');
        await secretValue.waitFor();
        const secret = (await secretValue.textContent())?.trim() ?? '';
        expect(secret).toMatch(/^gss_/);
        const row = page.locator('[data-testid=webhooks-table] tr', { hasText: receiver.url });
        await row.waitFor();
        expect(await accessibilityViolations(page)).toEqual([]);
        await screenshot(page, `webhooks-${device}`);
        await page.locator('[data-testid=webhook-secret] button').click();
        await secretValue.waitFor({ state: 'detached' });
        expect(await page.content()).not.toContain(secret);

        // An alert comes in; it is sent to the receiver right after it is accepted (no timer run), signed with the
        // secret shown.
        const adminToken = await stack.token('county.admin');
        const source = await stack.api<{ id: string; secret: string }>(adminToken, 'POST', '/alert-sources', {
          name: `e2e 推送 ${device}`,
        });
        const units = await stack.api<{ items: { id: string }[] }>(adminToken, 'GET', '/units?limit=1');
        const raw = JSON.stringify({
          sourceId: source.body.id,
          eventId: `e2e-webhook-${device}-${Date.now()}`,
          unitId: units.body.items[0]?.id,
          kind: 'gas_concentration',
          level: 'yellow',
          message: '推送测试',
          observedAt: new Date().toISOString(),
        });
        const sent = await fetch(`${stack.url}/t/taihe/api/v1/alerts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signedHeaders(source.body.secret, raw) },
          body: raw,
        });
        expect(sent.status).toBe(202);
        const alert = await receiver.waitForEvent('alert.created', 10_000);
        // The stack's clock may have been moved by the suite: the check is of the HMAC, at the stamp's own time.
        const stamped = Number(alert?.headers['x-gridsafe-timestamp']);
        expect(verifiedByDocs(secret, alert as never, stamped)).toBe(true);
        expect(verifiedByDocs(source.body.secret, alert as never, stamped)).toBe(false);

        await row.locator('button', { hasText: /推送记录|Deliveries/ }).click();
        const delivered = page.locator('[data-testid=webhook-deliveries] tr[data-status=delivered]');
        await delivered.first().waitFor();
        expect(await accessibilityViolations(page)).toEqual([]);
        await row.locator('button', { hasText: /删除|Delete/ }).click();
        await row.waitFor({ state: 'detached' });
      } finally {
        await context.close();
        await receiver.close();
      }
    });
  }
});
