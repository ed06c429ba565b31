import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import type { Unit } from '../api/types.ts';
import { COLOUR_HEX } from '../colours.ts';
import { tileConfig } from './tile-config.ts';

export interface MapLabels {
  openRecord: string;
}

/** Roughly the demo counties (Fuyang, Anhui): the view when nothing has a position yet. */
const FALLBACK_CENTRE: L.LatLngTuple = [33.16, 115.62];

/**
 * Draws units on a Leaflet map. Markers are vector circles (no image files, so they work offline and take a
 * colour); a unit is grey until its risk points are graded, then it will take its worst colour.
 * Popups are built as DOM nodes with textContent: Leaflet would parse a string popup as HTML.
 */
export function mountMap(
  container: HTMLElement,
  units: Unit[],
  options: { tenant: string; labels: MapLabels },
): { destroy: () => void; markerCount: number } {
  const config = tileConfig();
  const map = L.map(container, { preferCanvas: false, zoomControl: true, attributionControl: config.urls.length > 0 });
  container.classList.toggle('map-blank', config.urls.length === 0);
  for (const url of config.urls) {
    L.tileLayer(url, { subdomains: config.subdomains, attribution: config.attribution, maxZoom: 18 }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  const points: L.LatLng[] = [];
  for (const unit of units) {
    if (!unit.location) continue;
    const position = L.latLng(unit.location.lat, unit.location.lng);
    points.push(position);
    const marker = L.circleMarker(position, {
      radius: 8,
      color: '#ffffff',
      weight: 2,
      fillColor: COLOUR_HEX.ungraded,
      fillOpacity: 0.95,
      // The id in the class lets a test (or a deep link later) find one unit's marker.
      className: `unit-marker unit-${unit.id}`,
    });
    marker.bindPopup(() => popupFor(unit, options));
    marker.bindTooltip(() => textNode(unit.name));
    marker.addTo(map);
  }
  const fit = () => {
    if (points.length > 0) map.fitBounds(L.latLngBounds(points), { padding: [32, 32], maxZoom: 15 });
    else map.setView(FALLBACK_CENTRE, 10);
  };
  fit();
  // The container may still be settling into the layout on first paint: measure again, then fit.
  let removed = false;
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

function textNode(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}

function popupFor(unit: Unit, options: { tenant: string; labels: MapLabels }): HTMLElement {
  const box = document.createElement('div');
  const name = document.createElement('strong');
  name.textContent = unit.name;
  box.append(name);
  if (unit.address) {
    const address = document.createElement('div');
    address.textContent = unit.address;
    box.append(address);
  }
  const link = document.createElement('a');
  link.href = `/${options.tenant}/units/${encodeURIComponent(unit.id)}`;
  link.textContent = options.labels.openRecord;
  box.append(link);
  return box;
}
