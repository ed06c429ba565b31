/**
 * Geohash cells and great-circle distances: what the resources' nearest-first search reads by. A geohash names a
 * cell of the globe by interleaving longitude and latitude bits, five to a base-32 character, so every point of
 * a cell has a hash starting with the cell's: a cell is one sort-key prefix of an index sorted by hash.
 */
const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';
/** Stored hashes have nine characters (a cell of about 5 m), finer than any search needs. */
export const GEOHASH_PRECISION = 9;
const EARTH_RADIUS_KM = 6371.0088;
/** A search never reads more cells than this; a wider circle uses larger cells instead. */
const MAX_COVERING_CELLS = 12;

/** The geohash of a point, `precision` characters long. */
export function geohash(lat: number, lng: number, precision = GEOHASH_PRECISION): string {
  let [latMin, latMax, lngMin, lngMax] = [-90, 90, -180, 180];
  let hash = '';
  let bits = 0;
  let value = 0;
  let even = true;
  while (hash.length < precision) {
    if (even) {
      const mid = (lngMin + lngMax) / 2;
      value = value * 2 + (lng >= mid ? 1 : 0);
      if (lng >= mid) lngMin = mid;
      else lngMax = mid;
    } else {
      const mid = (latMin + latMax) / 2;
      value = value * 2 + (lat >= mid ? 1 : 0);
      if (lat >= mid) latMin = mid;
      else latMax = mid;
    }
    even = !even;
    if (++bits === 5) {
      hash += BASE32[value];
      bits = 0;
      value = 0;
    }
  }
  return hash;
}

/** A cell's size in degrees at a precision: five bits a character, longitude taking the odd one. */
function cellSize(precision: number): { lat: number; lng: number } {
  const total = precision * 5;
  return { lat: 180 / 2 ** Math.floor(total / 2), lng: 360 / 2 ** Math.ceil(total / 2) };
}

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The geohash cells that together cover a circle: every cell meeting its bounding box, at the finest precision
 * that needs no more than MAX_COVERING_CELLS of them. Each is one prefix Query; the answers are then cut to the
 * circle by distance, so the cells may cover more than the circle but never less.
 *
 * @example
 * coveringCells({ lat: 33.16, lng: 115.62 }, 5); // ['wtw3', 'wtw6', ...] (a handful of 4- or 5-character cells)
 */
export function coveringCells(center: { lat: number; lng: number }, radiusKm: number): string[] {
  const dLat = radiusKm / 111.32;
  const cos = Math.max(Math.cos((center.lat * Math.PI) / 180), 0.01);
  const dLng = Math.min(radiusKm / (111.32 * cos), 180);
  const box = {
    south: Math.max(center.lat - dLat, -90),
    north: Math.min(center.lat + dLat, 90),
    west: center.lng - dLng,
    east: center.lng + dLng,
  };
  for (let precision = 7; precision >= 1; precision--) {
    const size = cellSize(precision);
    const rows = Math.floor(box.north / size.lat) - Math.floor(box.south / size.lat) + 1;
    const columns = Math.floor(box.east / size.lng) - Math.floor(box.west / size.lng) + 1;
    if (rows * columns > MAX_COVERING_CELLS && precision > 1) continue;
    const cells = new Set<string>();
    for (let row = Math.floor(box.south / size.lat); row <= Math.floor(box.north / size.lat); row++) {
      for (
        let column = Math.floor(box.west / size.lng);
        column <= Math.floor(box.east / size.lng);
        column++
      ) {
        const lat = Math.min((row + 0.5) * size.lat, 89.999999);
        const lng = (((((column + 0.5) * size.lng + 180) % 360) + 360) % 360) - 180;
        cells.add(geohash(lat, lng, precision));
      }
    }
    return [...cells].sort();
  }
  return [''];
}
