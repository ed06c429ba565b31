import type { MapSettings } from '../api/types.ts';

/**
 * Where map tiles come from, in this order:
 * 1. this device's own setting (the settings page), for a phone or an office that must use another server;
 * 2. the county's settings (`map`): its tile template(s), or 天地图 with the county's key alone;
 * 3. the build's VITE_TILE_URL.
 * A template may hold several layers separated by `|` (天地图 draws roads and labels as two). Empty everywhere
 * means no tiles: markers on a plain background with a scale, which is also what the map falls back to when
 * tiles do not load (map-view.ts).
 */
export interface TileConfig {
  urls: string[];
  subdomains: string;
  attribution: string;
}

const STORAGE_KEY = 'gridsafe.map.tileUrl';

/** 天地图's Web Mercator vector map and its annotation layer, for a county that gave only its key. */
const TIANDITU_LAYERS = ['vec', 'cva'].map(
  (layer) =>
    `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={tk}`,
);
const TIANDITU_ATTRIBUTION = '天地图 · 国家地理信息公共服务平台';
const TIANDITU_SUBDOMAINS = '01234567';

export function buildTileUrl(): string {
  return import.meta.env.VITE_TILE_URL ?? '';
}

/** The device's own tile URL, or undefined when it follows the county's (or the build's). */
export function deviceTileUrl(): string | undefined {
  return localStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function setDeviceTileUrl(value: string | undefined): void {
  if (value === undefined) localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, value.trim());
}

function templates(raw: string): string[] {
  return raw
    .split('|')
    .map((url) => url.trim())
    .filter((url) => /^https?:\/\//.test(url) || url.startsWith('/'));
}

/** The tile layers a county's settings draw (its `{tk}` filled with its key); none when it set nothing. */
export function countyTileUrls(map: MapSettings | undefined): string[] {
  if (!map) return [];
  const chosen = map.tileUrl ? templates(map.tileUrl) : map.tiandituKey ? TIANDITU_LAYERS : [];
  return chosen.map((template) => template.replaceAll('{tk}', map.tiandituKey));
}

export function tileConfig(county?: MapSettings): TileConfig {
  const device = deviceTileUrl();
  const fromCounty = device === undefined ? countyTileUrls(county) : [];
  if (fromCounty.length > 0 && county) {
    return {
      urls: fromCounty,
      subdomains: TIANDITU_SUBDOMAINS,
      attribution: county.attribution || (county.tiandituKey && !county.tileUrl ? TIANDITU_ATTRIBUTION : ''),
    };
  }
  return {
    urls: templates(device ?? buildTileUrl()),
    subdomains: import.meta.env.VITE_TILE_SUBDOMAINS ?? '01234567',
    attribution: import.meta.env.VITE_TILE_ATTRIBUTION ?? '',
  };
}
