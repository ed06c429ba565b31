import type { GridStats } from '../api/types.ts';
import { COLOUR_HEX, RISK_COLOURS } from '../colours.ts';
import { html } from '../html.ts';
import { formatNumber, formatPercent, t } from '../i18n/index.ts';

const RADIUS = 60;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/**
 * Risk points by colour as a donut and as bars, drawn in SVG from the grid's counters (no chart library).
 * The legend carries the numbers, so the chart is never the only way to read them.
 */
export function FourColourChart({ stats }: { stats: GridStats }) {
  const total = stats.riskPoints.total;
  const parts = RISK_COLOURS.map((colour) => ({ colour, count: stats.riskPoints[colour] }));
  const max = Math.max(1, ...parts.map((part) => part.count));
  let offset = 0;
  const arcs = parts
    .filter((part) => part.count > 0)
    .map((part) => {
      const length = (part.count / total) * CIRCUMFERENCE;
      const arc = html`<circle
        cx="80"
        cy="80"
        r=${RADIUS}
        fill="none"
        stroke=${COLOUR_HEX[part.colour]}
        stroke-width="28"
        stroke-dasharray=${`${length} ${CIRCUMFERENCE - length}`}
        stroke-dashoffset=${-offset}
        transform="rotate(-90 80 80)"
        data-colour=${part.colour}
      />`;
      offset += length;
      return arc;
    });
  return html`<div class="four-colour">
    <svg class="donut" viewBox="0 0 160 160" role="img" aria-label=${t('stats.donutLabel', { total })}>
      <circle cx="80" cy="80" r=${RADIUS} fill="none" stroke="#e9ecef" stroke-width="28" />
      ${arcs}
      <text x="80" y="78" text-anchor="middle" class="donut-total">${formatNumber(total)}</text>
      <text x="80" y="98" text-anchor="middle" class="donut-caption">${t('stats.riskPoints')}</text>
    </svg>
    <svg class="bars" viewBox="0 0 320 170" role="img" aria-label=${t('stats.barsLabel')}>
      ${parts.map(
        (part, i) => html`<g transform=${`translate(0 ${i * 34})`} data-colour=${part.colour}>
          <text x="0" y="20" class="bar-label">${t(`colour.${part.colour}`)}</text>
          <rect x="70" y="6" width="200" height="20" rx="3" fill="#f1f3f5" />
          <rect x="70" y="6" width=${(part.count / max) * 200} height="20" rx="3" fill=${COLOUR_HEX[part.colour]} />
          <text x="278" y="21" class="bar-value">${formatNumber(part.count)}</text>
        </g>`,
      )}
    </svg>
    <table class="legend">
      <tbody>
        ${parts.map(
          (part) => html`<tr>
            <td><span class="swatch" style=${{ background: COLOUR_HEX[part.colour] }}></span>${t(`colour.${part.colour}`)}</td>
            <td class="num" data-testid=${`count-${part.colour}`}>${formatNumber(part.count)}</td>
            <td class="num muted">${formatPercent(part.count, total)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${total === 0 ? html`<p class="muted">${t('stats.noRiskPoints')}</p>` : null}
  </div>`;
}
