import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, loginAs, PHONE, type TestBrowser } from '../support/browser.ts';
import { type E2eClient, e2eStack, validCreditCode } from '../support/e2e-stack.ts';

const SLOW = 45_000;

let stack: E2eClient;
let browser: TestBrowser;
let memberToken: string;
let village: string;

beforeAll(async () => {
  stack = e2eStack();
  browser = await launchBrowser();
  memberToken = await stack.token('grid.member');
  village = await stack.gridOf(memberToken);
});

afterAll(async () => {
  await browser?.close();
});

describe('a phone that queued writes before person ids', () => {
  it('sends a write queued under the person’s token sub once, as the person, when the network returns', async () => {
    const context = await browser.newContext({
      ...PHONE,
      geolocation: { latitude: 33.1612, longitude: 115.6231 },
      permissions: ['geolocation'],
      serviceWorkers: 'block',
    });
    const page = await context.newPage();
    await loginAs(page, stack.url, 'grid.member');
    await page.click('main a[href$="/m/register"]');
    await page.locator('#f-industry option[value=gas_station]').waitFor({ state: 'attached' });
    const badge = page.locator('.topbar [data-testid=sync-badge]');
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('已同步');

    await context.setOffline(true);
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('离线');
    const name = `迁移前排队加油站${Date.now().toString(36)}`;
    await page.fill('#f-name', name);
    await page.fill('#f-creditCode', validCreditCode());
    await page.selectOption('#f-industry', 'gas_station');
    await page.click('button[type=submit]');
    await page
      .locator('[data-testid=register-message]', { hasText: '已保存在本机' })
      .waitFor({ timeout: SLOW });

    // Make the queued write look as the app before person ids stored it: keyed by the token's `sub`.
    const rekeyed = await page.evaluate(async () => {
      const session = JSON.parse(sessionStorage.getItem('gridsafe.session') ?? '{}');
      const payload = session.accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const sub = JSON.parse(atob(payload)).sub as string;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('gridsafe', 1);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const items = await new Promise<{ userId: string }[]>((resolve) => {
        const request = db.transaction('outbox').objectStore('outbox').getAll();
        request.onsuccess = () => resolve(request.result);
      });
      await new Promise<void>((resolve) => {
        const tx = db.transaction('outbox', 'readwrite');
        for (const item of items) tx.objectStore('outbox').put({ ...item, userId: sub });
        tx.oncomplete = () => resolve();
      });
      return { sub, personId: session.user.id as string, count: items.length };
    });
    expect(rekeyed.count).toBe(1);
    expect(rekeyed.sub).not.toBe(rekeyed.personId);

    await context.setOffline(false);
    await page.reload();
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('已同步');
    // The badge can read 已同步 a moment before the reloaded page has sent its outbox: wait for the unit itself.
    const written = async () =>
      (
        await stack.api<{ items: { name: string }[] }>(memberToken, 'GET', `/units?grid=${village}&limit=100`)
      ).body.items.filter((unit) => unit.name === name).length;
    await expect.poll(written, { timeout: SLOW }).toBe(1);
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('已同步');
    // Sent once, as the person: no second copy follows.
    expect(await written()).toBe(1);
    await context.close();
  });
});
