import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { launchBrowser, loginAs, PHONE, screenshot, type TestBrowser } from '../support/browser.ts';
import { type E2eClient, e2eStack } from '../support/e2e-stack.ts';

interface Notice {
  id: string;
  subject: { type: string; id: string };
  read: boolean;
}

/** How long to wait for something the page will show, on a machine busy with other test runs. */
const SLOW = 45_000;

let stack: E2eClient;
let browser: TestBrowser;
let memberToken: string;
let townshipToken: string;

beforeAll(async () => {
  stack = e2eStack();
  browser = await launchBrowser();
  memberToken = await stack.token('grid.member');
  townshipToken = await stack.token('township.officer');
});

afterAll(async () => {
  await browser?.close();
});

/** A grid member reports a major hazard; it goes to the township at once (重大隐患即时上报), with a notice. */
async function majorHazardInTheTownship(title: string): Promise<{ hazardId: string; noticeId: string }> {
  const village = await stack.gridOf(memberToken);
  const units = await stack.api<{ items: { id: string }[] }>(
    memberToken,
    'GET',
    `/units?grid=${village}&limit=1`,
  );
  const created = await stack.api<{ id: string; level: string }>(memberToken, 'POST', '/hazards', {
    unitId: units.body.items[0]?.id,
    severity: 'major',
    title,
  });
  expect(created.body.level).toBe('township');
  const inbox = await stack.api<{ items: Notice[] }>(
    townshipToken,
    'GET',
    '/notifications?unread=true&limit=100',
  );
  const notice = inbox.body.items.find((n) => n.subject.id === created.body.id);
  expect(notice).toBeDefined();
  return { hazardId: created.body.id, noticeId: notice?.id ?? '' };
}

const unreadCount = async () =>
  (await stack.api<{ count: number }>(townshipToken, 'GET', '/notifications/unread-count')).body.count;

describe('notices in the web app', () => {
  it('a township officer sees the notice of a hazard escalated to the township, opens it, and the bell counts one fewer', async () => {
    const { hazardId, noticeId } = await majorHazardInTheTownship('液氨储罐区未设围堰（通知测试）');
    const before = await unreadCount();
    expect(before).toBeGreaterThan(0);

    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'township.officer');
    const bell = page.locator('[data-testid=notice-bell]');
    await page.locator('[data-testid=notice-count]').waitFor({ timeout: SLOW });
    expect(await page.locator('[data-testid=notice-count]').textContent()).toBe(String(before));

    await bell.click();
    await page.waitForURL(`${stack.url}/taihe/notices`);
    const item = page.locator(`[data-testid=notices-list] li[data-notice="${noticeId}"]`);
    await item.waitFor({ timeout: SLOW });
    expect(await item.getAttribute('data-read')).toBe('false');
    expect(await item.textContent()).toContain('液氨储罐区未设围堰（通知测试）');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'notices-desktop');

    await item.locator('[data-testid=notice-open]').click();
    await page.waitForURL(`${stack.url}/taihe/hazards/${hazardId}`, { timeout: SLOW });
    await page.waitForFunction(
      // The count disappears at zero.
      (expected) => (document.querySelector('[data-testid=notice-count]')?.textContent ?? '0') === expected,
      String(before - 1),
      { timeout: SLOW },
    );
    expect(await unreadCount()).toBe(before - 1);

    await bell.click();
    await item.waitFor({ timeout: SLOW });
    expect(await item.getAttribute('data-read')).toBe('true');
    await context.close();
  });

  it('the bell is on the phone layout too, and mark all read empties it', async () => {
    await majorHazardInTheTownship('配电室无绝缘垫（通知测试）');
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await loginAs(page, stack.url, 'township.officer');
    const count = page.locator('[data-testid=notice-count]');
    await count.waitFor({ timeout: SLOW });
    expect(await page.locator('[data-testid=notice-bell]').isVisible()).toBe(true);

    await page.locator('[data-testid=notice-bell]').click();
    await page.locator('[data-testid=notices-list] li').first().waitFor({ timeout: SLOW });
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.locator('[data-testid=notices-read-all]').click();
    await count.waitFor({ state: 'detached', timeout: SLOW });
    await page
      .locator('[data-testid=notices-list] li[data-read=false]')
      .first()
      .waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid=notices-list] li[data-read=false]').count()).toBe(0);
    expect(await unreadCount()).toBe(0);
    await screenshot(page, 'notices-phone');
    await context.close();
  });

  it('the county admin turns SMS on for escalations, and the township officer’s SMS lands in the local sink’s delivery log', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/settings`);
    const form = page.locator('[data-testid=notification-channels]');
    await form.waitFor({ timeout: SLOW });
    await form.locator('input[name="sms.enabled"]').check();
    await form.locator('input[name="sms.signName"]').fill('太和应急');
    await form.locator('input[name="sms.templates.hazard_escalated"]').fill('SMS_154950909');
    await form.locator('input[name="sms.roles.hazard_escalated.township_officer"]').check();
    await form.locator('[data-testid=channels-save]').click();
    await form.locator('[data-testid=channels-saved]').waitFor({ timeout: SLOW });
    expect(await accessibilityViolations(page)).toEqual([]);

    // A major hazard's escalation is urgent: it is texted even in quiet hours, whenever this test runs.
    const { noticeId } = await majorHazardInTheTownship('液氨泄漏报警器失效（短信测试）');
    await page.locator('[data-testid=delivery-log-refresh]').click();
    const row = page.locator(`[data-testid=delivery-log] tr[data-delivery^="${noticeId}#sms#"]`);
    await row.waitFor({ timeout: SLOW });
    expect(await row.getAttribute('data-status')).toBe('sent');
    expect(await row.getAttribute('data-transport')).toBe('local-sink');
    expect(await row.textContent()).toContain('138****0003');
    await screenshot(page, 'delivery-log-desktop');
    await context.close();
  });
});
