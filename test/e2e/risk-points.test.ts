import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wcagViolations } from '../support/axe.ts';
import { launchBrowser, loginAs, PHONE, screenshot, type TestBrowser } from '../support/browser.ts';
import { type E2eClient, e2eStack } from '../support/e2e-stack.ts';
import { sha256Hex, testJpeg, uploadWith } from '../support/photos.ts';

interface RiskPoint {
  id: string;
  name: string;
  status: string;
  color: string;
  returnReason?: string;
}

let stack: E2eClient;
let browser: TestBrowser;
let officerToken: string;

beforeAll(async () => {
  stack = e2eStack();
  browser = await launchBrowser();
  officerToken = await stack.token('township.officer');
});

afterAll(async () => {
  await browser?.close();
});

describe('risk points in the admin web app', () => {
  it('a township officer approves one filing and returns another from its review queue', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await loginAs(page, stack.url, 'township.officer');
    await page.click('.sidebar a[href$="/review"]');
    const rows = page.locator('[data-testid=risk-points-table] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'review-queue');
    const [first, second] = (await rows.evaluateAll((trs) =>
      trs.map((tr) => tr.getAttribute('data-risk-point')),
    )) as string[];

    // Approve the first: the badge moves on and the history records who approved it.
    await page.click(`tr[data-risk-point="${first}"] a.rp-name`);
    await page.locator('[data-testid=actions] button', { hasText: '审核通过' }).click();
    // The step and the reload that follows it take longer than the poll's one-second default on a loaded machine.
    await expect
      .poll(() => page.locator('.page-title [data-status]').getAttribute('data-status'), { timeout: 10_000 })
      .not.toBe('submitted');
    await page.locator('[data-testid=audit] li', { hasText: 'township.officer' }).waitFor();
    await screenshot(page, 'risk-point-record');
    const approved = await stack.api<RiskPoint>(officerToken, 'GET', `/risk-points/${first}`);
    expect(['township_approved', 'filed']).toContain(approved.body.status);

    // Return the second with a reason (markup in it stays text).
    const reason = '照片不清晰 <b>请重拍</b>';
    await page.goto(`${stack.url}/taihe/risk-points/${second}`);
    await page.locator('[data-testid=actions] button', { hasText: '退回' }).click();
    await page.fill('#f-reason', reason);
    await page.locator('[data-testid=actions] button', { hasText: '确认退回' }).click();
    await page.locator('[data-testid=return-reason]').waitFor();
    expect(await page.locator('[data-testid=return-reason]').textContent()).toContain(reason);
    expect(await page.locator('[data-testid=return-reason] b').count()).toBe(0);
    const returned = await stack.api<RiskPoint>(officerToken, 'GET', `/risk-points/${second}`);
    expect(returned.body.status).toBe('draft');
    expect(returned.body.returnReason).toBe(reason);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('the map draws every risk point in its colour', async () => {
    const adminToken = await stack.token('county.admin');
    // Every page of the register, as the map reads it (the demo county may hold more than one page).
    const points: RiskPoint[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.api<{ items: RiskPoint[]; nextCursor?: string }>(
        adminToken,
        'GET',
        `/risk-points?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      points.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = { body: { items: points } };
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/map`);
    await page.locator('path.rp-marker').first().waitFor();
    for (const colour of ['red', 'orange', 'yellow', 'blue', 'ungraded']) {
      const expected = all.body.items.filter((point) => point.color === colour).length;
      expect(await page.locator(`path.rp-marker.colour-${colour}`).count(), colour).toBe(expected);
    }
    // A red marker is drawn in the standard red: the demo county has red points, so there is one to look at.
    const red = all.body.items.find((point) => point.color === 'red');
    expect(red, 'a red risk point in the demo county').toBeDefined();
    expect(await page.locator(`path.rp-${red?.id}`).getAttribute('fill')).toBe('#d9363e');
    await screenshot(page, 'map');
    await context.close();
  });
  it('a scanned notice-board address opens the board without a login, and the record for someone signed in', async () => {
    const all = await stack.api<{ items: RiskPoint[] }>(
      officerToken,
      'GET',
      '/risk-points?status=filed&limit=100',
    );
    const point = all.body.items[0]!;
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${stack.url}/taihe/r/${point.id}`);
    await page.locator('[data-testid=public-board] h1').waitFor();
    expect(await page.locator('[data-testid=public-board] h1').textContent()).toBe(point.name);
    expect(page.url()).toBe(`${stack.url}/taihe/r/${point.id}`);
    await loginAs(page, stack.url, 'township.officer');
    await page.goto(`${stack.url}/taihe/r/${point.id}`);
    await page.locator('[data-testid=public-board] a.button').click();
    await page.waitForURL(`${stack.url}/taihe/risk-points/${point.id}`);
    expect(await page.locator('[data-testid=risk-point-record] h1').textContent()).toBe(point.name);
    await context.close();
  });

  it('shows reopening a filed point to its reviewer, never to the grid member, and asks the reason first', async () => {
    const adminToken = await stack.token('county.admin');
    // A red point filed the honest way in the grid member's own village: member, township, county.
    const memberToken = await stack.token('grid.member');
    const units = await stack.api<{ items: { id: string }[] }>(memberToken, 'GET', '/units?limit=1');
    const created = await stack.api<RiskPoint & { version: number }>(memberToken, 'POST', '/risk-points', {
      name: '液氨储罐（复核）',
      unitId: units.body.items[0]!.id,
      industry: 'industry_trade_general',
      location: { lat: 33.171, lng: 115.633 },
      assessment: { method: 'LEC', L: 6, E: 6, C: 15 },
    });
    const point = created.body;
    const bytes = testJpeg(91_000);
    const announced = await stack.api<{
      upload: { url: string; headers: Record<string, string> };
      photo: { id: string };
    }>(memberToken, 'POST', `/risk-points/${point.id}/photos`, {
      contentType: 'image/jpeg',
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
    });
    await uploadWith({ ...announced.body.upload, method: 'PUT' }, bytes);
    await stack.api(
      memberToken,
      'POST',
      `/risk-points/${point.id}/photos/${announced.body.photo.id}/confirm`,
    );
    for (const [token, step] of [
      [memberToken, 'submit'],
      [officerToken, 'approve'],
      [adminToken, 'approve'],
    ] as const) {
      expect((await stack.api(token, 'POST', `/risk-points/${point.id}/${step}`, {})).status).toBe(200);
    }

    const asMember = await browser.newContext();
    const memberPage = await asMember.newPage();
    await loginAs(memberPage, stack.url, 'grid.member');
    await memberPage.goto(`${stack.url}/taihe/risk-points/${point.id}`);
    await memberPage.locator('[data-testid=actions]').waitFor();
    expect(await memberPage.locator('[data-testid=reopen]').count()).toBe(0);
    await asMember.close();

    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/risk-points/${point.id}`);
    await page.locator('[data-testid=reopen]').click();
    await page.locator('[data-testid=reopen-form]').waitFor();
    expect(await wcagViolations(page)).toEqual([]);
    await screenshot(page, 'risk-point-reopen');
    const reason = '企业已完成改造，需重新评估';
    await page.fill('#f-reason', reason);
    await page.locator('[data-testid=actions] button', { hasText: '确认重新打开' }).click();
    await expect
      .poll(() => page.locator('.page-title [data-status]').getAttribute('data-status'))
      .toBe('draft');
    const audit = await stack.api<{ items: { action: string; reason?: string }[] }>(
      adminToken,
      'GET',
      `/risk-points/${point.id}/audit`,
    );
    expect(audit.body.items.at(-1)).toMatchObject({ action: 'reopened', reason });
    await context.close();
  });
});
