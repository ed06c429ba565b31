/**
 * Township boundaries for the sized demo county: the county as a circle-like polygon around its centre, cut into
 * one cell per township (a Voronoi cell: the points nearer its centre than any other township's). Real counties
 * upload their surveyed outlines; the demo's cells at least tile the county without gaps or overlaps, so the map
 * shows each township's villages inside its own outline.
 */
export type LngLat = [lng: number, lat: number];

/** A convex polygon of `sides` corners around `centre`, `radius` degrees out (open: the last corner is not repeated). */
function regularPolygon(centre: { lat: number; lng: number }, radius: number, sides: number): LngLat[] {
  return Array.from({ length: sides }, (_, i) => {
    const angle = (2 * Math.PI * i) / sides;
    return [centre.lng + radius * Math.cos(angle), centre.lat + radius * Math.sin(angle)] as LngLat;
  });
}

/** The part of a convex polygon on `site`'s side of the bisector between `site` and `other` (Sutherland–Hodgman). */
function clipToNearer(polygon: LngLat[], site: LngLat, other: LngLat): LngLat[] {
  const mid: LngLat = [(site[0] + other[0]) / 2, (site[1] + other[1]) / 2];
  const normal: LngLat = [other[0] - site[0], other[1] - site[1]];
  // Negative or zero: on site's side.
  const side = (p: LngLat) => (p[0] - mid[0]) * normal[0] + (p[1] - mid[1]) * normal[1];
  const kept: LngLat[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i]!;
    const b = polygon[(i + 1) % polygon.length]!;
    const sa = side(a);
    const sb = side(b);
    if (sa <= 0) kept.push(a);
    if (sa < 0 !== sb < 0 && sa !== 0 && sb !== 0) {
      const t = sa / (sa - sb);
      kept.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
    }
  }
  return kept;
}

const round6 = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * One closed GeoJSON ring per township centre (same order), tiling a 48-gon of `radius` degrees around the county
 * centre.
 */
export function townshipCells(
  countyCentre: { lat: number; lng: number },
  radius: number,
  townshipCentres: readonly { lat: number; lng: number }[],
): LngLat[][] {
  const county = regularPolygon(countyCentre, radius, 48);
  const sites = townshipCentres.map((c) => [c.lng, c.lat] as LngLat);
  return sites.map((site, i) => {
    let cell = county;
    for (const [j, other] of sites.entries()) if (j !== i) cell = clipToNearer(cell, site, other);
    const ring = cell.map(([lng, lat]) => [round6(lng), round6(lat)] as LngLat);
    return [...ring, ring[0]!];
  });
}
