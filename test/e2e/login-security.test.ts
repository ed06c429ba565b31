import { totpCode } from '@gridsafe/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.ts';
import { type E2eClient, e2eStack } from '../support/e2e-stack.ts';

// Linquan, the second demo county, which no other browser test uses: its TOTP rule is switched on here and
// off again after, so the demo admins elsewhere keep logging in with a password alone.
const COUNTY = 'linquan';
const ADMIN_PASSWORD = 'Second-admin-2026';

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;
let settings: { settings: Record<string, unknown>; version: number };
/** The TOTP key the second admin set up in the first test. */
let secondAdminSecret = '';

beforeAll(async () => {
  stack = e2eStack();
  browser = await launchBrowser();
  adminToken = await stack.token('county.admin', COUNTY);
  settings = (await stack.api<typeof settings>(adminToken, 'GET', '/settings', undefined, COUNTY)).body;
  const me = await stack.api<{ scope: string[] }>(adminToken, 'GET', '/me', undefined, COUNTY);
  const created = await stack.api(
    adminToken,
    'POST',
    '/users',
    {
      username: 'second.admin',
      displayName: '第二管理员',
      role: 'county_admin',
      scope: me.body.scope,
      password: ADMIN_PASSWORD,
    },
    COUNTY,
  );
  expect(created.status).toBe(201);
  const saved = await stack.api<typeof settings>(
    adminToken,
    'PUT',
    '/settings',
    {
      settings: { ...settings.settings, security: { requireTotpForAdmins: true, idleMinutes: 30 } },
      version: settings.version,
    },
    COUNTY,
  );
  expect(saved.status).toBe(200);
  settings = saved.body;
});

afterAll(async () => {
  // The demo admin's token is from before the rule: still good, so it switches the rule off again.
  await stack?.api(
    adminToken,
    'PUT',
    '/settings',
    {
      settings: { ...settings.settings, security: { requireTotpForAdmins: false, idleMinutes: 30 } },
      version: settings.version,
    },
    COUNTY,
  );
  await browser?.close();
});

/** A fresh browser context on the login page, the second admin's name and password submitted. */
async function submitSecondAdminPassword() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.url}/${COUNTY}/login`);
  await page.fill('#f-username', 'second.admin');
  await page.fill('#f-password', ADMIN_PASSWORD);
  await page.click('button[type=submit]');
  return { context, page };
}

describe('logging in with a second factor', () => {
  it('walks a county admin through TOTP setup at the first login and signs them in with the code', async () => {
    const { context, page } = await submitSecondAdminPassword();

    const secret = page.locator('[data-testid=totp-secret]');
    await secret.waitFor();
    expect(await page.textContent('h1')).toBe('设置双因素认证(TOTP)');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'login-totp-setup');

    await page.fill('#f-code', '000000');
    await page.click('button[type=submit]');
    await page.locator('[role=alert]', { hasText: '验证码错误' }).waitFor();

    secondAdminSecret = (await secret.textContent()) ?? '';
    await page.fill('#f-code', totpCode(secondAdminSecret));
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=who]', { state: 'attached' });
    expect(await page.locator('[data-testid=who]').textContent()).toContain('second.admin');
    await context.close();
  });

  it('lets the admin read the login log, grant the vendor access, and log out for good', async () => {
    const { context, page } = await submitSecondAdminPassword();
    await page.locator('[data-testid=login-challenge]').waitFor();
    expect(await page.textContent('h1')).toBe('输入动态验证码');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.fill('#f-code', totpCode(secondAdminSecret));
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=who]', { state: 'attached' });

    await page.click('a[href$="/login-events"]');
    const table = page.locator('[data-testid=login-events-table]');
    await table.locator('td', { hasText: '设置双因素' }).first().waitFor();
    expect(await table.textContent()).toContain('second.admin');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'login-events');

    await page.click('a[href$="/vendor-access"]');
    await page.fill('#f-hours', '2');
    await page.fill('#f-reason', '远程协助核对数据');
    await page.click('[data-testid=vendor-grant-form] button[type=submit]');
    const grants = page.locator('[data-testid=vendor-grants-table]');
    await grants.locator('td', { hasText: '远程协助核对数据' }).waitFor();
    expect(await grants.textContent()).toContain('生效中');
    expect(await accessibilityViolations(page)).toEqual([]);
    await grants.locator('button', { hasText: '撤销' }).click();
    await grants.locator('td', { hasText: '已结束' }).waitFor();

    const refreshToken = await page.evaluate(
      () =>
        (JSON.parse(sessionStorage.getItem('gridsafe.session') ?? '{}') as { refreshToken?: string })
          .refreshToken,
    );
    await page.click('[data-testid=logout]');
    await page.locator('#f-username').waitFor();
    // The refresh token the tab held no longer works anywhere.
    await expect
      .poll(async () => {
        const answer = await fetch(`${stack.url}/t/${COUNTY}/api/v1/session/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken }),
        });
        return answer.status;
      })
      .toBe(401);
    await context.close();
  });

  it('shows the lockout and when it ends after ten wrong passwords', async () => {
    for (let i = 0; i < 10; i++) {
      await fetch(`${stack.url}/t/${COUNTY}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'locked.person', password: `wrong-${i}` }),
      });
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${stack.url}/${COUNTY}/login`);
    await page.fill('#f-username', 'locked.person');
    await page.fill('#f-password', 'whatever-it-is');
    await page.click('button[type=submit]');
    const notice = page.locator('[role=alert]', { hasText: '已暂时锁定' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/\d{2}:\d{2}/);
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  });
});
