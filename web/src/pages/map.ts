import type { Alert } from '@gridsafe/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { ChildBoundary, MapSettings, RiskPoint, SettingsAnswer, Unit } from '../api/types.ts';
import { COLOUR_HEX, RISK_COLOURS } from '../colours.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { CREDIT_LEVELS } from '../components/credit-badge.ts';
import { FilterSelect, GridFilter } from '../components/filter-select.ts';
import { loadGridFilterOptions } from '../components/grid-select.ts';
import { loadNearbyResources, NEARBY_RADIUS_KM } from '../components/nearby-resources.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, formatNumber, label, type MessageKey, t } from '../i18n/index.ts';
import { loadBoundaries, loadMapData, type MapFilters } from '../map/map-feed.ts';
import { tileConfig } from '../map/tile-config.ts';
import { can, defaultDepartment } from '../permissions.ts';
import { loadDepartments, loadIndustries } from '../ref-data.ts';
import { searchParams } from '../router.ts';
import { session } from '../session.ts';
import { AlertLevelBadge } from './alerts.ts';

const STATUSES = ['draft', 'submitted', 'township_approved', 'filed'] as const;

/** The county's base map, for those who may read its settings; everyone else uses the device's or the build's. */
async function loadCountyMap(): Promise<MapSettings | undefined> {
  if (!can('settings.read')) return undefined;
  return (await api<SettingsAnswer>('/settings')).settings.map;
}

/**
 * "One map" (一张图): every risk point in its colour and every unit of the person's area, clustered, with filters
 * by grid, department, industry, status, colour and layer (kept in the address, so a view can be shared).
 */
export function MapPage() {
  const current = session.value!;
  const params = searchParams.value;
  const grid = params.get('grid') ?? '';
  const filters: MapFilters = {
    grid,
    department: params.get('department') ?? defaultDepartment(grid),
    industry: params.get('industry') ?? '',
    status: params.get('status') ?? '',
    color: params.get('color') ?? '',
    layer: params.get('layer') ?? '',
    credit: params.get('credit') ?? '',
  };
  const grids = useAsync(loadGridFilterOptions, []);
  const departments = useAsync(loadDepartments, []);
  const industries = useAsync(loadIndustries, []);
  const countyMap = useAsync(() => loadCountyMap().catch(() => undefined), []);
  const data = useAsync(() => loadMapData(filters), Object.values(filters));
  // The outlines are a backdrop: read beside the places, drawn on the map once both are there.
  const boundaries = useAsync(() => loadBoundaries(filters.grid), [filters.grid]);
  // Open monitoring alerts of the same place, listed beside the map, each linking its alert and its unit.
  const alerts = useAsync(
    () =>
      can('alert.read')
        ? api<{ items: Alert[] }>(
            `/alerts?status=open&limit=20${grid ? `&grid=${grid}` : ''}${filters.department ? `&department=${filters.department}` : ''}`,
          ).then((page) => page.items)
        : Promise.resolve([]),
    [grid, filters.department],
  );
  const container = useRef<HTMLDivElement>(null);
  const [placeCount, setPlaceCount] = useState<number | undefined>();
  const [mounted, setMounted] = useState<{ showBoundaries: (b: ChildBoundary[]) => void } | undefined>();
  const [tilesOffline, setTilesOffline] = useState(false);
  const [mapError, setMapError] = useState<unknown>();
  const tiles = tileConfig(countyMap.data);
  useEffect(() => {
    if (!data.data || countyMap.loading || !container.current) return;
    let destroy: (() => void) | undefined;
    let live = true;
    setTilesOffline(false);
    // Leaflet and supercluster load only when a map is shown, keeping them out of the phone's first download.
    import('../map/map-view.ts')
      .then(({ mountMap }) => {
        if (!live || !container.current || !data.data) return;
        const mounted = mountMap(container.current, data.data, {
          tenant: current.tenant,
          tiles,
          labels: {
            cluster: (n) => t('map.cluster', { n: formatNumber(n) }),
            describe,
            openRecord: t('map.openRecord'),
            loading: t('common.loading'),
          },
          onTilesOffline: () => live && setTilesOffline(true),
        });
        destroy = mounted.destroy;
        setPlaceCount(mounted.placeCount);
        setMounted(mounted);
      })
      .catch(setMapError);
    return () => {
      live = false;
      setMounted(undefined);
      destroy?.();
    };
  }, [data.data, countyMap.loading, current.tenant, tiles.urls.join('|')]);
  useEffect(() => {
    if (mounted && boundaries.data) mounted.showBoundaries(boundaries.data);
  }, [mounted, boundaries.data]);
  // Leaflet and supercluster are fetched while the places are read, not after.
  useEffect(() => {
    import('../map/map-view.ts').catch(() => undefined);
  }, []);
  const counts = RISK_COLOURS.map((c) => ({
    colour: c,
    n: data.data?.riskPoints.filter((p) => p.color === c).length ?? 0,
  }));
  return html`<section class="map-page">
    <${PageTitle} title=${t('map.title')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${can('grid.read') ? html`<${GridFilter} grids=${grids.data ?? []} value=${grid} />` : null}
      <${FilterSelect} name="department" label=${t('units.department')} value=${filters.department}
        options=${(departments.data ?? []).map((d) => ({ value: d.id, label: d.name }))} />
      <${FilterSelect} name="industry" label=${t('units.industry')} value=${filters.industry}
        options=${(industries.data?.items ?? []).map((item) => ({ value: item.code, label: item.name }))} />
      <${FilterSelect} name="status" label=${t('map.status')} value=${filters.status}
        options=${STATUSES.map((s) => ({ value: s, label: t(`rpStatus.${s}`) }))} />
      <${FilterSelect} name="color" label=${t('riskPoint.colour')} value=${filters.color}
        options=${RISK_COLOURS.map((c) => ({ value: c, label: t(`colour.${c}`) }))} />
      <${FilterSelect} name="layer" label=${t('map.layer')} value=${filters.layer} allLabel=${t('map.layerBoth')}
        options=${[
          { value: 'risk-point', label: t('map.layerRiskPoints') },
          { value: 'unit', label: t('map.units') },
        ]} />
      <${FilterSelect} name="credit" label=${t('credit.filter')} value=${filters.credit}
        options=${CREDIT_LEVELS.map((level) => ({ value: level, label: t(`credit.level.${level}` as MessageKey) }))} />
    </form>
    ${data.error ? html`<${ErrorNotice} error=${data.error} onRetry=${data.reload} />` : null}
    ${mapError ? html`<${ErrorNotice} error=${mapError} />` : null}
    ${data.loading ? html`<${Loading} />` : null}
    <div class="map-legend" data-testid="map-legend">
      ${counts.map(
        ({ colour, n }) =>
          html`<span data-colour=${colour}><span class="swatch" style=${{ background: COLOUR_HEX[colour] }}></span>${t(`colour.${colour}`)} ${formatNumber(n)}</span>`,
      )}
      <span data-colour="unit"><span class="swatch swatch-unit"></span>${t('map.units')} ${formatNumber(data.data?.units.length ?? 0)}</span>
      ${CREDIT_LEVELS.map(
        (level) =>
          html`<span data-credit=${level}><span class="badge credit-badge" data-credit=${level}>${t(`credit.level.${level}` as MessageKey)}</span> ${formatNumber(data.data?.units.filter((u) => u.credit === level).length ?? 0)}</span>`,
      )}
      <span class="muted small" role="status" data-testid="map-tiles">${
        tiles.urls.length === 0 ? t('map.noTiles') : tilesOffline ? t('map.tilesOffline') : ''
      }</span>
    </div>
    <div ref=${container} class="map" data-testid="map" data-markers=${placeCount}></div>
    ${
      alerts.data && alerts.data.length > 0
        ? html`<section class="card" aria-labelledby="map-alerts-title" data-testid="map-alerts">
          <h2 id="map-alerts-title">${t('alerts.onMap')} (${formatNumber(alerts.data.length)})</h2>
          <ul>
            ${alerts.data.map(
              (alert) => html`<li data-alert=${alert.id}>
                <${AlertLevelBadge} level=${alert.level} />
                <a href=${`/${current.tenant}/alerts/${alert.id}`}>${alert.unitName ?? t('alerts.noUnit')} · ${alert.kind}</a>
                <span class="muted small"> ${formatDateTime(alert.observedAt)} · ${label('alertStatus', alert.status)}</span>
              </li>`,
            )}
          </ul>
          <a href=${`/${current.tenant}/alerts`}>${t('alerts.more')}</a>
        </section>`
        : null
    }
  </section>`;
}

/** A place's popup, read when it is opened: the feed carries positions only. */
async function describe(kind: 'unit' | 'risk-point', id: string) {
  if (kind === 'unit') {
    const unit = await api<Unit>(`/units/${encodeURIComponent(id)}`);
    return { title: unit.name, lines: [unit.address ?? ''] };
  }
  const point = await api<RiskPoint>(`/risk-points/${encodeURIComponent(id)}`);
  const lines = [point.unitName, `${t(`colour.${point.color}`)} · ${t(`rpStatus.${point.status}`)}`];
  // A red point's popup names the help nearest it: teams, stockpiles and experts, nearest first.
  if (point.color === 'red' && can('resource.read')) {
    const nearby = await loadNearbyResources(point.location, NEARBY_RADIUS_KM, undefined, 3).catch(
      () => undefined,
    );
    if (nearby && nearby.items.length > 0) {
      lines.push(`${t('resources.nearby')}:`);
      for (const resource of nearby.items)
        lines.push(
          `${t(`resources.kind.${resource.kind}`)} ${resource.name} · ${t('resources.km', { n: (resource.distanceKm ?? 0).toFixed(1) })} · ${resource.contact.phone}`,
        );
    }
  }
  return { title: point.name, lines };
}
