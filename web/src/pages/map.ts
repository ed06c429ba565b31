import { useEffect, useRef, useState } from 'preact/hooks';
import { listAll } from '../api/client.ts';
import type { RiskPoint, Unit } from '../api/types.ts';
import { COLOUR_HEX, RISK_COLOURS } from '../colours.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { GridSelect, loadGridFilterOptions } from '../components/grid-select.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatNumber, t } from '../i18n/index.ts';
import { tileConfig } from '../map/tile-config.ts';
import { can, defaultDepartment } from '../permissions.ts';
import { navigate, searchParams, withQuery } from '../router.ts';
import { session } from '../session.ts';

/** Most markers of each kind drawn at once; beyond that the lists (and later clustering) take over. */
const MAX_MARKERS = 2000;

/** "One map" (一张图): every risk point in its colour, and the units, in the person's area; by grid and colour. */
export function MapPage() {
  const current = session.value!;
  const grid = searchParams.value.get('grid') ?? '';
  const color = searchParams.value.get('color') ?? '';
  const department = defaultDepartment(grid);
  const scope = { ...(grid ? { grid } : {}), ...(department ? { department } : {}) };
  const grids = useAsync(loadGridFilterOptions, []);
  const data = useAsync(async () => {
    const [units, riskPoints] = await Promise.all([
      // With a colour chosen, only the points of that colour are of interest.
      color ? Promise.resolve([]) : listAll<Unit>('/units', scope, MAX_MARKERS),
      listAll<RiskPoint>('/risk-points', { ...scope, ...(color ? { color } : {}) }, MAX_MARKERS),
    ]);
    return { units, riskPoints };
  }, [grid, department, color]);
  const container = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState<number | undefined>();
  const [mapError, setMapError] = useState<unknown>();
  useEffect(() => {
    if (!data.data || !container.current) return;
    let destroy: (() => void) | undefined;
    let live = true;
    // Leaflet is loaded only when a map is shown, keeping it out of the phone's first download.
    import('../map/map-view.ts')
      .then(({ mountMap }) => {
        if (!live || !container.current || !data.data) return;
        const mounted = mountMap(container.current, data.data, {
          tenant: current.tenant,
          labels: {
            openRecord: t('map.openRecord'),
            colour: (c) => t(`colour.${c}`),
            status: (s) => t(`rpStatus.${s}`),
          },
        });
        destroy = mounted.destroy;
        setDrawn(mounted.markerCount);
      })
      .catch(setMapError);
    return () => {
      live = false;
      destroy?.();
    };
  }, [data.data, current.tenant]);
  const counts = RISK_COLOURS.map((c) => ({
    colour: c,
    n: data.data?.riskPoints.filter((p) => p.color === c).length ?? 0,
  }));
  const unitsWithout = data.data?.units.filter((u) => !u.location).length ?? 0;
  return html`<section class="map-page">
    <${PageTitle} title=${t('map.title')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      ${
        can('grid.read')
          ? html`<div class="field">
              <label for="map-grid">${t('units.grid')}</label>
              <${GridSelect} id="map-grid" name="grid" grids=${grids.data ?? []} value=${grid} emptyLabel=${t('common.all')}
                onChange=${(value: string) => navigate(withQuery({ grid: value }))} />
            </div>`
          : null
      }
      <div class="field">
        <label for="map-color">${t('riskPoint.colour')}</label>
        <select id="map-color" name="color" value=${color} onChange=${(e: Event) => navigate(withQuery({ color: (e.target as HTMLSelectElement).value }))}>
          <option value="">${t('common.all')}</option>
          ${RISK_COLOURS.map((c) => html`<option value=${c}>${t(`colour.${c}`)}</option>`)}
        </select>
      </div>
    </form>
    ${data.error ? html`<${ErrorNotice} error=${data.error} onRetry=${data.reload} />` : null}
    ${mapError ? html`<${ErrorNotice} error=${mapError} />` : null}
    ${data.loading && !data.data ? html`<${Loading} />` : null}
    <div class="map-legend" data-testid="map-legend">
      ${counts.map(
        ({ colour, n }) =>
          html`<span data-colour=${colour}><span class="swatch" style=${{ background: COLOUR_HEX[colour] }}></span>${t(`colour.${colour}`)} ${formatNumber(n)}</span>`,
      )}
      ${!color ? html`<span><span class="swatch swatch-unit"></span>${t('map.units')} ${formatNumber(data.data?.units.length ?? 0)}</span>` : null}
      <span class="muted small">${tileConfig().urls.length === 0 ? t('map.noTiles') : ''}</span>
    </div>
    <div ref=${container} class="map" data-testid="map" data-markers=${drawn}></div>
    ${unitsWithout > 0 ? html`<p class="muted small">${t('map.withoutPosition', { n: formatNumber(unitsWithout) })}</p>` : null}
  </section>`;
}
