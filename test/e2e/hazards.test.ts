import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIELD_PHONE, loginAs, PHOTO, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

/** The new extinguisher: another file than the patrol's photo, which shows the problem and never proves its fix. */
const FIX_PHOTO = {
  name: 'fixed.png',
  mimeType: 'image/png',
  buffer: readFileSync(new URL('../../web/public/icon-512.png', import.meta.url)),
};

interface Patrol {
  id: string;
  status: string;
  checklist: { code: string }[];
}
interface Hazard {
  id: string;
  status: string;
  version: number;
  photos: { status: string }[];
  rectification?: { note: string; photoIds: string[] };
}
interface Settings {
  settings: { grading: { version: number; LEC: { color: string; above: number }[] } };
  version: number;
}

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;
let memberToken: string;

useBrowserSuite(async (opened) => {
  ({ stack, browser } = opened);
  adminToken = await stack.token('county.admin');
  memberToken = await stack.token('grid.member');
});

/** A patrol of the member's village still to do (the daily plan makes one when none is scheduled). */
async function scheduledPatrol(): Promise<Patrol> {
  const list = () =>
    stack.api<{ items: Patrol[] }>(memberToken, 'GET', '/patrols?assignee=me&status=scheduled&limit=100');
  let found = (await list()).body.items.find((patrol) => patrol.checklist.length >= 2);
  if (!found) {
    await stack.runEscalationSweep();
    found = (await list()).body.items.find((patrol) => patrol.checklist.length >= 2);
  }
  if (!found) throw new Error('no scheduled patrol with a checklist in the member’s village');
  return found;
}

describe('hazards, patrols, the assessment and county settings in the web app', () => {
  it('a grid member runs a patrol on a phone, its not-ok item becomes a hazard, the rectification is reported with a photo and the township verifies it', async () => {
    const patrol = await scheduledPatrol();
    const context = await browser.newContext(FIELD_PHONE);
    const page = await context.newPage();
    await loginAs(page, stack.url, 'grid.member');
    const task = page.locator(`[data-testid=patrols-due] li[data-patrol="${patrol.id}"]`);
    await task.waitFor();
    await task.locator('a.patrol-name').click();
    await page.locator('[data-testid=patrol-form]').waitFor();

    // The first item is missing, with a note and a photo; every other item is fine.
    const items = page.locator('[data-testid=patrol-form] li.checklist-item');
    const count = await items.count();
    expect(count).toBe(patrol.checklist.length);
    const note = `灭火器过期${Date.now().toString(36)}`;
    await items.nth(0).locator('button[data-result=deficient]').click();
    await items.nth(0).locator('textarea').fill(note);
    await items.nth(0).locator('input[type=file]').setInputFiles(PHOTO);
    await items.nth(0).locator('.small-photos img').waitFor();
    for (let i = 1; i < count; i++) await items.nth(i).locator('button[data-result=ok]').click();
    await expect.poll(() => page.textContent('[data-testid=location]')).toContain('33.1612');
    await screenshot(page, 'mobile-patrol');
    await page.click('[data-testid=patrol-form] button[type=submit]');
    await page
      .locator('[data-testid=patrol-message]', { hasText: '生成隐患 1 条' })
      .waitFor({ timeout: 45_000 });
    await page.locator('[data-testid=patrol-results]').waitFor();

    const done = await stack.api<Patrol & { hazardIds: string[] }>(
      memberToken,
      'GET',
      `/patrols/${patrol.id}`,
    );
    expect(done.body.status).toBe('done');
    expect(done.body.hazardIds).toHaveLength(1);
    const hazardId = done.body.hazardIds[0]!;
    const opened = await stack.api<Hazard & { description?: string }>(
      memberToken,
      'GET',
      `/hazards/${hazardId}`,
    );
    expect(opened.body.description).toBe(note);
    expect(opened.body.photos.filter((photo) => photo.status === 'verified')).toHaveLength(1);

    // The member reports it rectified from the hazard's record, with a photo of the new extinguisher.
    await page.locator(`[data-testid=hazards-table] tr[data-hazard="${hazardId}"] a.hazard-title`).click();
    await page.locator('[data-testid=actions] button[data-action=report-rectified]').click();
    await page.fill('.action-form #f-note', '已更换新灭火器');
    await page.setInputFiles('[data-testid=action-photos]', FIX_PHOTO);
    await page.locator('.action-form .small-photos img').waitFor();
    await page.click('.action-form button[type=submit]');
    await page.locator('[data-testid=hazard-record][data-status=rectified]').waitFor({ timeout: 45_000 });
    await screenshot(page, 'mobile-hazard-rectified');
    await context.close();
    const rectified = await stack.api<Hazard>(memberToken, 'GET', `/hazards/${hazardId}`);
    expect(rectified.body.rectification?.note).toBe('已更换新灭火器');
    expect(rectified.body.rectification?.photoIds).toHaveLength(1);
    expect(rectified.body.photos.filter((photo) => photo.status === 'verified')).toHaveLength(2);

    // The township officer verifies it on site and closes it.
    const desk = await browser.newContext();
    const officer = await desk.newPage();
    await loginAs(officer, stack.url, 'township.officer');
    await officer.goto(`${stack.url}/taihe/hazards/${hazardId}`);
    await officer.locator('[data-testid=actions] button[data-action=verify]').click();
    await officer.fill('.action-form #f-note', '现场复查合格');
    await officer.click('.action-form button[type=submit]');
    await officer.locator('[data-testid=hazard-record][data-status=closed]').waitFor({ timeout: 45_000 });
    await officer.locator('[data-testid=audit] li', { hasText: 'township.officer' }).waitFor();
    expect(await officer.locator('[data-testid=actions] button[data-action]').count()).toBe(0);
    await screenshot(officer, 'hazard-verified');
    await desk.close();
    expect((await stack.api<Hazard>(adminToken, 'GET', `/hazards/${hazardId}`)).body.status).toBe('closed');
  });

  it('a hazard step sent from a stale page is refused with 409 and changes nothing', async () => {
    const patrolHazards = await stack.api<{ items: (Hazard & { level: string })[] }>(
      adminToken,
      'GET',
      '/hazards?status=open&limit=100',
    );
    const target = patrolHazards.body.items.find((hazard) => hazard.level !== 'county');
    expect(target).toBeDefined();
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/hazards/${target!.id}`);
    await page.locator('[data-testid=actions] button[data-action=escalate]').waitFor();
    // Someone else escalates it meanwhile; this page still shows the old version.
    const other = await stack.api<Hazard>(adminToken, 'POST', `/hazards/${target!.id}/escalate`, {
      reason: '他人已上报',
    });
    expect(other.status).toBe(200);
    await page.locator('[data-testid=actions] button[data-action=escalate]').click();
    await page.click('.action-form button[type=submit]');
    await page.locator('.action-form [role=alert][data-status="409"]').waitFor({ timeout: 45_000 });
    expect(await page.textContent('.action-form [role=alert]')).toContain('已被他人修改');
    const after = await stack.api<Hazard>(adminToken, 'GET', `/hazards/${target!.id}`);
    expect(after.body.version).toBe(other.body.version);
    // Nothing refused is left waiting on the device.
    expect(await page.textContent('.topbar [data-testid=sync-badge]')).toContain('已同步');
    await context.close();
  });

  it('the county admin sees a refused grading band next to its field, saves the settings, and downloads the assessment CSV', async () => {
    const before = await stack.api<Settings>(adminToken, 'GET', '/settings');
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/settings`);
    const form = page.locator('[data-testid=county-settings]');
    const red = form.locator('[id="f-grading.LEC.0.above"]');
    await red.waitFor();
    expect(await red.inputValue()).toBe(String(before.body.settings.grading.LEC[0]!.above));

    // Red below orange: the API refuses the order and names the band; the page shows it beside that input.
    await red.fill('100');
    await form.locator('button[type=submit]').click();
    const refused = form.locator('[data-field="grading.LEC.1.above"] .field-error');
    await refused.waitFor({ timeout: 45_000 });
    expect(await refused.textContent()).toContain('highest threshold down');
    expect(await form.locator('[role=alert][data-status="400"]').count()).toBe(1);
    await screenshot(page, 'county-settings-error');

    await red.fill(String(before.body.settings.grading.LEC[0]!.above));
    await form.locator('button[type=submit]').click();
    await form
      .locator('[data-testid=settings-saved], [role=alert][data-status]')
      .first()
      .waitFor({ timeout: 45_000 });
    expect(
      await form.locator('.field-error, .notice-error').allTextContents(),
      await form
        .locator('[data-field]:has(.field-error)')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-field')).join(',')),
    ).toEqual([]);
    await form.locator('[data-testid=settings-saved]').waitFor();
    const after = await stack.api<Settings>(adminToken, 'GET', '/settings');
    expect(after.body.version).toBe(before.body.version + 1);
    expect(after.body.settings.grading).toEqual(before.body.settings.grading);
    await screenshot(page, 'county-settings');

    await page.click('.sidebar a[href$="/assessments"]');
    const rows = page.locator('[data-testid=assessment-table] tbody tr');
    await rows.first().waitFor();
    const quarter = new URL(page.url()).searchParams.get('quarter');
    const api = await stack.api<{ quarter: string; rows: unknown[] }>(
      adminToken,
      'GET',
      `/assessments${quarter ? `?quarter=${quarter}` : ''}`,
    );
    expect(await rows.count()).toBe(api.body.rows.length);
    await screenshot(page, 'assessments');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=csv-download]'),
    ]);
    expect(download.suggestedFilename()).toMatch(/^assessment-\d{4}Q[1-4]\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.trim().split(/\r?\n/).length).toBe(api.body.rows.length + 1);
    await context.close();
  });
});
