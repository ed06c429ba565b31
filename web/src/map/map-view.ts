import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import '../styles/map.css';
import Supercluster, { type PointFeature } from 'supercluster';
import type { ChildBoundary, MapPoint } from '../api/types.ts';
import { COLOUR_HEX, RISK_COLOURS, type RiskColour } from '../colours.ts';
import type { TileConfig } from './tile-config.ts';

export interface MapLabels {
  /** A cluster's name for screen readers and the pointer: how many places it holds. */
  cluster: (count: number) => string;
  /** The popup of one place, filled once its record is read (the feed carries positions only). */
  describe: (kind: 'unit' | 'risk-point', id: string) => Promise<{ title: string; lines: string[] }>;
  openRecord: string;
  loading: string;
}

export interface MapData {
  units: MapPoint[];
  riskPoints: MapPoint[];
  /** Grid outlines drawn under the places (the county's townships, or a township's villages). */
  boundaries?: ChildBoundary[];
}

/** Roughly the demo counties (Fuyang, Anhui): the view when nothing has a position yet. */
const FALLBACK_CENTRE: L.LatLngTuple = [33.16, 115.62];
/** A cluster takes the colour of its worst risk point: red outranks orange, …; units alone are grey. */
const RANK: Record<RiskColour, number> = { ungraded: 0, blue: 1, yellow: 2, orange: 3, red: 4 };
const BY_RANK: RiskColour[] = [...RISK_COLOURS].sort((a, b) => RANK[a] - RANK[b]);
/**
 * Up to this many places every one is drawn as itself (a village, a township, the small demo county); above it
 * they cluster. A thousand SVG circles still pan smoothly on a county office's PC.
 */
const CLUSTER_ABOVE = 1000;
/** Tiles that all fail (no network, a blocked server) before any loads: after this many, draw without them. */
const TILE_FAILURES_BEFORE_OFFLINE = 4;
/** A tile server that neither answers nor fails (a captive portal, a dead proxy) counts as offline after this. */
const TILE_SILENCE_MS = 8000;

/** A unit's marker in its credit level's colour (the same as the credit badges, styles/credit.css). */
const CREDIT_HEX: Record<NonNullable<MapPoint['credit']>, string> = {
  green: '#237032',
  blue: '#1971c2',
  yellow: '#f2c200',
  red: '#c92a2a',
};

interface PlaceProperties {
  kind: 'unit' | 'risk-point';
  id: string;
  color?: RiskColour;
  credit?: MapPoint['credit'];
  /** The colour rank of the worst risk point here (-1: units only). */
  worst: number;
}
type ClusterProperties = Pick<PlaceProperties, 'worst'>;

/**
 * Draws a county's units and risk points on a Leaflet map, clustered in the browser by supercluster: 11,000
 * places index in a few tens of milliseconds, and each view draws only the clusters and places in it, so a
 * Taihe-sized county draws as fast as a village. Places are vector circles (no image files: they work offline
 * and take any colour); clusters are labelled circles in the colour of their worst risk point.
 * Popups are built as DOM nodes with textContent: Leaflet would parse a string as HTML.
 */
export function mountMap(
  container: HTMLElement,
  data: MapData,
  options: { tenant: string; tiles: TileConfig; labels: MapLabels; onTilesOffline: () => void },
): { destroy: () => void; placeCount: number; showBoundaries: (boundaries: ChildBoundary[]) => void } {
  const map = L.map(container, { zoomControl: true, attributionControl: options.tiles.urls.length > 0 });
  L.control.scale({ imperial: false }).addTo(map);
  const stopTiles = addTiles(map, container, options.tiles, options.onTilesOffline);

  const places = [
    ...data.units.map((point) => feature(point, 'unit')),
    ...data.riskPoints.map((point) => feature(point, 'risk-point')),
  ];
  const index = new Supercluster<PlaceProperties, ClusterProperties>({
    radius: 60,
    maxZoom: 16,
    minPoints: places.length > CLUSTER_ABOVE ? 2 : places.length + 1,
    map: (place) => ({ worst: place.worst }),
    reduce: (total, place) => {
      total.worst = Math.max(total.worst, place.worst);
    },
  });
  index.load(places);

  const showBoundaries = (boundaries: ChildBoundary[]) => {
    drawBoundaries(map, boundaries);
    container.dataset.boundaries = String(boundaries.length);
  };
  if (data.boundaries) showBoundaries(data.boundaries);

  const layer = L.layerGroup().addTo(map);
  const draw = () => {
    layer.clearLayers();
    const bounds = map.getBounds();
    const zoom = Math.round(map.getZoom());
    const shown = index.getClusters(
      [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()],
      zoom,
    );
    // Units first, then risk points by colour, red last: the most serious sit on top where circles overlap.
    shown.sort((a, b) => a.properties.worst - b.properties.worst);
    for (const shape of shown) {
      const [lng, lat] = shape.geometry.coordinates as [number, number];
      if ('cluster' in shape.properties && shape.properties.cluster) {
        const { cluster_id: clusterId, point_count: count } = shape.properties;
        layer.addLayer(
          clusterMarker(lat, lng, count, shape.properties.worst, options.labels).on('click', () => {
            map.setView([lat, lng], Math.min(index.getClusterExpansionZoom(clusterId), 18));
          }),
        );
      } else {
        layer.addLayer(placeMarker(lat, lng, shape.properties as PlaceProperties, options));
      }
    }
    container.dataset.drawn = String(shown.length);
  };
  map.on('moveend', draw);
  fitTo(map, data);
  let removed = false;
  // The container may still be settling into the layout on first paint: measure again, then fit.
  requestAnimationFrame(() => {
    if (removed) return;
    map.invalidateSize();
    fitTo(map, data);
  });
  return {
    destroy: () => {
      removed = true;
      stopTiles();
      map.remove();
      delete container.dataset.drawn;
      delete container.dataset.boundaries;
    },
    placeCount: places.length,
    showBoundaries,
  };
}

/**
 * Grid outlines as thin dark lines with the grid's name at the centre, in a pane under the places so a click
 * always reaches a place; not interactive (the filters choose a grid, the outline only shows where it is).
 */
function drawBoundaries(map: L.Map, boundaries: ChildBoundary[]) {
  if (boundaries.length === 0) return;
  map.createPane('boundaries').style.zIndex = '350';
  for (const boundary of boundaries) {
    const outline = L.geoJSON(boundary.geometry as GeoJSON.Geometry, {
      pane: 'boundaries',
      interactive: false,
      style: { color: '#37474f', weight: 1.5, opacity: 0.8, fill: false },
    }).addTo(map);
    L.tooltip({ permanent: true, direction: 'center', className: 'boundary-label', pane: 'boundaries' })
      .setLatLng(outline.getBounds().getCenter())
      .setContent(boundary.name)
      .addTo(map);
  }
}

function feature(point: MapPoint, kind: 'unit' | 'risk-point'): PointFeature<PlaceProperties> {
  const color = point.color;
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [point.lng, point.lat] },
    properties: {
      kind,
      id: point.id,
      ...(color ? { color } : {}),
      ...(point.credit ? { credit: point.credit } : {}),
      worst: color ? RANK[color] : -1,
    },
  };
}

function fitTo(map: L.Map, data: MapData) {
  let south = 90;
  let north = -90;
  let west = 180;
  let east = -180;
  for (const list of [data.units, data.riskPoints]) {
    for (const { lat, lng } of list) {
      south = Math.min(south, lat);
      north = Math.max(north, lat);
      west = Math.min(west, lng);
      east = Math.max(east, lng);
    }
  }
  if (south <= north)
    map.fitBounds(
      [
        [south, west],
        [north, east],
      ],
      { padding: [32, 32], maxZoom: 16 },
    );
  else map.setView(FALLBACK_CENTRE, 10);
}

function clusterMarker(lat: number, lng: number, count: number, worst: number, labels: MapLabels) {
  const colour = worst >= 0 ? BY_RANK[worst] : undefined;
  const size = count < 100 ? 34 : count < 1000 ? 42 : 50;
  return L.marker([lat, lng], {
    title: labels.cluster(count),
    alt: labels.cluster(count),
    icon: L.divIcon({
      className: `map-cluster ${colour ? `colour-${colour}` : 'cluster-units'}`,
      html: `<span style="background:${colour ? COLOUR_HEX[colour] : '#5f6b7a'}">${count}</span>`,
      iconSize: [size, size],
    }),
  });
}

function placeMarker(
  lat: number,
  lng: number,
  place: PlaceProperties,
  options: { tenant: string; labels: MapLabels },
) {
  const unit = place.kind === 'unit';
  return L.circleMarker([lat, lng], {
    radius: unit ? 6 : 9,
    color: '#ffffff',
    weight: 2,
    fillColor: place.color ? COLOUR_HEX[place.color] : place.credit ? CREDIT_HEX[place.credit] : '#5f6b7a',
    fillOpacity: unit ? 0.85 : 0.95,
    // The id in the class lets a test (or a deep link later) find one marker.
    className: unit
      ? `unit-marker unit-${place.id}${place.credit ? ` credit-${place.credit}` : ''}`
      : `rp-marker rp-${place.id} colour-${place.color}`,
  }).bindPopup(() => popup(place, options));
}

function popup(place: PlaceProperties, options: { tenant: string; labels: MapLabels }): HTMLElement {
  const box = document.createElement('div');
  const title = document.createElement('strong');
  title.textContent = options.labels.loading;
  box.append(title);
  const link = document.createElement('a');
  link.href = `/${options.tenant}/${place.kind === 'unit' ? 'units' : 'risk-points'}/${encodeURIComponent(place.id)}`;
  link.textContent = options.labels.openRecord;
  box.append(link);
  options.labels
    .describe(place.kind, place.id)
    .then(({ title: name, lines }) => {
      title.textContent = name;
      for (const line of lines.filter(Boolean)) {
        const div = document.createElement('div');
        div.textContent = line;
        link.before(div);
      }
    })
    .catch(() => {
      title.textContent = '';
    });
  return box;
}

/**
 * The base map's layers, watched: when tiles cannot be had (offline, or a server that fails or never answers)
 * they are taken away and the markers stay on a plain background, and the page says the base map is offline.
 */
function addTiles(map: L.Map, container: HTMLElement, tiles: TileConfig, onOffline: () => void): () => void {
  container.classList.toggle('map-blank', tiles.urls.length === 0);
  if (tiles.urls.length === 0) return () => {};
  const layers = tiles.urls.map((url) =>
    L.tileLayer(url, { subdomains: tiles.subdomains, attribution: tiles.attribution, maxZoom: 18 }),
  );
  let loaded = 0;
  let failed = 0;
  let offline = false;
  const goOffline = () => {
    if (offline || loaded > 0) return;
    offline = true;
    for (const layer of layers) layer.remove();
    container.classList.add('map-blank');
    onOffline();
  };
  if (navigator.onLine === false) {
    goOffline();
    return () => {};
  }
  for (const layer of layers) {
    layer.on('tileload', () => {
      loaded += 1;
    });
    layer.on('tileerror', () => {
      failed += 1;
      if (failed >= TILE_FAILURES_BEFORE_OFFLINE) goOffline();
    });
    layer.addTo(map);
  }
  const silence = window.setTimeout(goOffline, TILE_SILENCE_MS);
  return () => window.clearTimeout(silence);
}
