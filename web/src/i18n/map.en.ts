import type { mapZhCN } from './map.zh-CN.ts';

/** The map page and the county's base-map settings in English: the same keys as map.zh-CN.ts. */
export const mapEn: Record<keyof typeof mapZhCN, string> = {
  'map.cluster': '{n} places: select to zoom in',
  'map.status': 'Status',
  'map.layer': 'Layer',
  'map.layerBoth': 'Risk points and units',
  'map.layerRiskPoints': 'Risk points',
  'map.tilesOffline': 'Base map offline: markers on a plain background',
  'mapSettings.title': 'The county’s base map',
  'mapSettings.help':
    'Everyone in the county sees this base map. A 天地图 key alone draws 天地图’s vector map and labels; or give a tile URL template ({z}/{x}/{y}; layers separated by |; {tk} becomes the key). When tiles do not load, the map still draws its markers on a plain background.',
  'mapSettings.tiandituKey': '天地图 key (tk)',
  'mapSettings.tileUrl': 'Tile URL template',
  'mapSettings.attribution': 'Attribution and map approval number',
  'mapSettings.saved': 'Saved',
};
