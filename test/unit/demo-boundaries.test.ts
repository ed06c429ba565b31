import { describe, expect, it } from 'vitest';
import { type LngLat, townshipCells } from '../../scripts/seed/demo-boundaries.ts';

/** Shoelace area of a closed ring, in square degrees. */
function area(ring: LngLat[]): number {
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    twice += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return Math.abs(twice) / 2;
}

function contains(ring: LngLat[], [x, y]: LngLat): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

describe('the demo county’s township outlines', () => {
  const centre = { lat: 33.16, lng: 115.62 };
  const townships = Array.from({ length: 32 }, (_, i) => {
    const angle = (i + 1) * 2.399963;
    const r = 0.22 * Math.sqrt(((i * 7919) % 1000) / 1000);
    return { lat: centre.lat + r * Math.sin(angle), lng: centre.lng + r * Math.cos(angle) };
  });
  const cells = townshipCells(centre, 0.3, townships);

  it('give every township a closed ring around its own centre', () => {
    expect(cells).toHaveLength(32);
    for (const [i, ring] of cells.entries()) {
      expect(ring[0]).toEqual(ring.at(-1));
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(contains(ring, [townships[i]!.lng, townships[i]!.lat]), `township ${i}`).toBe(true);
    }
  });

  it('tile the county without gaps or overlaps (their areas add up to the county’s)', () => {
    const county = Array.from({ length: 49 }, (_, i) => {
      const angle = (2 * Math.PI * (i % 48)) / 48;
      return [centre.lng + 0.3 * Math.cos(angle), centre.lat + 0.3 * Math.sin(angle)] as LngLat;
    });
    const total = cells.reduce((sum, ring) => sum + area(ring), 0);
    expect(total).toBeCloseTo(area(county), 4);
  });
});
