import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FIELD_PHONE, loginAs, PHOTO, screenshot } from '../support/browser.ts';
import {
  openRegistrationOffline,
  registerGasStation,
  SLOW,
  type UnitSummary,
  useGridMemberWorld,
} from '../support/member-phone.ts';

const world = useGridMemberWorld();

async function phone(options: { serviceWorkers?: 'allow' | 'block' } = {}): Promise<BrowserContext> {
  // Standing in 东关社区, with location allowed, as a grid member's phone would be.
  return world.browser.newContext({ ...FIELD_PHONE, ...options });
}

describe('the mobile view (phone-sized, touch)', () => {
  it("a grid member on a phone logs in and sees only its village's units", async () => {
    const context = await phone();
    const page = await context.newPage();
    await loginAs(page, world.stack.url, 'grid.member');
    await page.locator('[data-testid=my-units] li').first().waitFor();
    expect(page.url()).toBe(`${world.stack.url}/taihe/m/tasks`);
    // Phone layout: bottom tabs instead of the side menu.
    expect(await page.locator('.tabbar').isVisible()).toBe(true);
    expect(await page.locator('.sidebar').isVisible()).toBe(false);

    const shown = (await page.locator('[data-testid=my-units] .unit-name').allTextContents()).sort();
    const expected = (await world.villageUnits()).map((unit) => unit.name).sort();
    expect(shown).toEqual(expected);
    expect(shown.length).toBeGreaterThan(0);
    // Every unit shown is in the member's own village.
    for (const id of await page
      .locator('[data-testid=my-units] li')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-unit')))) {
      const unit = await world.stack.api<UnitSummary>(world.memberToken, 'GET', `/units/${id}`);
      expect(unit.body.gridId).toBe(world.village);
    }
    await screenshot(page, 'mobile-tasks');

    await page.click('.tabbar a[href$="/units"]');
    await page.locator('[data-testid=units-table] tbody tr').first().waitFor();
    expect(await page.locator('[data-testid=units-table] tbody tr').count()).toBe(expected.length);
    await screenshot(page, 'mobile-units');
    await context.close();
  });

  it('a unit registered offline waits in the queue, then syncs exactly once when the network returns', async () => {
    // Service workers blocked here so page.route sees every request (the SW is covered in admin.test.ts).
    const context = await phone({ serviceWorkers: 'block' });
    const { page, badge } = await openRegistrationOffline(world, context);
    const name = `离线登记加油站${Date.now().toString(36)}`;
    await registerGasStation(page, name, '东关社区离线路1号');
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('待同步 1');
    expect(await badge.textContent()).toContain('离线');
    await screenshot(page, 'mobile-register-offline');
    expect((await world.villageUnits()).filter((unit) => unit.name === name)).toHaveLength(0);

    // The first attempt reaches the server but its answer is lost on the way back (a flaky mobile network):
    // the retry carries the same Idempotency-Key, so the server answers with the unit it already created.
    let posts = 0;
    const keys: string[] = [];
    await page.route('**/t/taihe/api/v1/units', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts += 1;
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (posts === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await context.setOffline(false);
    // Synced means the queue is empty: the lost answer was retried (after its backoff) and accepted.
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('已同步');
    expect(await badge.textContent()).not.toContain('离线');
    expect(posts).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect((await world.villageUnits()).filter((unit) => unit.name === name)).toHaveLength(1);

    // The synced unit shows on the task list like any other.
    await page.click('.tabbar a[href$="/m/tasks"]');
    await page.locator('[data-testid=my-units] .unit-name', { hasText: name }).waitFor({ timeout: SLOW });
    await context.close();
  });

  it('a refused registration is shown next to its field and leaves nothing queued', async () => {
    const context = await phone();
    const page = await context.newPage();
    await loginAs(page, world.stack.url, 'grid.member');
    await page.click('main a[href$="/m/register"]');
    await page.locator('#f-industry option[value=gas_station]').waitFor({ state: 'attached' });
    const existing = (await world.villageUnits())[0]!;
    const unit = await world.stack.api<{ creditCode: string }>(
      world.memberToken,
      'GET',
      `/units/${existing.id}`,
    );
    // A credit code already registered passes the phone's own check; only the API can refuse it.
    await page.fill('#f-name', '重复登记测试');
    await page.fill('#f-creditCode', unit.body.creditCode);
    await page.selectOption('#f-industry', 'gas_station');
    await page.click('button[type=submit]');
    await page.locator('[data-field=creditCode] .field-error').waitFor();
    expect(await page.locator('[data-field=creditCode] .field-error').textContent()).toContain(
      'already registered',
    );
    expect(await page.locator('.topbar [data-testid=sync-badge]').textContent()).toContain('已同步');
    await context.close();
  });
  it('a risk point filed offline from the knowledge-base menu syncs with its photo once online', async () => {
    const context = await phone({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await loginAs(page, world.stack.url, 'grid.member');
    const unit = (await world.villageUnits()).find((u) => !u.name.includes('<'))!;
    await page.click('.tabbar a[href$="/m/file"]');
    await page.selectOption('#f-unitId', unit.id);
    // The unit's industry opens its typical risk points; the first one fills the name and the suggested grading.
    const firstTemplate = page.locator('[data-testid=templates] button.template').first();
    await firstTemplate.waitFor();
    await firstTemplate.click();
    expect(await page.inputValue('#f-name')).not.toBe('');
    await expect.poll(() => page.textContent('[data-testid=location]')).toContain('33.1612');
    expect(await page.textContent('[data-testid=lec-preview]')).toMatch(/D = \d/);
    await screenshot(page, 'mobile-file-risk-point');

    await context.setOffline(true);
    const name = `离线风险点${Date.now().toString(36)}`;
    await page.fill('#f-name', name);
    await page.setInputFiles('[data-testid=file-photos]', PHOTO);
    await page.locator('.small-photos img').waitFor();
    await page.click('[data-testid=file-form] button[type=submit]');
    await page.locator('[data-testid=file-message]', { hasText: '已保存在本机' }).waitFor();
    const badge = page.locator('.topbar [data-testid=sync-badge]');
    // The point and its photo: two writes, the photo waiting for the point's id.
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('待同步 2');

    await context.setOffline(false);
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('已同步');
    const filed = await world.stack.api<{ items: { id: string; name: string; status: string }[] }>(
      world.memberToken,
      'GET',
      `/risk-points?grid=${world.village}&limit=100`,
    );
    const mine = filed.body.items.filter((point) => point.name === name);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.status).toBe('draft');
    // The register lists summaries; the photos are on the record itself.
    const record = await world.stack.api<{ photos: { status: string }[] }>(
      world.memberToken,
      'GET',
      `/risk-points/${mine[0]!.id}`,
    );
    expect(record.body.photos.filter((photo) => photo.status === 'verified')).toHaveLength(1);
    await context.close();
  });
});
