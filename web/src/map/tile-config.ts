/**
 * Where map tiles come from. In production a county sets 天地图 (with its key), e.g.
 * `https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY`
 * plus the `cva` label layer, `|`-separated. Empty means no tiles at all: markers on a blank background with a
 * scale, which is what a phone with no signal or an intranet without a tile server gets.
 *
 * Order: this device's setting (the settings page) wins over the build's VITE_TILE_URL.
 */
export interface TileConfig {
  urls: string[];
  subdomains: string;
  attribution: string;
}

const STORAGE_KEY = 'gridsafe.map.tileUrl';

export function buildTileUrl(): string {
  return import.meta.env.VITE_TILE_URL ?? '';
}

/** The device's own tile URL, or undefined when it follows the build's. */
export function deviceTileUrl(): string | undefined {
  return localStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function setDeviceTileUrl(value: string | undefined): void {
  if (value === undefined) localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, value.trim());
}

export function tileConfig(): TileConfig {
  const raw = deviceTileUrl() ?? buildTileUrl();
  return {
    urls: raw
      .split('|')
      .map((url) => url.trim())
      .filter((url) => /^https?:\/\//.test(url) || url.startsWith('/')),
    subdomains: import.meta.env.VITE_TILE_SUBDOMAINS ?? '01234567',
    attribution: import.meta.env.VITE_TILE_ATTRIBUTION ?? '',
  };
}
