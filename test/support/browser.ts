import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = join(root, 'test-output', 'screenshots');

/** Debian's Chromium (never a downloaded build); GRIDSAFE_CHROMIUM moves it. Flags from docs: toolchain.md. */
const CHROMIUM = process.env.GRIDSAFE_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (no storage shared with others) with Chinese locale and Shanghai time by default. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/** A grid member's phone standing in 东关社区, with location allowed. */
export const FIELD_PHONE: BrowserContextOptions = {
  ...PHONE,
  geolocation: { latitude: 33.1612, longitude: 115.6231 },
  permissions: ['geolocation'],
};

/** A small real PNG to stand in for a camera photo. */
export const PHOTO = {
  name: 'scene.png',
  mimeType: 'image/png',
  buffer: readFileSync(join(root, 'web', 'public', 'icon-192.png')),
};

/** Launches headless Chromium on a throw-away profile directory, removed again on close. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'gridsafe-chromium-'));
  // launch() rejects --user-data-dir in args; a persistent context would be per-test. The temp dir is passed
  // through TMPDIR-independent flags instead so nothing is left in the user's home.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...FLAGS, `--disk-cache-dir=${join(profile, 'cache')}`],
    env: {
      ...process.env,
      HOME: profile,
      XDG_CONFIG_HOME: join(profile, 'config'),
      XDG_CACHE_HOME: join(profile, 'cache'),
    },
  });
  return {
    browser,
    newContext: (options = {}) =>
      browser.newContext({
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
        viewport: { width: 1280, height: 800 },
        ...options,
      }),
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Full-page screenshot into test-output/screenshots/<name>.png, for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export const DEMO_PASSWORD = 'Gridsafe-demo-2026';

/** Logs in through the login page, as a person would, and waits for the first signed-in page. */
export async function loginAs(
  page: Page,
  baseUrl: string,
  username: string,
  tenant = 'taihe',
): Promise<void> {
  await page.goto(`${baseUrl}/${tenant}/login`);
  await page.fill('#f-username', username);
  await page.fill('#f-password', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=who]', { state: 'attached' });
}
