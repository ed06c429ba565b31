import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser, loginAs, type TestBrowser } from './browser.ts';
import { type E2eClient, e2eStack, validCreditCode } from './e2e-stack.ts';

/** How long to wait for something the page will show, on a machine busy with other test runs. */
export const SLOW = 45_000;

export interface UnitSummary {
  id: string;
  name: string;
  gridId: string;
}

/** The running stack, a browser and Taihe's demo grid member (its token and village), for one test file. */
export interface GridMemberWorld {
  stack: E2eClient;
  browser: TestBrowser;
  memberToken: string;
  village: string;
  /** The units of the member's village as the API lists them. */
  villageUnits(): Promise<UnitSummary[]>;
}

/** Sets the world up before the file's tests and closes its browser after them; read it inside a test. */
export function useGridMemberWorld(): GridMemberWorld {
  const world = {} as GridMemberWorld;
  beforeAll(async () => {
    world.stack = e2eStack();
    world.browser = await launchBrowser();
    world.memberToken = await world.stack.token('grid.member');
    world.village = await world.stack.gridOf(world.memberToken);
    world.villageUnits = async () =>
      (
        await world.stack.api<{ items: UnitSummary[] }>(
          world.memberToken,
          'GET',
          `/units?grid=${world.village}&limit=100`,
        )
      ).body.items;
  });
  afterAll(async () => {
    await world.browser?.close();
  });
  return world;
}

/**
 * Logs the grid member in on `context`, opens the phone's unit registration, waits for the sync badge to say
 * everything is sent, and then takes the phone offline: the start of every offline-registration test.
 */
export async function openRegistrationOffline(
  world: GridMemberWorld,
  context: BrowserContext,
): Promise<{ page: Page; badge: Locator }> {
  const page = await context.newPage();
  await loginAs(page, world.stack.url, 'grid.member');
  await page.click('main a[href$="/m/register"]');
  await page.locator('#f-industry option[value=gas_station]').waitFor({ state: 'attached' });
  const badge = page.locator('.topbar [data-testid=sync-badge]');
  // Wait on what the page shows, never on time: a loaded machine may take seconds for each step.
  await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('已同步');
  await context.setOffline(true);
  await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('离线');
  return { page, badge };
}

/** Fills the registration form with a gas station named `name` and submits it while offline: it stays queued. */
export async function registerGasStation(page: Page, name: string, address?: string): Promise<void> {
  await page.fill('#f-name', name);
  await page.fill('#f-creditCode', validCreditCode());
  await page.selectOption('#f-industry', 'gas_station');
  if (address) await page.fill('#f-address', address);
  await page.click('button[type=submit]');
  await page
    .locator('[data-testid=register-message]', { hasText: '已保存在本机' })
    .waitFor({ timeout: SLOW });
}
