import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { RiskPoint, Unit } from '../api/types.ts';
import { COLOUR_HEX } from '../colours.ts';
import { tileConfig } from './tile-config.ts';

export interface MapLabels {
  openRecord: string;
  /** The words for a risk point's colour and status, from the catalogue. */
  colour: (colour: RiskPoint['color']) => string;
  status: (status: RiskPoint['status']) => string;
}

/** Roughly the demo counties (Fuyang, Anhui): the view when nothing has a position yet. */
const FALLBACK_CENTRE: L.LatLngTuple = [33.16, 115.62];
/** Red drawn last, so the most serious points sit on top where markers overlap. */
const DRAW_ORDER: Record<RiskPoint['color'], number> = { ungraded: 0, blue: 1, yellow: 2, orange: 3, red: 4 };

/**
 * Draws units and risk points on a Leaflet map. Markers are vector circles (no image files, so they work
 * offline and take any colour): units small and grey, risk points in their grading colour.
 * Popups and tooltips are built as DOM nodes with textContent: Leaflet would parse a string as HTML.
 */
export function mountMap(
  container: HTMLElement,
  data: { units: Unit[]; riskPoints: RiskPoint[] },
  options: { tenant: string; labels: MapLabels },
): { destroy: () => void; markerCount: number } {
  const config = tileConfig();
  const map = L.map(container, { zoomControl: true, attributionControl: config.urls.length > 0 });
  container.classList.toggle('map-blank', config.urls.length === 0);
  for (const url of config.urls) {
    L.tileLayer(url, { subdomains: config.subdomains, attribution: config.attribution, maxZoom: 18 }).addTo(
      map,
    );
  }
  L.control.scale({ imperial: false }).addTo(map);
  const points: L.LatLng[] = [];
  for (const unit of data.units) {
    if (!unit.location) continue;
    const position = L.latLng(unit.location.lat, unit.location.lng);
    points.push(position);
    L.circleMarker(position, {
      radius: 6,
      color: '#ffffff',
      weight: 2,
      fillColor: '#5f6b7a',
      fillOpacity: 0.85,
      // The id in the class lets a test (or a deep link later) find one marker.
      className: `unit-marker unit-${unit.id}`,
    })
      .bindPopup(() =>
        popup(
          unit.name,
          [unit.address ?? ''],
          `/${options.tenant}/units/${encodeURIComponent(unit.id)}`,
          options.labels,
        ),
      )
      .bindTooltip(() => text(unit.name))
      .addTo(map);
  }
  const ordered = [...data.riskPoints].sort((a, b) => DRAW_ORDER[a.color] - DRAW_ORDER[b.color]);
  for (const point of ordered) {
    const position = L.latLng(point.location.lat, point.location.lng);
    points.push(position);
    L.circleMarker(position, {
      radius: 9,
      color: '#ffffff',
      weight: 2,
      fillColor: COLOUR_HEX[point.color],
      fillOpacity: 0.95,
      className: `rp-marker rp-${point.id} colour-${point.color}`,
    })
      .bindPopup(() =>
        popup(
          point.name,
          [point.unitName, `${options.labels.colour(point.color)} · ${options.labels.status(point.status)}`],
          `/${options.tenant}/risk-points/${encodeURIComponent(point.id)}`,
          options.labels,
        ),
      )
      .bindTooltip(() => text(point.name))
      .addTo(map);
  }
  const fit = () => {
    if (points.length > 0) map.fitBounds(L.latLngBounds(points), { padding: [32, 32], maxZoom: 16 });
    else map.setView(FALLBACK_CENTRE, 10);
  };
  fit();
  let removed = false;
  // The container may still be settling into the layout on first paint: measure again, then fit.
  requestAnimationFrame(() => {
    if (removed) return;
    map.invalidateSize();
    fit();
  });
  return {
    destroy: () => {
      removed = true;
      map.remove();
    },
    markerCount: points.length,
  };
}

function text(value: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = value;
  return span;
}

function popup(title: string, lines: string[], href: string, labels: MapLabels): HTMLElement {
  const box = document.createElement('div');
  const name = document.createElement('strong');
  name.textContent = title;
  box.append(name);
  for (const line of lines.filter(Boolean)) {
    const div = document.createElement('div');
    div.textContent = line;
    box.append(div);
  }
  const link = document.createElement('a');
  link.href = href;
  link.textContent = labels.openRecord;
  box.append(link);
  return box;
}
