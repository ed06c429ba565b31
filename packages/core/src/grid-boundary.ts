import * as z from 'zod/mini';
import { described } from './common-schemas.ts';

/**
 * A grid node's boundary: a GeoJSON Polygon or MultiPolygon (RFC 7946: [longitude, latitude] in WGS 84), sent
 * bare or as a Feature, as GIS tools and 天地图 export it. A village outline simplified for a map is a few
 * kilobytes; a township's at full survey detail (三调) reaches a few hundred, so the upload is bounded.
 */

/** The largest boundary accepted, in bytes of its JSON: far above a simplified village, below an item's 400 KB. */
export const MAX_BOUNDARY_BYTES = 256 * 1024;

/** [longitude, latitude], with an altitude allowed after them (and ignored). */
const PositionSchema = z.tuple(
  [z.number().check(z.gte(-180), z.lte(180)), z.number().check(z.gte(-90), z.lte(90))],
  z.number(),
);

/** A linear ring: at least four positions, the last the same as the first (RFC 7946 §3.1.6). */
const RingSchema = z.array(PositionSchema).check(
  z.minLength(4, 'a ring needs at least four positions'),
  z.refine((ring) => {
    const first = ring[0];
    const last = ring[ring.length - 1];
    return first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  }, 'a ring must end where it starts'),
);
const PolygonCoordinates = z.array(RingSchema).check(z.minLength(1));

const PolygonSchema = z.object({ type: z.literal('Polygon'), coordinates: PolygonCoordinates });
const MultiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(PolygonCoordinates).check(z.minLength(1)),
});
const AreaGeometrySchema = z.discriminatedUnion('type', [PolygonSchema, MultiPolygonSchema]);

export const GridBoundaryUploadSchema = described(
  z.union([
    AreaGeometrySchema,
    z.object({
      type: z.literal('Feature'),
      geometry: AreaGeometrySchema,
      properties: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
    }),
  ]),
  { id: 'GridBoundaryUpload' },
);

export type GridBoundaryGeometry = z.infer<typeof AreaGeometrySchema>;

export const GridBoundarySchema = described(
  z.object({
    gridId: z.string(),
    geometry: AreaGeometrySchema,
    updatedAt: z.string(),
  }),
  { id: 'GridBoundary' },
);
export type GridBoundary = z.infer<typeof GridBoundarySchema>;

/** The geometry of an upload (a Feature's own, or the bare geometry), and how many positions it has. */
export function boundaryGeometry(upload: z.infer<typeof GridBoundaryUploadSchema>): {
  geometry: GridBoundaryGeometry;
  positions: number;
} {
  const geometry = upload.type === 'Feature' ? upload.geometry : upload;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const positions = polygons.reduce(
    (sum, polygon) => sum + polygon.reduce((rings, ring) => rings + ring.length, 0),
    0,
  );
  return { geometry, positions };
}
