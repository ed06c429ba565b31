import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CELLS_FILE } from '../../infra/src/cells-config.ts';
import { generateCells, type RawCells, type RegistryCounty } from '../../infra/src/cells-from-registry.ts';

/** The committed configuration: dev-1 (taihe, linquan, nanjing) and the example China cell cn-nx-1 (pingluo). */
const committed = (): RawCells => JSON.parse(readFileSync(DEFAULT_CELLS_FILE, 'utf8')) as RawCells;
const county = (id: string, cell: string, status: RegistryCounty['status'] = 'active'): RegistryCounty => ({
  id,
  name: `${id}县`,
  cell,
  status,
});
const tenantsOf = (cells: RawCells, cell: string) =>
  cells.cells.find((candidate) => candidate.id === cell)!.tenants!.map((tenant) => tenant.id);

describe('the cells configuration generated from the tenant registry', () => {
  it('changes nothing when the registry holds what the file lists', () => {
    const registry = [county('taihe', 'dev-1'), county('linquan', 'dev-1'), county('nanjing', 'dev-1')];
    const generated = generateCells(committed(), registry, 'aws');
    expect(generated.added).toEqual([]);
    expect(generated.removed).toEqual([]);
    expect(tenantsOf(generated.cells, 'dev-1')).toEqual(['taihe', 'linquan', 'nanjing']);
  });

  it('lists onboarded and suspended counties, drops offboarded ones, and keeps a county’s size class', () => {
    const base = committed();
    base.cells[0]!.tenants![0] = { id: 'taihe', name: '太和县', size: 'medium' };
    const registry = [
      county('taihe', 'dev-1'),
      county('linquan', 'dev-1', 'suspended'),
      county('nanjing', 'dev-1', 'offboarded'),
      county('yingquan', 'dev-1'),
    ];
    const generated = generateCells(base, registry, 'aws');
    expect(tenantsOf(generated.cells, 'dev-1')).toEqual(['taihe', 'linquan', 'yingquan']);
    expect(generated.added).toEqual(['yingquan → dev-1']);
    expect(generated.removed).toEqual(['nanjing ← dev-1']);
    expect(generated.cells.cells[0]!.tenants![0]).toMatchObject({ id: 'taihe', size: 'medium' });
  });

  it('leaves the China cell, the generator’s fixture, to the China control plane', () => {
    // The global registry may register a China county; only the China partition's generation lists it.
    const registry = [county('taihe', 'dev-1'), county('pingluo', 'cn-nx-1'), county('helan', 'cn-nx-1')];
    const global = generateCells(committed(), registry, 'aws');
    expect(tenantsOf(global.cells, 'cn-nx-1')).toEqual(['pingluo']);
    const china = generateCells(committed(), registry, 'aws-cn');
    expect(tenantsOf(china.cells, 'cn-nx-1')).toEqual(['pingluo', 'helan']);
    expect(tenantsOf(china.cells, 'dev-1')).toEqual(['taihe', 'linquan', 'nanjing']);
  });

  it('refuses a county registered in a cell the file does not have, and a cell past its limit', () => {
    expect(() => generateCells(committed(), [county('taihe', 'dev-9')], 'aws')).toThrow(
      'county taihe is registered in cell "dev-9", which the file does not have',
    );
    const crowd = Array.from({ length: 301 }, (_, i) =>
      county(`county${String(i).padStart(3, '0')}`, 'dev-1'),
    );
    expect(() => generateCells(committed(), crowd, 'aws')).toThrow(/300/);
  });
});
