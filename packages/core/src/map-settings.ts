import * as z from 'zod/mini';
import { described } from './common-schemas.ts';

/**
 * A tile URL template, or several separated by `|` (天地图 draws roads and labels as two layers). Only web
 * addresses or paths on the county's own host: the template becomes an image source in every browser of the county.
 */
const TileUrlTemplateSchema = z
  .string()
  .check(
    z.maxLength(1000),
    z.regex(
      /^$|^(?:(?:https?:\/\/|\/)[^\s"'<>|]+)(?:\|(?:https?:\/\/|\/)[^\s"'<>|]+)*$/,
      'must be empty or http(s):// or /path tile templates separated by |',
    ),
  );

/**
 * The county's base map (底图), shown to everyone on the map page. A 天地图 key alone draws 天地图's vector map
 * and its labels; a template draws that (its `{tk}` replaced by the key); both empty leaves the choice to each
 * device (its settings page) or the build. Where tiles do not load (no network, an intranet without a tile
 * server) the map draws its markers on a plain background and says the base map is offline.
 */
export const MapSettingsSchema = described(
  z.strictObject({
    tileUrl: described(TileUrlTemplateSchema, {
      description:
        'Tile URL template(s) with {z}/{x}/{y} (and {s}, {tk}); `|` between layers; empty for 天地图 or none',
    }),
    tiandituKey: described(
      z
        .string()
        .check(z.regex(/^$|^[0-9a-zA-Z]{16,64}$/, 'must be empty or a 天地图 key (letters and digits)')),
      { description: 'The county’s 天地图 browser key (tk)' },
    ),
    attribution: described(z.string().check(z.maxLength(200)), {
      description: 'Shown in the map’s corner (审图号 and source)',
    }),
  }),
  { id: 'MapSettings' },
);
export type MapSettings = z.infer<typeof MapSettingsSchema>;

export const DEFAULT_MAP_SETTINGS: MapSettings = { tileUrl: '', tiandituKey: '', attribution: '' };

/** Counties saved before the map had settings read the defaults (no stored shape changes). */
export const MapSettingsField = z._default(MapSettingsSchema, DEFAULT_MAP_SETTINGS);
