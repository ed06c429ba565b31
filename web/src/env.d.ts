/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Map tile URL template(s), `|`-separated for layers (e.g. 天地图 vec + cva); empty = no tiles. */
  readonly VITE_TILE_URL?: string;
  readonly VITE_TILE_SUBDOMAINS?: string;
  readonly VITE_TILE_ATTRIBUTION?: string;
}
