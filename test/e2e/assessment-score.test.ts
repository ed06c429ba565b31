import { describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { loginAs, PHONE, screenshot, type TestBrowser } from '../support/browser.ts';
import { useBrowserSuite } from '../support/browser-suite.ts';
import type { E2eClient } from '../support/e2e-stack.ts';

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;

useBrowserSuite((opened) => {
  ({ stack, browser, adminToken } = opened);
});

type Row = { id: string; kind: string; name: string; score: number; rank: number; interviews: number };
const SIZES = [
  ['desktop', { viewport: { width: 1280, height: 900 } }],
  ['phone', PHONE],
] as const;

describe('the scored assessment and the workforce view', () => {
  it('ranks the townships by score, and a 约谈 the county admin records is deducted from the township’s score', async () => {
    const before = await stack.api<{ rows: Row[] }>(adminToken, 'GET', '/assessments');
    expect(before.status).toBe(200);
    const townships = before.body.rows.filter((row) => row.kind === 'township');
    const target = [...townships].sort((a, b) => a.rank - b.rank)[0]!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept('误录，撤销'));
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/assessments`);
    await page.locator('[data-testid=assessment-table]').waitFor();
    // The townships come first, best score first, each with its rank.
    const ranks = await page
      .locator('tr[data-kind=township]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-rank'))));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(ranks).toHaveLength(townships.length);
    const scoreOf = () =>
      page.locator(`tr[data-row="${target.id}"] [data-testid=assessment-score]`).textContent();
    expect(Number(await scoreOf())).toBeCloseTo(target.score, 2);

    const form = page.locator('[data-testid=assessment-action-form]');
    await form.locator('select[name=kind]').selectOption('interview');
    await form.locator('select[name=target]').selectOption(target.id);
    await form.locator('input[name=reason]').fill('隐患整改超期，约谈乡镇主要负责人');
    await form.locator('button[type=submit]').click();
    await page.locator('[data-testid=assessment-action-list] li[data-kind=interview]').first().waitFor();
    const { deductions } = (
      await stack.api<{ scoring: { deductions: { interview: number } } }>(adminToken, 'GET', '/assessments')
    ).body.scoring;
    await expect
      .poll(async () => Number(await scoreOf()))
      .toBeCloseTo(Math.max(0, target.score - deductions.interview), 2);
    const after = await stack.api<{ rows: Row[] }>(adminToken, 'GET', '/assessments');
    expect(after.body.rows.find((row) => row.id === target.id)!.interviews).toBe(target.interviews + 1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'assessment-score');

    // The 通报 the county sends out, printable.
    await page.locator('[data-testid=assessment-print]').click();
    const frame = page.frameLocator('[data-testid=assessment-print-page] iframe');
    await expect.poll(() => frame.locator('h1').textContent()).toContain('考核情况的通报');
    expect(await frame.locator('body').textContent()).toContain(target.name);
    expect(await accessibilityViolations(page)).toEqual([]);

    // Withdrawn, the 约谈 no longer counts, and both records stay listed.
    await page.goto(`${stack.url}/taihe/assessments`);
    const interview = page.locator('[data-testid=assessment-action-list] li[data-kind=interview]').first();
    await interview.locator('button').click();
    await page.locator('[data-testid=assessment-action-list] li[data-kind=withdrawal]').first().waitFor();
    await expect.poll(async () => Number(await scoreOf())).toBeCloseTo(target.score, 2);
    await context.close();
  });

  for (const [size, options] of SIZES) {
    it(`shows the workforce by village and grid member and drills down to each patrol (${size})`, async () => {
      const view = await stack.api<{ villages: (Row & { due: number })[] }>(adminToken, 'GET', '/workforce');
      expect(view.status).toBe(200);
      const village = view.body.villages.find((row) => row.due > 0)!;
      expect(village).toBeDefined();
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await loginAs(page, stack.url, 'county.admin');
      await page.goto(`${stack.url}/taihe/workforce`);
      await page.locator('[data-testid=workforce-villages]').waitFor();
      await page.locator('[data-testid=workforce-members]').waitFor();
      await page
        .locator(`[data-testid=workforce-villages] tr[data-row="${village.id}"] button[data-state=due]`)
        .click();
      const rows = page.locator('[data-testid=workforce-patrols] tbody tr');
      await expect.poll(() => rows.count()).toBe(Math.min(village.due, 500));
      expect(await accessibilityViolations(page)).toEqual([]);
      await screenshot(page, `workforce-${size}`);
      await context.close();
    });
  }

  it('the county admin sets what a 约谈 deducts in the settings, a number out of range is refused by name, and the assessment answers with the new rule', async () => {
    type Scoring = { deductions: { interview: number } };
    const scoringNow = async () =>
      (await stack.api<{ scoring: Scoring; rows: Row[] }>(adminToken, 'GET', '/assessments')).body;
    const before = await scoringNow();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await loginAs(page, stack.url, 'county.admin');
    await page.goto(`${stack.url}/taihe/settings`);
    const form = page.locator('[data-testid=assessment-scoring-settings]');
    const interview = form.locator('input[name="deductions.interview"]');
    await expect.poll(() => interview.inputValue()).toBe(String(before.scoring.deductions.interview));

    await interview.fill('120');
    await form.locator('button[type=submit]').click();
    await expect
      .poll(() => form.locator('[data-field="deductions.interview"] .field-error').textContent())
      .toBeTruthy();
    expect((await scoringNow()).scoring.deductions.interview).toBe(before.scoring.deductions.interview);
    expect(await accessibilityViolations(page)).toEqual([]);

    const changed = before.scoring.deductions.interview + 2;
    await interview.fill(String(changed));
    await form.locator('button[type=submit]').click();
    await form.locator('[data-testid=scoring-saved]').waitFor();
    const after = await scoringNow();
    expect(after.scoring.deductions.interview).toBe(changed);
    await screenshot(page, 'assessment-scoring-settings');

    // Put the county's rule back for the other browser tests.
    await interview.fill(String(before.scoring.deductions.interview));
    await form.locator('button[type=submit]').click();
    await expect
      .poll(async () => (await scoringNow()).scoring.deductions.interview)
      .toBe(before.scoring.deductions.interview);
    await context.close();
  });
});
