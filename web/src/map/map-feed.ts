import { api, query } from '../api/client.ts';
import type { ChildBoundary, GridNode, MapPoint } from '../api/types.ts';

/** What the map page asks for: the place (grid, department) and the filters, as the address keeps them. */
export interface MapFilters {
  grid: string;
  department: string;
  industry: string;
  status: string;
  color: string;
  /** '' both kinds, 'risk-point' or 'unit' only. */
  layer: string;
  /** Units of this credit level only ('' any). */
  credit: string;
}

/**
 * Every position of one kind in the filters, page by page from GET /map/points (compact: id, position, and a
 * risk point's colour and status; never whole records). Taihe's 8,500 units are a few pages.
 */
async function positions(kind: 'unit' | 'risk-point', params: Record<string, string>): Promise<MapPoint[]> {
  const items: MapPoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<{ items: MapPoint[]; nextCursor?: string }>(
      `/map/points${query({ ...params, kind, cursor })}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/**
 * Units and risk points for the map, both at once. A colour or a status describes risk points only; a credit
 * level describes units only (each unit answers its level: `include=credit`).
 */
export async function loadMapData(
  filters: MapFilters,
): Promise<{ units: MapPoint[]; riskPoints: MapPoint[]; boundaries: ChildBoundary[] }> {
  const { grid, department, industry, status, color, layer, credit } = filters;
  const place = { grid, department, industry };
  const wantUnits = layer !== 'risk-point' && !status && !color;
  const [units, riskPoints, boundaries] = await Promise.all([
    wantUnits ? positions('unit', { ...place, include: 'credit' }) : Promise.resolve([]),
    layer === 'unit' || credit ? Promise.resolve([]) : positions('risk-point', { ...place, status, color }),
    loadBoundaries(grid),
  ]);
  return { units: credit ? units.filter((unit) => unit.credit === credit) : units, riskPoints, boundaries };
}

/**
 * The outlines the map draws under the places: the children of the grid in the filter, or of the person's own
 * starting node (the county's townships for the county, a township's villages for its officer). Outlines are a
 * backdrop: a county that uploaded none, or a failed read, draws the places alone.
 */
export async function loadBoundaries(grid: string): Promise<ChildBoundary[]> {
  try {
    const node = grid || (await api<{ items: GridNode[] }>('/grids')).items[0]?.id;
    if (!node) return [];
    return (await api<{ items: ChildBoundary[] }>(`/grids/${encodeURIComponent(node)}/child-boundaries`))
      .items;
  } catch {
    return [];
  }
}
