import { describe, expect, it } from 'vitest';
import { parseCellsConfig } from '../../infra/src/cells-config.ts';
import { countyCost, IDLE, TAIHE } from '../../infra/src/cost-model.ts';
import { loadPrices, synthesizeForCost } from '../../infra/src/cost-templates.ts';

const config = parseCellsConfig(
  {
    tableName: 'gridsafe',
    platformCell: 'test-1',
    webOrigins: ['https://app.gridsafe.example.cn'],
    cells: [{ id: 'test-1', tenants: [{ id: 'taihe' }, { id: 'linquan' }] }],
  },
  {},
);
const { shared, county } = synthesizeForCost(config, 'test-1', 'taihe');
const prices = loadPrices();
const price = (profile = TAIHE, cellCounties = 100, region = 'us-east-1') =>
  countyCost({ county, shared, region, prices, profile, cellCounties });
const line = (cost: ReturnType<typeof price>, item: string) =>
  cost.lines.find((candidate) => candidate.item.startsWith(item))!;

describe('the cost model over the synthesized templates (npm run cost)', () => {
  it('prices an idle county under US$0.10 a month', () => {
    expect(price(IDLE).total).toBeLessThan(0.1);
  });

  it('prices webhook delivery kicks per write that queues deliveries, nothing while nobody writes', () => {
    expect(line(price(IDLE), 'webhook delivery kicks').usd).toBe(0);
    const busy = line(price(), 'webhook delivery kicks');
    expect(busy.detail).toContain('600 asynchronous invocations');
    expect(busy.usd).toBeGreaterThan(0);
    expect(busy.usd).toBeLessThan(0.05);
  });

  it('bills a Cognito cell nothing for its pool while the cell is inside the free tier, and more than a dollar a county past it', () => {
    // 24 Taihe-sized counties are 9,840 monthly users, under the pool's 10,000 free.
    expect(line(price(TAIHE, 24), 'Cognito').usd).toBe(0);
    expect(line(price(TAIHE, 100), 'Cognito').usd).toBeGreaterThan(1);
    // Its 5-minute tokens (shorter than any idle time) are refreshed eleven times a session.
    expect(line(price(TAIHE, 100), 'sign-ins and token refreshes').usd).toBeGreaterThan(0.5);
  });

  it('prices a Taihe-sized county of a cell of county directories under US$3 in a cell of 100 or 300', () => {
    const directories = parseCellsConfig(
      {
        tableName: 'gridsafe',
        platformCell: 'dir-1',
        webOrigins: ['https://app.gridsafe.example.cn'],
        cells: [{ id: 'dir-1', identity: { kind: 'directory' }, tenants: [{ id: 'taihe' }] }],
      },
      {},
    );
    const templates = synthesizeForCost(directories, 'dir-1', 'taihe');
    for (const cellCounties of [100, 300]) {
      const cost = countyCost({ ...templates, region: 'us-east-1', prices, profile: TAIHE, cellCounties });
      expect(cost.total).toBeLessThan(3);
      expect(cost.lines.some((candidate) => candidate.item.startsWith('Cognito'))).toBe(false);
    }
    const cost = countyCost({ ...templates, region: 'us-east-1', prices, profile: TAIHE, cellCounties: 100 });
    // A directory's token lives half the idle time; the pool's lifetime is its app client's, read from the template.
    expect(line(cost, 'sign-ins and token refreshes').detail).toContain(
      '30750 refreshes of 15-minute access tokens',
    );
    expect(line(price(), 'sign-ins and token refreshes').detail).toContain(
      '112750 refreshes of 5-minute access tokens',
    );
    expect(line(cost, 'sign-ins and token refreshes').usd).toBeGreaterThan(0);
  });

  it('reads what it prices from the templates: the function memory, both HTTP APIs, no county alarm, the backups', () => {
    const cost = price();
    expect(line(cost, 'API function').detail).toContain('at 1024 MB');
    expect(line(cost, 'HTTP API requests').detail).toContain('× 2 HTTP APIs');
    expect(line(cost, 'county alarms').usd).toBe(0);
    // The sweep every 5 minutes and the nightly assessment.
    expect(line(cost, 'scheduled jobs').detail).toBe('8670 invocations a month');
    expect(line(cost, 'table backups').detail).toContain('8.0 warm');
    expect(line(cost, 'CloudWatch Logs').detail).toContain('kept 12 months');
  });

  it('converts a China region’s CNY prices to US$ at the recorded rate and keeps SMS outside the total', () => {
    const china = price(TAIHE, 100, 'cn-north-1');
    const apiCny = line(china, 'API function').usd * prices.cnyPerUsd;
    expect(apiCny).toBeGreaterThan(line(price(), 'API function').usd);
    expect(china.sms.usd).toBeGreaterThan(0);
    expect(china.lines.some((candidate) => candidate.item.startsWith('SMS'))).toBe(false);
  });
});
