import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { type E2eClient, e2eStack, privateE2eStack } from './e2e-stack.ts';

export interface BrowserSuite {
  stack: E2eClient;
  browser: TestBrowser;
  /** The county admin's access token, which most files use to arrange their data through the API. */
  adminToken: string;
}

/**
 * A browser test file's one stack client and one Chromium, opened before its tests (then `ready` runs, for what
 * the file reads once, such as a token) and closed after them. A file that moves the clock asks for a stack of
 * its own (`ownStack`), so the other files keep today's date.
 */
export function useBrowserSuite(
  ready: (suite: BrowserSuite) => void | Promise<void>,
  { ownStack = false }: { ownStack?: boolean } = {},
): void {
  let browser: TestBrowser | undefined;
  let stopStack: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    let stack = e2eStack();
    if (ownStack) {
      const own = await privateE2eStack();
      stack = own.client;
      stopStack = own.stop;
    }
    browser = await launchBrowser();
    await ready({ stack, browser, adminToken: await stack.token('county.admin') });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stopStack?.();
    // A stack of its own stops its DynamoDB Local and S3 server and removes its data (its timer's work, such as
    // the first plan after an import of thousands of units, is cut short: escalation-timer.ts).
  }, 180_000);
}
