import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { launchBrowser, loginAs, PHONE, type TestBrowser } from '../support/browser.ts';
import { recordedInspection } from '../support/e2e-inspection.ts';
import { type E2eClient, e2eStack } from '../support/e2e-stack.ts';

/**
 * The accessibility sweep: every page of the web app, on a desk and on a phone, passes axe-core's WCAG 2.0/2.1
 * A and AA rules. The pages are read from the app's own route table (web/src/app.ts), so a page added there
 * without a way to reach it here fails the sweep instead of going unchecked.
 */
const APP_SOURCE = readFileSync(join(import.meta.dirname, '..', '..', 'web', 'src', 'app.ts'), 'utf8');
const ROUTE_TABLE = APP_SOURCE.slice(
  APP_SOURCE.indexOf('const ROUTES'),
  APP_SOURCE.indexOf('function Redirect'),
);
const ROUTES = [...ROUTE_TABLE.matchAll(/pattern: '([^']+)'/g)].map((match) => match[1]!);
/** The pages the app answers outside its route table, signed out. */
const SIGNED_OUT = ['login', 'auth/not-linked'];

let stack: E2eClient;
let browser: TestBrowser;
/** A real record of the demo county for each page that shows one. */
let samples: Record<string, string>;

/** The address of a route with its parameters filled from the demo county. */
function addressOf(pattern: string): string {
  const filled = pattern
    .split('/')
    .map((part, index, parts) => {
      if (!part.startsWith(':')) return part;
      const sample = samples[parts.slice(0, index).join('/')];
      if (!sample) throw new Error(`No sample record for ${pattern}: add one to the accessibility sweep.`);
      return sample;
    })
    .join('/');
  return `${stack.url}/taihe/${filled}`;
}

/** Opens an address and waits until the page has loaded what it shows. */
async function settle(page: Page, address: string) {
  await page.goto(address, { waitUntil: 'networkidle' });
  await page.locator('#main, main, form').first().waitFor();
  await expect.poll(() => page.locator('[aria-busy=true]').count(), { timeout: 15_000 }).toBe(0);
}

beforeAll(async () => {
  stack = e2eStack();
  browser = await launchBrowser();
  const admin = await stack.token('county.admin');
  const member = await stack.token('grid.member');
  const first = async (token: string, path: string) => {
    const answer = await stack.api<{ items: { id: string }[] }>(token, 'GET', path);
    expect(answer.status, path).toBe(200);
    const id = answer.body.items[0]?.id;
    if (!id) throw new Error(`${path} lists nothing`);
    return id;
  };
  const industries = await stack.api<{ items: { code: string }[] }>(admin, 'GET', '/knowledge/industries');
  samples = {
    grids: await first(admin, '/grids?level=township'),
    units: await first(admin, '/units?limit=1'),
    'risk-points': await first(admin, '/risk-points?limit=1'),
    hazards: await first(admin, '/hazards?limit=1'),
    // The 督办单 print page of a listed hazard (supervision/<id>/order): the demo county lists one.
    supervision: await first(admin, '/hazards?supervised=true&limit=1'),
    knowledge: industries.body.items[0]!.code,
    'm/patrols': await first(member, '/patrols?assignee=me&status=scheduled&limit=1'),
    // The print page of all boards of a unit (boards/unit/<id>).
    boards: 'unit',
    'boards/:kind': await first(admin, '/units?limit=1'),
    // The public board a QR code opens, read signed out (a filed point).
    publicBoard: await first(admin, '/risk-points?status=filed&limit=1'),
    // The inspection pages show a recorded 执法检查 (the demo county starts with none) and its printed 现场检查记录.
    inspections: (await recordedInspection(stack, admin, { unitId: await first(admin, '/units?limit=1') }))
      .inspection.id,
    'inspections/:id/print': 'record',
    // A monitoring alert of the demo county's monitoring system (its seed sends three, open, at units).
    alerts: await first(admin, '/alerts?limit=1'),
  };
});

afterAll(async () => {
  await browser?.close();
});

describe('the route table the sweep reads', () => {
  it('holds every page of the app, the statistics page included', () => {
    expect(ROUTES.length).toBeGreaterThan(20);
    expect(ROUTES).toEqual(
      expect.arrayContaining(['risk-points', 'review', 'settings', 'statistics', 'm/tasks']),
    );
  });
});

for (const [device, options] of [
  ['desk', {}],
  ['phone', PHONE],
] as const) {
  describe(`every page on a ${device} passes WCAG 2 A and AA`, () => {
    let context: BrowserContext;
    let page: Page;
    beforeAll(async () => {
      context = await browser.newContext(options);
      page = await context.newPage();
      await loginAs(page, stack.url, 'county.admin');
    });
    afterAll(async () => {
      await context?.close();
    });

    for (const pattern of ROUTES) {
      it(`/${pattern}`, async () => {
        await settle(page, addressOf(pattern));
        expect(await page.locator('#main h1').count(), 'the page has its title').toBeGreaterThan(0);
        expect(await accessibilityViolations(page)).toEqual([]);
      });
    }

    it('the grid member’s own pages, as the grid member sees them', async () => {
      const own = await browser.newContext(options);
      const memberPage = await own.newPage();
      await loginAs(memberPage, stack.url, 'grid.member');
      for (const pattern of ROUTES.filter(
        (p) => p.startsWith('m/') || p === 'risk-points' || p === 'notices',
      )) {
        await settle(memberPage, addressOf(pattern));
        expect(await accessibilityViolations(memberPage), pattern).toEqual([]);
      }
      await own.close();
    });

    it('the pages before signing in', async () => {
      const signedOut = await browser.newContext(options);
      const outPage = await signedOut.newPage();
      for (const pattern of [...SIGNED_OUT, `r/${samples.publicBoard}`]) {
        await settle(outPage, `${stack.url}/taihe/${pattern}`);
        expect(await accessibilityViolations(outPage), pattern).toEqual([]);
      }
      await signedOut.close();
    });
  });
}
