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

/** The demo county's centre (太和县), around which its resources are seeded. */
const CENTRE = { lat: 33.16, lng: 115.62 };

interface Plan {
  id: string;
  reviewOverdue: boolean;
}

/** A unit of the demo county with a plan past its review date (the seed files one), and its plans. */
async function unitWithOverduePlan(): Promise<{ unitId: string; plans: Plan[] }> {
  const units = await stack.api<{ items: { id: string }[] }>(adminToken, 'GET', '/units?limit=20');
  for (const unit of units.body.items) {
    const plans = await stack.api<{ items: Plan[] }>(adminToken, 'GET', `/plans?unit=${unit.id}`);
    if (plans.body.items.some((plan) => plan.reviewOverdue))
      return { unitId: unit.id, plans: plans.body.items };
  }
  throw new Error('the demo seed filed no overdue plan');
}

describe('emergency resources and plans in the web app', () => {
  for (const [device, options] of [
    ['desk', {}],
    ['phone', PHONE],
  ] as const) {
    it(`a county admin lists, finds near a place and registers emergency resources, on a ${device}`, async () => {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await loginAs(page, stack.url, 'county.admin');
      await page.goto(`${stack.url}/taihe/resources`);
      const list = page.locator('[data-testid=resource-list]');
      await list.waitFor();
      expect(await list.locator('li').count()).toBeGreaterThan(0);
      expect(await accessibilityViolations(page)).toEqual([]);

      // Nearest first, each with its distance.
      await page.fill('#f-near-lat', String(CENTRE.lat));
      await page.fill('#f-near-lng', String(CENTRE.lng));
      await page.fill('#f-near-radius', '20');
      await page.locator('[data-testid=near-search] button[type=submit]').click();
      const results = page.locator('[data-testid=near-results] li');
      await results.first().waitFor();
      const distances = (
        await page.locator('[data-testid=near-results] .resource-distance').allTextContents()
      ).map((text) => Number.parseFloat(text));
      expect(distances.length).toBeGreaterThan(1);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
      await page.getByRole('button', { name: /返回列表|Back to the list/ }).click();

      // A bad phone number is named beside its field; then a good one registers the stockpile.
      const name = `演示物资点${device}`;
      const form = page.locator('[data-testid=resource-form]');
      await form.locator('#f-kind').selectOption('supply');
      await form.locator('#f-name').fill(name);
      await form.locator('#f-address').fill('测试路1号');
      await form.locator('[id="f-location.lat"]').fill('33.171');
      await form.locator('[id="f-location.lng"]').fill('115.631');
      await form.locator('#f-gridId').selectOption({ index: 1 });
      await form.locator('[id="f-contact.name"]').fill('保管员');
      await form.locator('[id="f-contact.phone"]').fill('call me');
      await form.locator('#f-supplyType').fill('救生衣');
      await form.locator('#f-quantity').fill('50');
      await form.locator('button[type=submit]').click();
      await form.locator('[data-field="contact.phone"] .field-error').waitFor();
      expect(await accessibilityViolations(page)).toEqual([]);
      await form.locator('[id="f-contact.phone"]').fill('13900004444');
      await form.locator('button[type=submit]').click();
      await page.getByText(name, { exact: false }).first().waitFor();
      const stored = await stack.api<{ items: { name: string; kind: string; quantity: number }[] }>(
        adminToken,
        'GET',
        '/resources?near=33.171,115.631&radiusKm=0.5',
      );
      expect(stored.body.items.find((item) => item.name === name)).toMatchObject({
        kind: 'supply',
        quantity: 50,
      });
      await screenshot(page, `resources-${device}`);
      await context.close();
    });

    it(`a red risk point’s page lists the resources nearest it and its plans, on a ${device}`, async () => {
      const red = await stack.api<{ items: { id: string; location: { lat: number; lng: number } }[] }>(
        adminToken,
        'GET',
        '/risk-points?color=red&limit=1',
      );
      const point = red.body.items[0]!;
      const expected = await stack.api<{ items: { id: string }[] }>(
        adminToken,
        'GET',
        `/resources?near=${point.location.lat},${point.location.lng}&radiusKm=10&limit=10`,
      );
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await loginAs(page, stack.url, 'county.admin');
      await page.goto(`${stack.url}/taihe/risk-points/${point.id}`);
      const nearby = page.locator('[data-testid=nearby-resources]');
      await nearby.waitFor();
      await page.locator('[data-testid=plans-panel]').waitFor();
      if (expected.body.items.length > 0) {
        await nearby.locator('li').first().waitFor();
        expect(
          await nearby
            .locator('li')
            .evaluateAll((items) => items.map((li) => li.getAttribute('data-resource'))),
        ).toEqual(expected.body.items.map((item) => item.id));
      }
      expect(await accessibilityViolations(page)).toEqual([]);
      await context.close();
    });

    it(`a unit’s page flags a plan past its review date and files a new one, on a ${device}`, async () => {
      const { unitId, plans } = await unitWithOverduePlan();
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await loginAs(page, stack.url, 'county.admin');
      await page.goto(`${stack.url}/taihe/units/${unitId}`);
      const panel = page.locator('[data-testid=plans-panel]');
      await panel.locator('[data-testid=plan-list] li').first().waitFor();
      expect(await panel.locator('li[data-overdue=true] .badge-bad').count()).toBe(
        plans.filter((plan) => plan.reviewOverdue).length,
      );
      await panel
        .getByRole('button', { name: /备案预案|File a plan/ })
        .first()
        .click();
      const title = `演示预案${device}`;
      await panel.locator('#f-title').fill(title);
      await panel.locator('#f-planVersion').fill('2026版');
      await panel.locator('#f-reviewDate').fill('2029-12-31');
      await panel.locator('#f-fileId').setInputFiles({
        name: 'plan.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from(`%PDF-1.4\n% ${title}\n%%EOF\n`),
      });
      expect(await accessibilityViolations(page)).toEqual([]);
      await panel.locator('[data-testid=plan-form] button[type=submit]').click();
      await panel.getByText(title).waitFor();
      const after = await stack.api<{ items: { title: string; reviewOverdue: boolean }[] }>(
        adminToken,
        'GET',
        `/plans?unit=${unitId}`,
      );
      expect(after.body.items.find((plan) => plan.title === title)).toMatchObject({ reviewOverdue: false });
      await screenshot(page, `plans-${device}`);
      await context.close();
    });
  }
});
