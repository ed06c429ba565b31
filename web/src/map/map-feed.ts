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

/** GET /map/positions: every place of the map in one answer, as compact arrays. */
interface MapPositions {
  units: [string, number, number, MapPoint['credit'] | null][];
  riskPoints: [string, number, number, NonNullable<MapPoint['color']>, NonNullable<MapPoint['status']>][];
}

/**
 * Units and risk points for the map, in one request (GET /map/positions, answered from the county's map snapshot:
 * Taihe's 11,000 places are ~700 KB). A colour or a status describes risk points only; a credit level describes
 * units only. The outlines are read apart (loadBoundaries): a backdrop, drawn when they come, never holding the
 * places back.
 */
export async function loadMapData(
  filters: MapFilters,
): Promise<{ units: MapPoint[]; riskPoints: MapPoint[] }> {
  const { grid, department, industry, status, color, layer, credit } = filters;
  const wantUnits = layer !== 'risk-point' && !status && !color;
  const wantRiskPoints = layer !== 'unit' && !credit;
  const positions = await api<MapPositions>(
    `/map/positions${query({ grid, department, industry, status, color })}`,
  );
  const units: MapPoint[] = wantUnits
    ? positions.units.flatMap(([id, lat, lng, level]) =>
        !credit || level === credit ? [{ id, lat, lng, ...(level ? { credit: level } : {}) }] : [],
      )
    : [];
  const riskPoints: MapPoint[] = wantRiskPoints
    ? positions.riskPoints.map(([id, lat, lng, pointColor, pointStatus]) => ({
        id,
        lat,
        lng,
        color: pointColor,
        status: pointStatus,
      }))
    : [];
  return { units, riskPoints };
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
