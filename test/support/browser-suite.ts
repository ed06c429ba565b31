import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { type E2eClient, e2eStack } from './e2e-stack.ts';

export interface BrowserSuite {
  stack: E2eClient;
  browser: TestBrowser;
  /** The county admin's access token, which most files use to arrange their data through the API. */
  adminToken: string;
}

/**
 * A browser test file's one stack client and one Chromium, opened before its tests (then `ready` runs, for what
 * the file reads once, such as a token) and closed after them.
 */
export function useBrowserSuite(ready: (suite: BrowserSuite) => void | Promise<void>): void {
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
    const stack = e2eStack();
    await ready({ stack, browser, adminToken: await stack.token('county.admin') });
  });
  afterAll(async () => {
    await browser?.close();
  });
}
