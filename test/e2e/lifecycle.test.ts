import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIELD_PHONE,
  launchBrowser,
  loginAs,
  PHONE,
  screenshot,
  type TestBrowser,
} from '../support/browser.ts';
import { type E2eClient, e2eStack } from '../support/e2e-stack.ts';

interface Patrol {
  id: string;
  unitId: string;
}
interface Unit {
  id: string;
  status: string;
  version: number;
}

let stack: E2eClient;
let browser: TestBrowser;
let officerToken: string;
let memberToken: string;

beforeAll(async () => {
  stack = e2eStack();
  browser = await launchBrowser();
  officerToken = await stack.token('township.officer');
  memberToken = await stack.token('grid.member');
});

afterAll(async () => {
  await browser?.close();
});

describe('a unit’s lifecycle and the public notice board in the web app', () => {
  it('closes a unit and sees its patrol disappear, and opens a notice board’s URL without logging in', async () => {
    const due = await stack.api<{ items: Patrol[] }>(
      memberToken,
      'GET',
      '/patrols?assignee=me&status=scheduled&limit=100',
    );
    // The last of the member's tasks: the other browser tests walk the first ones.
    const patrol = due.body.items.at(-1);
    expect(patrol, 'a scheduled patrol in the grid member’s village').toBeDefined();
    const unitId = patrol!.unitId;

    // The township officer closes the unit from its page, with a reason.
    const desk = await browser.newContext();
    const officer = await desk.newPage();
    await loginAs(officer, stack.url, 'township.officer');
    await officer.goto(`${stack.url}/taihe/units/${unitId}`);
    const control = officer.locator('[data-testid=unit-status-control]');
    await control.waitFor();
    await control.locator('select[name=status]').selectOption('closed');
    await control.locator('input[name=statusReason]').fill('关闭取缔：无证经营');
    await control.locator('button[type=submit]').click();
    await officer.locator('[data-unit-status=closed]').waitFor();
    await screenshot(officer, 'unit-closed');

    try {
      // On the grid member's phone the unit's task is gone from the tasks to do.
      const phone = await browser.newContext(FIELD_PHONE);
      const member = await phone.newPage();
      await loginAs(member, stack.url, 'grid.member');
      await member.goto(`${stack.url}/taihe/m/tasks`);
      await member.locator('[data-testid=patrols-due]').waitFor();
      await expect
        .poll(() => member.locator('[data-testid=patrols-due] li[data-patrol]').count())
        .toBeGreaterThan(0);
      expect(await member.locator(`[data-testid=patrols-due] li[data-patrol="${patrol!.id}"]`).count()).toBe(
        0,
      );
      await phone.close();

      // The unit's list shows it closed.
      const listed = await stack.api<Unit>(officerToken, 'GET', `/units/${unitId}`);
      expect(listed.body.status).toBe('closed');

      // Anyone who scans a board opens it, signed out, read-only.
      const filed = await stack.api<{ items: { id: string; name: string }[] }>(
        officerToken,
        'GET',
        '/risk-points?status=filed&limit=1',
      );
      const point = filed.body.items[0]!;
      const stranger = await browser.newContext(PHONE);
      const passerBy = await stranger.newPage();
      await passerBy.goto(`${stack.url}/taihe/r/${point.id}`);
      await passerBy.locator('[data-testid=public-board] h1').waitFor();
      expect(await passerBy.locator('[data-testid=public-board] h1').textContent()).toBe(point.name);
      expect(passerBy.url()).toBe(`${stack.url}/taihe/r/${point.id}`);
      expect(await passerBy.locator('[data-testid=public-board] a.button').count()).toBe(0);
      await screenshot(passerBy, 'public-board');
      await stranger.close();
    } finally {
      // The unit reopens, and its task comes back, for the other browser tests of the shared stack.
      const current = await stack.api<Unit>(officerToken, 'GET', `/units/${unitId}`);
      const reopened = await stack.api<Unit>(officerToken, 'PATCH', `/units/${unitId}`, {
        status: 'active',
        version: current.body.version,
      });
      expect(reopened.status).toBe(200);
      await desk.close();
    }
    const back = await stack.api<{ items: Patrol[] }>(
      memberToken,
      'GET',
      `/patrols?unit=${unitId}&status=scheduled`,
    );
    expect(back.body.items.map((p) => p.id)).toEqual([patrol!.id]);
  });

  it('prints all the boards of a unit as one page', async () => {
    const filed = await stack.api<{ items: { unitId: string }[] }>(
      officerToken,
      'GET',
      '/risk-points?status=filed&limit=1',
    );
    const unitId = filed.body.items[0]!.unitId;
    const context = await browser.newContext();
    const page = await context.newPage();
    await loginAs(page, stack.url, 'township.officer');
    await page.goto(`${stack.url}/taihe/units/${unitId}`);
    await page.locator(`a[href="/taihe/boards/unit/${unitId}"]`).click();
    const frame = page.frameLocator('[data-testid=boards-print] iframe');
    await frame.locator('.board').first().waitFor();
    expect(await frame.locator('.board').count()).toBeGreaterThan(0);
    await context.close();
  });
});
