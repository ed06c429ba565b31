import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, PHONE, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import { recordedInspection } from '../support/e2e-inspection.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;

useBrowserSuite((opened) => {
  ({ stack, browser, adminToken } = opened);
});

interface Hazard {
  id: string;
  status: string;
  version: number;
  supervised: boolean;
  supervision?: { number?: string; stage: string };
}

/** The step's button, then its form's submit, as the county admin does on the hazard's page. */
async function takeStep(page: Page, action: string, fill: (page: Page) => Promise<void> = async () => {}) {
  await page.locator(`[data-testid=actions] button[data-action=${action}]`).click();
  await page.locator(`.action-form[data-action=${action}]`).waitFor();
  await fill(page);
  await page.click('.action-form button[type=submit]');
}

describe('挂牌督办 in the web app', () => {
  it('the county admin lists the major hazard an inspection’s order made, with its 五落实, prints the 督办单, accepts it and 销号s it; the register shows its age', async () => {
    // The loop the county closes: a major hazard a grid member reports goes to the township at once; the township's
    // officers take it into an inspection whose order makes a hazard of each finding; the county lists that one.
    const member = await stack.token('grid.member');
    const officer = await stack.token('township.officer');
    const units = await stack.api<{ items: { id: string }[] }>(member, 'GET', '/units?limit=1');
    const reported = await stack.api<Hazard & { level: string }>(member, 'POST', '/hazards', {
      unitId: units.body.items[0]!.id,
      severity: 'major',
      title: `尾矿库排洪设施堵塞${Date.now().toString(36)}`,
    });
    expect(reported.body.level).toBe('township');
    const title = `排洪井淤堵未清理${Date.now().toString(36)}`;
    const inspected = await recordedInspection(stack, officer, {
      hazardId: reported.body.id,
      findings: [{ text: title, severity: 'major' }],
      deadline: new Date(Date.now() + 20 * 24 * 3_600_000).toISOString(),
    });
    const id = inspected.hazards[0]!.id;

    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/hazards/${id}`);
    await page.locator('[data-testid=hazard-record]').waitFor();

    // Sent without the 五落实, the form names each one and sends nothing.
    await takeStep(page, 'supervise');
    await expect.poll(() => page.locator('.action-form .field-invalid').count()).toBe(5);
    await page.fill('#f-responsibility', '尾矿库企业负责人；乡镇安监站');
    await page.fill('#f-measures', '清淤疏通排洪井，增设备用排洪管');
    await page.fill('#f-funds', '80000');
    await page.fill('#f-deadline', '2027-04-30');
    await page.fill('#f-plan', '汛期24小时值守，下游撤离预案');
    await page.click('.action-form button[type=submit]');
    const panel = page.locator('[data-testid=supervision][data-stage=listed]');
    await panel.waitFor({ timeout: 45_000 });
    const number = (await page.locator('[data-testid=supervision-number]').textContent())!.trim();
    expect(number).toMatch(/^20\d\d-\d{3}$/);
    await screenshot(page, 'supervision-listed');

    // The 督办单 opens as a print page with its number and commitments.
    await page.click('[data-testid=print-order]');
    const frame = page.frameLocator('[data-testid=supervision-order-print] iframe');
    await frame.locator('h1', { hasText: '重大事故隐患挂牌督办通知书' }).waitFor();
    expect(await frame.locator('body').textContent()).toContain(number.slice(5));
    expect(await frame.locator('body').textContent()).toContain('清淤疏通排洪井');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'supervision-order');

    // The rectification is reported (through the API, with a confirmed photo of the fix).
    await reportRectified(member, id);

    // 验收, then 销号: two steps of their own.
    await page.goto(`${stack.url}/taihe/hazards/${id}`);
    await page.locator('[data-testid=hazard-record][data-status=rectified]').waitFor();
    expect(await page.locator('[data-testid=actions] button[data-action=verify]').count()).toBe(0);
    await takeStep(page, 'accept', (p) => p.fill('.action-form #f-note', '现场验收合格'));
    await page.locator('[data-testid=supervision][data-stage=accepted]').waitFor({ timeout: 45_000 });
    await takeStep(page, 'delist');
    await page.locator('[data-testid=hazard-record][data-status=closed]').waitFor({ timeout: 45_000 });
    await page.locator('[data-testid=supervision][data-stage=delisted]').waitFor();
    const closed = await stack.api<Hazard>(adminToken, 'GET', `/hazards/${id}`);
    expect(closed.body).toMatchObject({ status: 'closed', supervision: { stage: 'delisted', number } });

    // The register (every page of it, through the API) holds it, delisted.
    let cursor: string | undefined;
    let found: Hazard | undefined;
    do {
      const page = await stack.api<{ items: Hazard[]; nextCursor?: string }>(
        adminToken,
        'GET',
        `/hazards?supervised=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      found ??= page.body.items.find((h) => h.id === id);
      cursor = page.body.nextCursor;
    } while (cursor && !found);
    expect(found?.supervision?.stage).toBe('delisted');

    // The register page, longest listed first: the demo's listing from 25 days ago shows its age.
    for (const [device, options] of [
      ['desk', {}],
      ['phone', PHONE],
    ] as const) {
      // The desk reuses its signed-in tab (the session lives in the tab); the phone signs in in a context of its own.
      const viewer = device === 'desk' ? page : await (await browser.newContext(options)).newPage();
      if (device === 'phone') await loginAs(viewer, stack.url, 'county.admin');
      await viewer.goto(`${stack.url}/taihe/supervision`);
      await viewer.locator('[data-testid=register-table] tr[data-hazard]').first().waitFor();
      const ages = await viewer.locator('[data-testid=register-table] [data-testid=age]').allTextContents();
      expect(Math.max(...ages.map((age) => Number.parseInt(age, 10)))).toBeGreaterThanOrEqual(25);
      await expect.poll(() => viewer.locator('[aria-busy=true]').count()).toBe(0);
      expect(await accessibilityViolations(viewer), device).toEqual([]);
      await screenshot(viewer, `supervision-register-${device}`);
      if (device === 'phone') {
        await viewer.goto(`${stack.url}/taihe/supervision/${id}/order`);
        await viewer.frameLocator('iframe').locator('h1').waitFor();
        expect(await accessibilityViolations(viewer), 'print page on a phone').toEqual([]);
      }
    }
    await context.close();
  });
});

/** The grid member reports the rectification with a confirmed photo, as the phone would. */
async function reportRectified(member: string, id: string) {
  const { sha256Hex, testJpeg, uploadWith } = await import('../support/photos.ts');
  const bytes = testJpeg(Date.now() % 100_000);
  const announced = await stack.api<{ upload: never; photo: { id: string } }>(
    member,
    'POST',
    `/hazards/${id}/photos`,
    {
      contentType: 'image/jpeg',
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
    },
  );
  expect(announced.status).toBe(201);
  await uploadWith(announced.body.upload, bytes);
  expect(
    (await stack.api(member, 'POST', `/hazards/${id}/photos/${announced.body.photo.id}/confirm`)).status,
  ).toBe(200);
  const reported = await stack.api<Hazard>(member, 'POST', `/hazards/${id}/report-rectified`, {
    note: '已清淤疏通',
    photoIds: [announced.body.photo.id],
  });
  expect(reported.status).toBe(200);
}
