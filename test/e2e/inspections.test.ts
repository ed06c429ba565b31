import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, PHONE, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

interface Hazard {
  id: string;
  level: string;
  source: string;
  inspectionId?: string;
}
interface Inspection {
  id: string;
  number: string;
  status: string;
  findings: { text: string; hazardId?: string }[];
}

let stack: E2eClient;
let browser: TestBrowser;
let memberToken: string;
let officerToken: string;

useBrowserSuite(async (opened) => {
  ({ stack, browser } = opened);
  memberToken = await stack.token('grid.member');
  officerToken = await stack.token('township.officer');
});

describe('enforcement inspections in the web app', () => {
  it('a township officer takes an escalated hazard into an inspection with an order, signed on the screen, and sees the resulting hazard', async () => {
    // A major hazard goes to the township at once: escalated.
    const units = await stack.api<{ items: { id: string }[] }>(memberToken, 'GET', '/units?limit=1');
    const unitId = units.body.items[0]!.id;
    const reported = await stack.api<Hazard>(memberToken, 'POST', '/hazards', {
      unitId,
      severity: 'major',
      title: `液氨管道泄漏${Date.now().toString(36)}`,
    });
    expect(reported.status).toBe(201);
    expect(reported.body.level).toBe('township');

    // A tablet on site: the position comes from its GPS.
    const desk = await browser.newContext({
      geolocation: { latitude: 33.1612, longitude: 115.6231 },
      permissions: ['geolocation'],
    });
    const page = await desk.newPage();
    await loginAs(page, stack.url, 'township.officer');
    await page.goto(`${stack.url}/taihe/hazards/${reported.body.id}`);
    await page.locator('[data-testid=inspect]').click();
    await page.locator('[data-testid=inspection-form]').waitFor();

    const finding = `报警器未联锁${Date.now().toString(36)}`;
    await page.fill('#f-checkedItems', '安全生产责任制\n液氨储罐区');
    await page.click('[data-testid=add-finding]');
    await page.fill('#f-finding-0', finding);
    await page.selectOption('#f-officer-1', { label: '应急局执法人员' });
    await page.fill('#f-certificate-0', '皖执3412001');
    await page.fill('#f-certificate-1', '皖执3412002');
    await page.selectOption('#f-outcome', 'order');
    const deadline = new Date(Date.now() + 15 * 24 * 3600_000).toISOString().slice(0, 10);
    await page.fill('#f-deadline', deadline);
    await page.fill('#f-signatures', '王经理');
    const canvas = page.locator('[data-testid=signature-canvas]');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + 60, { steps: 8 });
    await page.mouse.move(box.x + 220, box.y + 30, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => page.textContent('[data-testid=location]')).toContain('33.1612');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'inspection-form');
    await page.click('[data-testid=inspection-form] button[type=submit]');
    await page
      .locator('[data-testid=inspection-record][data-status=ordered]')
      .waitFor({ timeout: 45_000 })
      .catch(async (error) => {
        await screenshot(page, 'inspection-form-refused');
        throw error;
      });
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'inspection-record');

    // The record names the hazard its order made; the officer opens it.
    const inspectionId = page.url().split('/').pop()!;
    const recorded = await stack.api<Inspection>(officerToken, 'GET', `/inspections/${inspectionId}`);
    expect(recorded.body.status).toBe('ordered');
    expect(recorded.body.findings[0]!.text).toBe(finding);
    const resultingId = recorded.body.findings[0]!.hazardId!;
    await page.locator('[data-testid=resulting-hazard]').click();
    await page.locator('[data-testid=hazard-record]').waitFor();
    expect(page.url()).toContain(`/hazards/${resultingId}`);
    await expect.poll(() => page.textContent('[data-testid=hazard-record]')).toContain(finding);
    const resulting = await stack.api<Hazard>(officerToken, 'GET', `/hazards/${resultingId}`);
    expect(resulting.body).toMatchObject({ source: 'inspection', inspectionId });

    // The order prints, and the list shows the inspection.
    await page.goto(`${stack.url}/taihe/inspections/${inspectionId}/print/order`);
    await page.locator('[data-testid=inspection-print] iframe').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.goto(`${stack.url}/taihe/inspections`);
    await page.locator(`[data-testid=inspections-table] tr[data-inspection="${inspectionId}"]`).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await desk.close();

    // On a phone: the list as cards, the record, and the form from the unit's page.
    const phone = await browser.newContext(PHONE);
    const small = await phone.newPage();
    await loginAs(small, stack.url, 'township.officer');
    await small.goto(`${stack.url}/taihe/inspections`);
    await small.locator(`[data-testid=inspections-table] tr[data-inspection="${inspectionId}"]`).waitFor();
    expect(await accessibilityViolations(small)).toEqual([]);
    await small.goto(`${stack.url}/taihe/inspections/${inspectionId}`);
    await small.locator('[data-testid=inspection-record]').waitFor();
    expect(await accessibilityViolations(small)).toEqual([]);
    await small.goto(`${stack.url}/taihe/units/${unitId}`);
    await small.locator('[data-testid=inspect]').click();
    await small.locator('[data-testid=inspection-form]').waitFor();
    expect(await accessibilityViolations(small)).toEqual([]);
    await screenshot(small, 'mobile-inspection-form');
    await phone.close();
  });
});
