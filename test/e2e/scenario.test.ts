import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FIELD_PHONE, loginAs, PHOTO, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

interface GridNode {
  id: string;
  name: string;
  level: string;
}
interface Unit {
  id: string;
  name: string;
}
interface RiskPoint {
  id: string;
  status: string;
  color: string;
}
interface Hazard {
  id: string;
  level: string;
  overdue: boolean;
  deadline: string;
  escalateAt?: string;
  escalations: { cause: string; from: string; to: string }[];
}
interface Stats {
  riskPoints: { red: number };
}

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;
let memberToken: string;
let village: string;
let county: GridNode;

useBrowserSuite(
  async (opened) => {
    ({ stack, browser } = opened);
    adminToken = await stack.token('county.admin');
    memberToken = await stack.token('grid.member');
    village = await stack.gridOf(memberToken);
    const roots = await stack.api<{ items: GridNode[] }>(adminToken, 'GET', '/grids?level=county');
    county = roots.body.items[0]!;
    // The scenario passes deadlines weeks ahead: on a stack of its own, so the other files keep today's date.
  },
  { ownStack: true },
);

/** A grid member's phone standing in its village, location allowed. */
function phone(): Promise<BrowserContext> {
  return browser.newContext(FIELD_PHONE);
}

async function memberUnit(): Promise<Unit> {
  const units = await stack.api<{ items: Unit[] }>(memberToken, 'GET', `/units?grid=${village}&limit=100`);
  return units.body.items.find((unit) => !unit.name.includes('<'))!;
}

async function countyRed(): Promise<number> {
  return (await stack.api<Stats>(adminToken, 'GET', `/grids/${county.id}/stats`)).body.riskPoints.red;
}

/** The id at the end of the record link a form shows after saving. */
async function savedId(page: Page, selector: string): Promise<string> {
  const href = await page.locator(`${selector} a`).getAttribute('href');
  return href!.split('/').pop()!;
}

/** Approves a filing from the reviewer's own queue, as that reviewer, and answers the status it moved to. */
async function approveFromQueue(username: string, id: string, shot: string): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await loginAs(page, stack.url, username);
  await page.click('.sidebar a[href$="/review"]');
  const row = page.locator(`[data-testid=risk-points-table] tr[data-risk-point="${id}"]`);
  await row.waitFor();
  await screenshot(page, shot);
  await row.locator('a.rp-name').click();
  const status = page.locator('[data-testid=risk-point-record] .page-title [data-status]');
  const before = await status.getAttribute('data-status');
  await page.locator('[data-testid=actions] button', { hasText: '审核通过' }).click();
  await expect.poll(() => status.getAttribute('data-status')).not.toBe(before);
  await page.locator('[data-testid=audit] li', { hasText: username }).waitFor();
  const after = (await status.getAttribute('data-status')) ?? '';
  await context.close();
  return after;
}

/** Moves the stack's clock just past `iso` and runs the escalation sweep there. */
async function passTime(iso: string): Promise<void> {
  const now = await stack.advanceClock(0);
  await stack.advanceClock(Math.max(0, new Date(iso).getTime() - now.getTime()) + 60_000);
  await stack.runEscalationSweep();
}

describe('the county scenario, from the field to the county', () => {
  it('a grid member files a red risk point on a phone, the township and the county approve it, and it shows red on the map and in the county red counter', async () => {
    const redBefore = await countyRed();
    const unit = await memberUnit();

    // The grid member, on a phone: the knowledge-base menu, a red grading, a photo and the GPS position.
    const field = await phone();
    const page = await field.newPage();
    await loginAs(page, stack.url, 'grid.member');
    await page.click('.tabbar a[href$="/m/file"]');
    await page.selectOption('#f-unitId', unit.id);
    const template = page.locator('[data-testid=templates] button.template').first();
    await template.waitFor();
    await template.click();
    const name = `场景红色风险点${Date.now().toString(36)}`;
    await page.fill('#f-name', name);
    await page.selectOption('select[name=L]', '10');
    await page.selectOption('select[name=E]', '6');
    await page.selectOption('select[name=C]', '40');
    await page.locator('[data-testid=lec-preview] [data-colour=red]').waitFor();
    await expect.poll(() => page.textContent('[data-testid=location]')).toContain('33.1612');
    await page.setInputFiles('[data-testid=file-photos]', PHOTO);
    await page.locator('.small-photos img').waitFor();
    await page.click('[data-testid=file-form] button[type=submit]');
    await page.locator('[data-testid=file-message]', { hasText: '已登记为草稿' }).waitFor();
    const id = await savedId(page, '[data-testid=file-message]');
    // The photo follows the point through the outbox; the filing can be submitted once it is on the record.
    const badge = page.locator('.topbar [data-testid=sync-badge]');
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toContain('已同步');
    await page.goto(`${stack.url}/taihe/risk-points/${id}`);
    await page.locator('[data-testid=photos] img').waitFor();
    await page.locator('[data-testid=actions] button', { hasText: '提交审核' }).click();
    await page
      .locator('[data-testid=risk-point-record] .page-title [data-status=submitted]')
      .waitFor({ timeout: 20_000 });
    await screenshot(page, 'scenario-mobile-red-risk-point');
    const filed = await stack.api<RiskPoint & { photos: { status: string }[]; location: object }>(
      memberToken,
      'GET',
      `/risk-points/${id}`,
    );
    expect(filed.body.color).toBe('red');
    expect(filed.body.location).toEqual({ lat: 33.1612, lng: 115.6231 });
    expect(filed.body.photos.filter((photo) => photo.status === 'verified')).toHaveLength(1);
    await field.close();

    // Red needs both levels: the township first, then the county, each from its own queue.
    expect(await approveFromQueue('township.officer', id, 'scenario-township-queue')).toBe(
      'township_approved',
    );
    expect(await approveFromQueue('county.admin', id, 'scenario-county-queue')).toBe('filed');

    // The county admin sees it red on the map and one more red in the county's counter.
    const desk = await browser.newContext();
    const admin = await desk.newPage();
    await loginAs(admin, stack.url, 'county.admin');
    await admin.goto(`${stack.url}/taihe/map`);
    const marker = admin.locator(`path.rp-${id}`);
    await marker.waitFor();
    expect(await marker.getAttribute('class')).toContain('colour-red');
    expect(await marker.getAttribute('fill')).toBe('#d9363e');
    await screenshot(admin, 'scenario-map');
    await admin.goto(`${stack.url}/taihe/grids/${county.id}`);
    await admin.locator('[data-testid=grid-stats] [data-testid=count-red]').waitFor();
    expect(await admin.textContent('[data-testid=count-red]')).toBe(String(redBefore + 1));
    expect(await countyRed()).toBe(redBefore + 1);
    await screenshot(admin, 'scenario-county-stats');
    await desk.close();
  });

  it('a hazard reported on a phone passes its deadline, escalates to the county and shows there as overdue', async () => {
    const unit = await memberUnit();
    const field = await phone();
    const page = await field.newPage();
    await loginAs(page, stack.url, 'grid.member');
    await page.click('main a[href$="/m/hazard"]');
    await page.selectOption('#f-unitId', unit.id);
    const title = `场景隐患${Date.now().toString(36)}`;
    await page.fill('#f-title', title);
    await page.fill('#f-description', '消防通道被货物堵塞');
    await expect.poll(() => page.textContent('[data-testid=location]')).toContain('33.1612');
    await page.setInputFiles('[data-testid=hazard-photos]', PHOTO);
    await page.locator('.small-photos img').waitFor();
    await screenshot(page, 'mobile-report-hazard');
    await page.click('[data-testid=hazard-form] button[type=submit]');
    await page.locator('[data-testid=hazard-message]', { hasText: '已上报' }).waitFor();
    const id = await savedId(page, '[data-testid=hazard-message]');
    await expect
      .poll(() => page.textContent('.topbar [data-testid=sync-badge]'), { timeout: 30_000 })
      .toContain('已同步');
    // It is on the member's task list, at the village, not overdue.
    await page.click('.tabbar a[href$="/m/tasks"]');
    const card = page.locator(`[data-testid=my-hazards] li[data-hazard="${id}"]`);
    await card.waitFor();
    expect(await card.locator('[data-level]').getAttribute('data-level')).toBe('village');
    expect(await card.locator('[data-testid=overdue]').count()).toBe(0);
    await screenshot(page, 'mobile-tasks-hazards');
    await field.close();

    // Time passes: the deadline, then the township's grace period, each followed by the scheduled sweep.
    const reported = await stack.api<Hazard & { photos: { status: string }[] }>(
      adminToken,
      'GET',
      `/hazards/${id}`,
    );
    expect(reported.body.level).toBe('village');
    expect(reported.body.photos.filter((photo) => photo.status === 'verified')).toHaveLength(1);
    await passTime(reported.body.deadline);
    const atTownship = await stack.api<Hazard>(adminToken, 'GET', `/hazards/${id}`);
    expect(atTownship.body.level).toBe('township');
    expect(atTownship.body.overdue).toBe(true);
    await passTime(atTownship.body.escalateAt!);
    const atCounty = await stack.api<Hazard>(adminToken, 'GET', `/hazards/${id}`);
    expect(atCounty.body.level).toBe('county');
    expect(atCounty.body.escalations.map((step) => `${step.cause}:${step.from}>${step.to}`)).toEqual([
      'deadline:village>township',
      'deadline:township>county',
    ]);

    // The county admin's board, filtered to overdue hazards at the county, shows it so.
    const desk = await browser.newContext();
    const admin = await desk.newPage();
    await loginAs(admin, stack.url, 'county.admin');
    await admin.click('.sidebar a[href$="/hazards"]');
    await admin.locator('[data-testid=hazards-table]').waitFor();
    await admin.selectOption('#filter-grid', village);
    await admin.selectOption('#filter-level', 'county');
    await admin.selectOption('#filter-overdue', 'true');
    await admin.waitForURL(/overdue=true/);
    await admin.locator('[data-testid=hazards-table][aria-busy=false]').waitFor();
    const row = admin.locator(`[data-testid=hazards-table] tr[data-hazard="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-level')).toBe('county');
    expect(await row.getAttribute('data-overdue')).toBe('true');
    expect(await row.locator('[data-testid=overdue]').textContent()).toBe('已逾期');
    expect(await row.textContent()).toContain('已上报县级');
    // Every row the filter shows is at the county and overdue.
    for (const level of await admin
      .locator('[data-testid=hazards-table] tbody tr')
      .evaluateAll((rows) =>
        rows.map((tr) => `${tr.getAttribute('data-level')}/${tr.getAttribute('data-overdue')}`),
      ))
      expect(level).toBe('county/true');
    await screenshot(admin, 'hazards-board');

    await row.locator('a.hazard-title').click();
    await admin.locator('[data-testid=escalations] tr[data-cause=deadline]').nth(1).waitFor();
    expect(await admin.locator('[data-testid=hazard-record]').getAttribute('data-level')).toBe('county');
    expect(await admin.locator('[data-testid=escalations] tbody tr').count()).toBe(2);
    await admin.locator('[data-testid=audit] [data-testid=chain]').waitFor();
    expect(await admin.textContent('[data-testid=audit]')).toContain('上报上级');
    await admin.locator('[data-testid=photos] img').waitFor();
    await screenshot(admin, 'hazard-record');
    await desk.close();
  });
});
