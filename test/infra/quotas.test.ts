import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { MAX_TENANTS_PER_CELL, parseCellsConfig } from '../../infra/src/cells-config.ts';
import { CELL_QUOTAS, checkQuotas, type QuotaUse, type SynthesizedStack } from '../../infra/src/quotas.ts';
import { testCellStage } from '../support/test-cell.ts';

/** A cell of `counties` synthetic counties, as the quota check of `npm run synth -- --counties` reads it. */
function cellStacks(counties: number): SynthesizedStack[] {
  const stage = testCellStage({
    id: 'quota-1',
    tenants: Array.from({ length: counties }, (_, index) => ({ id: `county${index}` })),
  });
  return [
    { name: 'shared', county: false, template: Template.fromStack(stage.shared).toJSON() },
    { name: 'platform', county: false, template: Template.fromStack(stage.platform!).toJSON() },
    ...[...stage.tenants.entries()].map(([id, stack]) => ({
      name: `tenant-${id}`,
      county: true,
      template: Template.fromStack(stack).toJSON(),
    })),
  ];
}

const use = (uses: QuotaUse[], id: string) => uses.find((entry) => entry.id === id)!;
const two = checkQuotas(cellStacks(2));
const four = checkQuotas(cellStacks(4));
/** What one more county adds to a quota's use, and what the cell uses without any. */
const perCounty = (id: string) => (use(four, id).used - use(two, id).used) / 2;
const ownUse = (id: string) => use(two, id).used - 2 * perCounty(id);

describe("a cell's quotas", () => {
  it('hold for the largest cell the configuration allows, county by county, against AWS’s defaults', () => {
    // Each county's use is linear in the counties (what a 300-county synth would count), so the largest cell
    // the configuration accepts must fit every quota that grows with counties.
    for (const quota of CELL_QUOTAS.filter((q) => q.scope === 'region' || q.scope === 'account')) {
      const atMost = ownUse(quota.id) + MAX_TENANTS_PER_CELL * perCounty(quota.id);
      expect(atMost, quota.id).toBeLessThanOrEqual(quota.default);
    }
    // The figures the configuration's bound rests on: three roles a county, one router route and integration.
    expect(perCounty('iam-roles')).toBe(3);
    expect(use(four, 'apigateway-integrations-per-api').used).toBe(4);
    expect(MAX_TENANTS_PER_CELL).toBe(300);
  });

  it('leave every alarm and schedule to the cell: a county stack holds no alarm and no EventBridge rule', () => {
    expect(use(four, 'alarms-per-county-stack').used).toBe(0);
    expect(use(four, 'rules-per-county-stack').used).toBe(0);
    expect(use(four, 'eventbridge-rules-per-bus').used).toBe(0);
    expect(perCounty('scheduler-schedules')).toBe(2);
  });

  it('fail the check where a cell’s use passes a limit, and hold it to a limit the cell says was raised', () => {
    const stacks = cellStacks(2);
    const low = checkQuotas(stacks, { 'iam-roles': 5 });
    expect(use(low, 'iam-roles')).toMatchObject({ limit: 5, exceeded: true });
    expect(use(checkQuotas(stacks), 'iam-roles').exceeded).toBe(false);
  });

  it('accept raised quotas in the cells configuration only by the ids the check knows', () => {
    const config = (quotas: unknown) => ({
      tableName: 'gridsafe',
      platformCell: 'quota-1',
      webOrigins: ['https://app.gridsafe.example.cn'],
      cells: [{ id: 'quota-1', tenants: [{ id: 'taihe' }], quotas }],
    });
    expect(parseCellsConfig(config({ 'iam-roles': 2000 }), {}).cells[0]?.quotas).toEqual({
      'iam-roles': 2000,
    });
    expect(() => parseCellsConfig(config({ 'iam-role': 2000 }), {})).toThrow(
      /quotas.iam-role is not a quota/,
    );
    expect(() => parseCellsConfig(config({ 'iam-roles': -1 }), {})).toThrow(
      /quotas.iam-roles must be a whole/,
    );
  });
});
