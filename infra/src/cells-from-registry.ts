import { CHINA_REGION_PATTERN, parseCellsConfig } from './cells-config.ts';

/**
 * The cells configuration generated from the tenant registry (issue 14): the registry is the source of truth for
 * which county runs in which cell; `infra/config/cells.json` keeps what the registry does not know (each cell's
 * account, region, identity provider, quotas, a county's size class) and takes its county lists from the registry.
 * One control plane per partition: a registry rewrites only the cells of its own partition (the global one, or
 * China's), so the example China cell stays as committed when the global registry generates, and the reverse.
 */

/** A registry record as `TenantRegistry.list()` answers it, reduced to what the configuration needs. */
export interface RegistryCounty {
  id: string;
  name: string;
  cell: string;
  status: 'active' | 'suspended' | 'offboarded';
}

type RawTenant = { id: string; name?: string } & Record<string, unknown>;
type RawCell = { id: string; region?: string; tenants?: RawTenant[] } & Record<string, unknown>;
export type RawCells = { platformCell?: string; cells: RawCell[] } & Record<string, unknown>;

export type Partition = 'aws' | 'aws-cn';

export interface GeneratedCells {
  cells: RawCells;
  /** `<county> → <cell>` lines: counties the registry has and the file did not. */
  added: string[];
  /** Counties the file listed and the registry no longer serves (offboarded or unknown). */
  removed: string[];
}

/** A cell's partition from its region; a `${VAR}` region is a global cell (China cells name their region). */
export function cellPartition(cell: { region?: string }): Partition {
  return cell.region && CHINA_REGION_PATTERN.test(cell.region) ? 'aws-cn' : 'aws';
}

/**
 * Rewrites the county lists of the partition's cells from the registry: active and suspended counties are listed
 * (a suspended county keeps its stack), offboarded ones are not. A county already listed keeps its line (its size
 * class); new ones follow in id order. A county registered in a cell of the other partition is that partition's
 * (the global control plane may register a China county); one whose cell the file does not have is refused, as is a
 * result the loader would refuse (more counties than a cell holds, a county in two cells).
 */
export function generateCells(
  base: RawCells,
  registry: RegistryCounty[],
  partition: Partition,
): GeneratedCells {
  const owned = new Map(
    base.cells.filter((cell) => cellPartition(cell) === partition).map((cell) => [cell.id, cell]),
  );
  const known = new Set(base.cells.map((cell) => cell.id));
  const problems = registry
    .filter((county) => !known.has(county.cell))
    .map(
      (county) => `county ${county.id} is registered in cell "${county.cell}", which the file does not have`,
    );
  if (problems.length > 0)
    throw new Error(`Cannot generate the cells configuration:\n- ${problems.join('\n- ')}`);

  const served = registry.filter((county) => county.status !== 'offboarded');
  const added: string[] = [];
  const removed: string[] = [];
  const cells = base.cells.map((cell) => {
    if (!owned.has(cell.id)) return cell;
    const mine = served.filter((county) => county.cell === cell.id);
    const byId = new Map(mine.map((county) => [county.id, county]));
    const kept = (cell.tenants ?? []).filter((tenant) => {
      if (byId.has(tenant.id)) return true;
      removed.push(`${tenant.id} ← ${cell.id}`);
      return false;
    });
    const keptIds = new Set(kept.map((tenant) => tenant.id));
    const fresh = mine
      .filter((county) => !keptIds.has(county.id))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((county) => {
        added.push(`${county.id} → ${cell.id}`);
        return { id: county.id, name: county.name };
      });
    return {
      ...cell,
      tenants: [...kept.map((tenant) => ({ ...tenant, name: byId.get(tenant.id)!.name })), ...fresh],
    };
  });
  const generated = { ...base, cells };
  // The loader's own rules; placeholders need not resolve here.
  parseCellsConfig(generated, {}, 'the generated cells configuration');
  return { cells: generated, added, removed };
}
