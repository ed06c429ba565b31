import { useEffect, useRef, useState } from 'preact/hooks';
import { listAll } from '../api/client.ts';
import type { Unit } from '../api/types.ts';
import { COLOUR_HEX, RISK_COLOURS } from '../colours.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatNumber, t } from '../i18n/index.ts';
import { tileConfig } from '../map/tile-config.ts';
import { searchParams } from '../router.ts';
import { scopeIds, session } from '../session.ts';

/** Most markers drawn at once; beyond that the list pages (and later clustering) take over. */
const MAX_MARKERS = 2000;

/** "One map": every unit (and, once the API has them, every risk point in its colour) in the person's area. */
export function MapPage() {
  const current = session.value!;
  const grid = searchParams.value.get('grid') ?? '';
  const department = current.user.role === 'department_officer' && !grid ? (scopeIds(current.user, 'dept')[0] ?? '') : '';
  const units = useAsync(
    () => listAll<Unit>('/units', { ...(grid ? { grid } : {}), ...(department ? { department } : {}) }, MAX_MARKERS),
    [grid, department],
  );
  const container = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<number | undefined>();
  const [mapError, setMapError] = useState<unknown>();
  useEffect(() => {
    if (!units.data || !container.current) return;
    let destroy: (() => void) | undefined;
    let live = true;
    // Leaflet is loaded only when a map is shown, keeping it out of the phone's first download.
    import('../map/map-view.ts')
      .then(({ mountMap }) => {
        if (!live || !container.current || !units.data) return;
        const mounted = mountMap(container.current, units.data, { tenant: current.tenant, labels: { openRecord: t('map.openRecord') } });
        destroy = mounted.destroy;
        setDrawn(mounted.markerCount);
      })
      .catch(setMapError);
    return () => {
      live = false;
      destroy?.();
    };
  }, [units.data, current.tenant]);
  const total = units.data?.length ?? 0;
  const withoutPosition = total - (drawn ?? total);
  return html`<section class="map-page">
    <${PageTitle} title=${t('map.title')} />
    ${units.error ? html`<${ErrorNotice} error=${units.error} onRetry=${units.reload} />` : null}
    ${mapError ? html`<${ErrorNotice} error=${mapError} />` : null}
    ${units.loading && !units.data ? html`<${Loading} />` : null}
    <div class="map-legend" data-testid="map-legend">
      ${RISK_COLOURS.map(
        (colour) => html`<span><span class="swatch" style=${{ background: COLOUR_HEX[colour] }}></span>${t(`colour.${colour}`)}</span>`,
      )}
      <span class="muted small">${tileConfig().urls.length === 0 ? t('map.noTiles') : ''}</span>
    </div>
    <div ref=${container} class="map" data-testid="map" data-markers=${drawn}></div>
    <p class="muted small">
      ${drawn !== undefined ? t('map.summary', { shown: formatNumber(drawn), total: formatNumber(total) }) : ''}
      ${drawn !== undefined && withoutPosition > 0 ? ` ${t('map.withoutPosition', { n: formatNumber(withoutPosition) })}` : ''}
    </p>
  </section>`;
}
