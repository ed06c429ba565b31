import { api } from '../api/client.ts';
import type { AuditTrail, GridNode, GridStats } from '../api/types.ts';
import { AuditHistory } from '../components/audit-history.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { FourColourChart } from '../components/four-colour-chart.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatNumber, label, t } from '../i18n/index.ts';
import { loadChildren, loadGrid } from '../ref-data.ts';
import { session } from '../session.ts';

/** One grid node: its counters (four colours, review status, hazards), its children's figures and its history. */
export function GridStatsPage({ id }: { id: string }) {
  const tenant = session.value?.tenant ?? '';
  const node = useAsync(() => loadGrid(id), [id]);
  const stats = useAsync(() => api<GridStats>(`/grids/${encodeURIComponent(id)}/stats`), [id]);
  const audit = useAsync(() => api<AuditTrail>(`/grids/${encodeURIComponent(id)}/audit`), [id]);
  const children = useAsync(async () => {
    const grid = await loadGrid(id);
    if (grid.level === 'village') return [];
    const list = await loadChildren(id);
    return Promise.all(
      list.map(async (child) => ({ child, stats: await api<GridStats>(`/grids/${child.id}/stats`) })),
    );
  }, [id]);
  const error = node.error ?? stats.error;
  if (error) return html`<${ErrorNotice} error=${error} />`;
  if (!node.data || !stats.data) return html`<${Loading} />`;
  const grid: GridNode = node.data;
  const s: GridStats = stats.data;
  return html`<section data-testid="grid-stats">
    <${PageTitle} title=${grid.name}>
      <span class=${`badge level-${grid.level}`}>${label('level', grid.level)}</span>
      <a class="button" href=${`/${tenant}/units?grid=${grid.id}`}>${t('grids.units')}</a>
      <a class="button" href=${`/${tenant}/map?grid=${grid.id}`}>${t('nav.map')}</a>
    </${PageTitle}>
    <div class="cards-row">
      <div class="stat-card"><div class="stat-value" data-testid="stat-units">${formatNumber(s.units)}</div><div class="muted">${t('stats.units')}</div></div>
      <div class="stat-card"><div class="stat-value">${formatNumber(s.riskPoints.total)}</div><div class="muted">${t('stats.riskPoints')}</div></div>
      <div class="stat-card"><div class="stat-value">${formatNumber(s.hazards.open)}</div><div class="muted">${t('stats.hazardsOpen')}</div></div>
      <div class=${`stat-card${s.hazards.overdue > 0 ? ' stat-alert' : ''}`}><div class="stat-value">${formatNumber(s.hazards.overdue)}</div><div class="muted">${t('stats.hazardsOverdue')}</div></div>
    </div>
    <div class="panel">
      <h2>${t('stats.byColour')}</h2>
      <${FourColourChart} stats=${s} />
    </div>
    <div class="panel-grid">
      <div class="panel">
        <h2>${t('stats.byStatus')}</h2>
        <table class="kv">
          <tbody>
            ${(['draft', 'submitted', 'township_approved', 'filed'] as const).map(
              (status) =>
                html`<tr><th>${label('rpStatus', status)}</th><td class="num">${formatNumber(s.riskPoints.byStatus[status])}</td></tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="panel">
        <h2>${t('stats.hazardsByLevel')}</h2>
        <table class="kv">
          <tbody>
            ${(['village', 'township', 'county'] as const).map(
              (level) =>
                html`<tr><th>${label('escalation', level)}</th><td class="num">${formatNumber(s.hazards.byLevel[level])}</td></tr>`,
            )}
            <tr><th>${t('stats.hazardsClosed')}</th><td class="num">${formatNumber(s.hazards.closed)}</td></tr>
          </tbody>
        </table>
      </div>
    </div>
    ${
      children.data && children.data.length > 0
        ? html`<div class="panel">
            <h2>${t('stats.children')}</h2>
            <table class="table responsive">
              <thead>
                <tr>
                  <th>${t('grids.name')}</th><th class="num">${t('stats.units')}</th><th class="num">${t('colour.red')}</th>
                  <th class="num">${t('colour.orange')}</th><th class="num">${t('colour.yellow')}</th><th class="num">${t('colour.blue')}</th>
                  <th class="num">${t('colour.ungraded')}</th><th class="num">${t('stats.hazardsOpen')}</th>
                </tr>
              </thead>
              <tbody>
                ${children.data.map(
                  ({ child, stats: cs }) => html`<tr>
                    <td data-label=${t('grids.name')}><a href=${`/${tenant}/grids/${child.id}`}>${child.name}</a></td>
                    <td class="num" data-label=${t('stats.units')}>${formatNumber(cs.units)}</td>
                    <td class="num" data-label=${t('colour.red')}>${formatNumber(cs.riskPoints.red)}</td>
                    <td class="num" data-label=${t('colour.orange')}>${formatNumber(cs.riskPoints.orange)}</td>
                    <td class="num" data-label=${t('colour.yellow')}>${formatNumber(cs.riskPoints.yellow)}</td>
                    <td class="num" data-label=${t('colour.blue')}>${formatNumber(cs.riskPoints.blue)}</td>
                    <td class="num" data-label=${t('colour.ungraded')}>${formatNumber(cs.riskPoints.ungraded)}</td>
                    <td class="num" data-label=${t('stats.hazardsOpen')}>${formatNumber(cs.hazards.open)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : null
    }
    ${audit.data ? html`<div class="panel"><${AuditHistory} trail=${audit.data} /></div>` : null}
  </section>`;
}
