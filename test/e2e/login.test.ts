import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { DEMO_PASSWORD, launchBrowser, loginAs, screenshot, type TestBrowser } from '../support/browser.ts';
import { type E2eClient, e2eStack } from '../support/e2e-stack.ts';

let stack: E2eClient;
let browser: TestBrowser;
let context: BrowserContext;

beforeAll(async () => {
  stack = e2eStack();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** A fresh browser for every test: no provider cookie, no session left by another test. */
async function freshPage(): Promise<{ page: Page; problems: string[] }> {
  await context?.close();
  context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { page, problems };
}

/** Opens a county's login page and waits until it has asked the county how its people sign in. */
async function openLogin(page: Page, tenant: string) {
  const answered = page.waitForResponse((response) =>
    response.url().endsWith(`/t/${tenant}/api/v1/auth-config`),
  );
  await page.goto(`${stack.url}/${tenant}/login`);
  expect((await answered).status()).toBe(200);
  await page.locator('#f-username').waitFor();
}

const providerButton = (page: Page) => page.getByRole('button', { name: '统一身份认证登录' });

/** From the app's login page through the provider's screen; answers on the provider's page after submitting. */
async function signInAtProvider(page: Page, username: string, password: string) {
  await openLogin(page, 'taihe');
  await providerButton(page).click();
  await page.waitForURL((url) => url.href.startsWith(stack.oidcIssuer));
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

describe('signing in to a county', () => {
  it('taihe offers 统一身份认证登录 beside the password form, and linquan offers the password form only', async () => {
    const { page, problems } = await freshPage();
    await openLogin(page, 'taihe');
    await expect.poll(() => providerButton(page).count()).toBe(1);
    expect(await page.locator('#f-password').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'login-with-provider');

    await openLogin(page, 'linquan');
    expect(await page.locator('#f-password').count()).toBe(1);
    expect(await page.locator('button[data-provider]').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('a taihe person still signs in with the password form and sees the county', async () => {
    const { page, problems } = await freshPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.locator('[data-testid=grid-tree] a.tree-name', { hasText: '城关镇' }).waitFor();
    expect(await page.locator('[data-testid=who]').textContent()).toContain('county.admin');
    expect(problems).toEqual([]);
  });

  it("a taihe person signs in through 统一身份认证: the provider's own screen, then back in the app with the county's data", async () => {
    const { page, problems } = await freshPage();
    await openLogin(page, 'taihe');
    await providerButton(page).click();
    await page.waitForURL((url) => url.href.startsWith(stack.oidcIssuer));
    expect(await page.locator('h1').textContent()).toBe('统一身份认证');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'provider-login');

    await page.fill('#username', 'taihe:county.admin');
    await page.fill('#password', DEMO_PASSWORD);
    await page.click('button[type=submit]');
    const chengguan = page.locator('[data-testid=grid-tree] a.tree-name', { hasText: '城关镇' });
    await chengguan.waitFor();
    expect(page.url()).toBe(`${stack.url}/taihe/grids`);
    expect(await page.locator('[data-testid=who]').textContent()).toContain('county.admin');
    // The session holds the provider's token, not one from the password form.
    const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('gridsafe.session') ?? '{}'));
    expect(stored.provider?.id).toBe('local-oidc');
    // The county's own data, through the API with that token.
    await chengguan.click();
    await page.locator('[data-testid=grid-stats]').waitFor();
    expect(await page.locator('h1').textContent()).toBe('城关镇');
    expect(problems).toEqual([]);
  });

  it('a session from the provider is renewed at the provider when its access token runs out', async () => {
    const { page, problems } = await freshPage();
    await signInAtProvider(page, 'taihe:county.admin', DEMO_PASSWORD);
    await page.locator('[data-testid=grid-tree]').waitFor();
    const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem('gridsafe.session') ?? '{}'));
    expect(before.refreshToken).toBeTruthy();
    // Expiring now: the next page load refreshes first (across origins, to the provider's token endpoint).
    await page.evaluate(() => {
      const current = JSON.parse(sessionStorage.getItem('gridsafe.session') ?? '{}');
      sessionStorage.setItem('gridsafe.session', JSON.stringify({ ...current, expiresAt: Date.now() }));
    });
    await page.goto(`${stack.url}/taihe/units`);
    await page.locator('[data-testid=units-table] tbody tr').first().waitFor();
    const after = await page.evaluate(() => JSON.parse(sessionStorage.getItem('gridsafe.session') ?? '{}'));
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(problems).toEqual([]);
  });

  it('signing out of a provider session ends its refresh token at the provider', async () => {
    const { page, problems } = await freshPage();
    await signInAtProvider(page, 'taihe:county.admin', DEMO_PASSWORD);
    await page.locator('[data-testid=grid-tree]').waitFor();
    const { refreshToken } = await page.evaluate(() =>
      JSON.parse(sessionStorage.getItem('gridsafe.session') ?? '{}'),
    );
    const refresh = async () => {
      const response = await fetch(`${stack.oidcIssuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: 'gridsafe-web',
        }),
      });
      return ((await response.json()) as { error?: string }).error ?? 'accepted';
    };

    // One try only, after the revocation: a refresh token is rotated on use, so a second try of the same token
    // would be refused even had sign-out left it valid.
    const revoked = page.waitForResponse(
      (response) => response.url() === `${stack.oidcIssuer}/token/revocation`,
    );
    await page.click('[data-testid=logout]');
    await page.waitForURL(`${stack.url}/taihe/login`);
    expect((await revoked).status()).toBe(200);
    expect(await refresh()).toBe('invalid_grant');
    expect(problems).toEqual([]);
  });

  it("refuses a wrong password on the provider's screen and keeps the person there", async () => {
    const { page } = await freshPage();
    await signInAtProvider(page, 'taihe:county.admin', 'not-the-password');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toBe('用户名或密码错误');
    expect(page.url().startsWith(stack.oidcIssuer)).toBe(true);
    expect(await page.inputValue('#username')).toBe('taihe:county.admin');
  });

  it('someone the provider knows and taihe does not lands on a page telling them to ask their county admin', async () => {
    await stack.addOidcAccount('taihe:not.yet.added', DEMO_PASSWORD);
    const { page, problems } = await freshPage();
    await signInAtProvider(page, 'taihe:not.yet.added', DEMO_PASSWORD);
    await page.waitForURL(`${stack.url}/taihe/auth/not-linked`);
    const notice = page.locator('[data-testid=not-linked]');
    await notice.waitFor();
    expect(await page.locator('h1').textContent()).toBe('账号尚未关联');
    expect(await notice.textContent()).toContain('taihe:not.yet.added');
    expect(await notice.textContent()).toContain('管理员');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'not-linked');
    // No session started: the app's pages still send this person to the login.
    expect(await page.evaluate(() => sessionStorage.getItem('gridsafe.session'))).toBeNull();

    await page.click('[data-testid=language-toggle]');
    expect(await page.locator('h1').textContent()).toBe('Account not linked yet');
    expect(await notice.textContent()).toContain('county administrator');
    expect(problems).toEqual([]);
  });

  it('cancelling at the provider comes back to a page that says so and leads back to the login', async () => {
    const { page, problems } = await freshPage();
    await openLogin(page, 'taihe');
    await providerButton(page).click();
    await page.waitForURL((url) => url.href.startsWith(stack.oidcIssuer));
    await page.click('text=取消,返回应用');
    await page.waitForURL((url) => url.href.startsWith(`${stack.url}/taihe/auth/callback`));
    await expect.poll(() => page.locator('[role=alert]').textContent()).toBe('登录已取消。');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.click('text=返回登录');
    await page.waitForURL(`${stack.url}/taihe/login`);
    expect(problems).toEqual([]);
  });
});
