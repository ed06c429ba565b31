import { countyApiBasePath } from '@gridsafe/core/contract';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations } from '../support/axe.ts';
import { DEMO_PASSWORD, launchBrowser, loginAs, type TestBrowser } from '../support/browser.ts';
import { type E2eClient, e2eStack } from '../support/e2e-stack.ts';

/**
 * A county sets itself up through the web alone: its grid tree from the civil affairs spreadsheet, a department
 * and the industries it supervises, a person (edited, disabled, enabled again, given a new password), and a
 * typical risk point of its own in the knowledge base, checked in the filing form's preview.
 */

const TREE_CSV = [
  '区划代码,名称,负责人,负责人电话',
  '341222198000,网页试点镇,周镇长,13900000001',
  '341222198001,网页一村,吴书记,13900000002',
  '341222198002,网页二村,,',
].join('\r\n');

let stack: E2eClient;
let browser: TestBrowser;
let adminToken: string;
let page: Page;

/** Whether the county's login accepts the password (POST /session), as a person's phone would ask. */
async function canLogIn(username: string, password: string): Promise<boolean> {
  const response = await fetch(`${stack.url}${countyApiBasePath('taihe')}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return response.status === 200;
}

async function uploadTree() {
  await page.setInputFiles('#f-file', {
    name: 'taihe-grids.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(TREE_CSV, 'utf8'),
  });
  await page.click('button[type=submit]');
  await page.locator('[data-testid=import-result]').waitFor();
  return page.locator('[data-testid=import-result] p').first().textContent();
}

beforeAll(async () => {
  stack = e2eStack();
  browser = await launchBrowser();
  adminToken = await stack.token('county.admin');
  page = await (await browser.newContext()).newPage();
  await loginAs(page, stack.url, 'county.admin');
});

afterAll(async () => {
  await browser?.close();
});

describe('a county admin sets the county up through the web', () => {
  it('imports the grid tree from a spreadsheet, and importing it again creates nothing', async () => {
    await page.goto(`${stack.url}/taihe/grids`);
    await page.click('a[href="/taihe/grids/import"]');
    await page.locator('#f-file').waitFor();
    expect(await uploadTree()).toContain('新增 3');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await uploadTree()).toContain('新增 0,更新 0,无变化 3');

    const townships = await stack.api<{ items: { id: string; name: string }[] }>(
      adminToken,
      'GET',
      '/grids?level=township&limit=100',
    );
    const pilot = townships.body.items.filter((node) => node.name === '网页试点镇');
    expect(pilot).toHaveLength(1);
    const villages = await stack.api<{ items: { name: string }[] }>(
      adminToken,
      'GET',
      `/grids?parent=${pilot[0]!.id}`,
    );
    expect(villages.body.items.map((v) => v.name)).toEqual(['网页一村', '网页二村']);

    // The tree shows the new township with its responsible person, and takes a village added by hand.
    await page.goto(`${stack.url}/taihe/grids`);
    const row = page.locator('li[data-level=township]', { hasText: '网页试点镇' }).first();
    await expect
      .poll(() => row.locator('[data-testid=responsible]').first().textContent())
      .toContain('周镇长');
    await row.getByRole('button', { name: '添加村(社区):网页试点镇' }).click();
    await page.fill('[data-testid=grid-create] #f-name', '网页三村');
    await page.fill('[data-testid=grid-create] #f-code', '341222198003');
    await page.click('[data-testid=grid-create] button[type=submit]');
    await expect.poll(() => row.textContent()).toContain('网页三村');
  });

  it('creates a department, sets the industries it supervises and renames it', async () => {
    await page.goto(`${stack.url}/taihe/departments`);
    await page.getByRole('button', { name: '新建部门' }).click();
    await page.fill('[data-testid=department-form] #f-name', '网页试点局');
    await page.click('[data-testid=department-form] input[value=confined_space]');
    await page.click('[data-testid=department-form] button[type=submit]');
    await page.locator('[data-testid=departments-table] tr', { hasText: '网页试点局' }).waitFor();

    await page.getByRole('button', { name: '编辑网页试点局' }).click();
    await page.fill('[data-testid=department-form] #f-name', '网页交通局');
    await page.click('[data-testid=department-form] input[value=metal_smelting]');
    await page.click('[data-testid=department-form] button[type=submit]');
    await page.locator('[data-testid=departments-table] tr', { hasText: '网页交通局' }).waitFor();

    const departments = await stack.api<{ items: { name: string; industries: string[]; version: number }[] }>(
      adminToken,
      'GET',
      '/departments',
    );
    expect(departments.body.items.find((d) => d.name === '网页交通局')).toMatchObject({
      industries: ['confined_space', 'metal_smelting'],
      version: 2,
    });
  });

  it('creates a person, edits them, disables and re-enables them, and resets their password', async () => {
    const village = await stack.gridOf(await stack.token('grid.member'));
    await page.goto(`${stack.url}/taihe/users`);
    await page.getByRole('button', { name: '新建用户' }).click();
    await page.fill('[data-testid=user-form] #f-username', 'web.pilot');
    await page.fill('[data-testid=user-form] #f-displayName', '网页试点员');
    await page.selectOption('[data-testid=user-form] #f-scope', village);
    await page.fill('[data-testid=user-form] #f-password', DEMO_PASSWORD);
    await page.click('[data-testid=user-form] button[type=submit]');
    const row = page.locator('tr[data-username="web.pilot"]');
    await row.waitFor();
    expect(await canLogIn('web.pilot', DEMO_PASSWORD)).toBe(true);

    await row.getByRole('button', { name: '编辑网页试点员' }).click();
    await page.fill('[data-testid=user-edit] #f-displayName', '网页网格员');
    await page.fill('[data-testid=user-edit] #f-phone', '13900000009');
    await page.click('[data-testid=user-edit] button[type=submit]');
    await expect.poll(() => row.textContent()).toContain('网页网格员');
    expect(await accessibilityViolations(page)).toEqual([]);

    await row.getByRole('button', { name: '停用网页网格员' }).click();
    await row.getByRole('button', { name: '启用网页网格员' }).waitFor();
    expect(await canLogIn('web.pilot', DEMO_PASSWORD)).toBe(false);
    await row.getByRole('button', { name: '启用网页网格员' }).click();
    await row.getByRole('button', { name: '停用网页网格员' }).waitFor();
    expect(await canLogIn('web.pilot', DEMO_PASSWORD)).toBe(true);

    await row.getByRole('button', { name: '重置密码:网页网格员' }).click();
    await page.fill('[data-testid=password-reset] #f-password', 'Web-reset-2027');
    await page.uncheck('[data-testid=password-reset] input[name=temporary]');
    await page.click('[data-testid=password-reset] button[type=submit]');
    await page.locator('[data-testid=password-reset]').waitFor({ state: 'detached' });
    expect(await canLogIn('web.pilot', 'Web-reset-2027')).toBe(true);
    expect(await canLogIn('web.pilot', DEMO_PASSWORD)).toBe(false);
  });

  it('adds a typical risk point to the knowledge base and sees it in the filing form preview', async () => {
    await page.goto(`${stack.url}/taihe/knowledge`);
    await page.getByRole('link', { name: '编辑本县知识库' }).click();
    const form = page.locator('[data-testid=template-form]');
    await form.waitFor();
    await page.selectOption('#f-industry', 'gas_station');
    await page.fill('#f-code', 'gs_web_pilot_canopy');
    await page.fill('#f-name', '加油站罩棚');
    await page.fill('#f-description', '罩棚钢结构和照明');
    await page.fill('#f-hazardFactors', '钢结构锈蚀\n照明线路老化');
    await page.fill('#f-accidentTypes', '坍塌\n触电');
    await page.fill('#f-checklist', '罩棚立柱无锈蚀\n防爆灯具完好');
    await page.fill('#f-controlMeasures', '每季度检查钢结构');
    await page.fill('#f-emergencyMeasures', '发现变形立即停止加油并疏散');
    await page.fill('#f-gradingCriteria', '立柱锈蚀超过三分之一为较大风险');
    const preview = page.locator('[data-testid=filing-preview]');
    await expect.poll(() => preview.textContent()).toContain('防爆灯具完好');
    expect(await page.locator('[data-testid=preview-template]').textContent()).toBe('加油站罩棚');
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.locator('button[type=submit]').click();
    await page.locator('[data-testid=county-templates]', { hasText: '加油站罩棚' }).waitFor();

    const industry = await stack.api<{ templates: { code: string }[] }>(
      adminToken,
      'GET',
      '/knowledge/industries/gas_station',
    );
    expect(industry.body.templates.map((template) => template.code)).toContain('gs_web_pilot_canopy');
  });
});
