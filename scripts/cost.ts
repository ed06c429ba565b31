import { parseArgs } from 'node:util';
import { loadCellsConfig } from '../infra/src/cells-config.ts';
import { countyCost, formatCountyCost, IDLE, TAIHE } from '../infra/src/cost-model.ts';
import { loadPrices, synthesizeForCost } from '../infra/src/cost-templates.ts';

/**
 * `npm run cost [-- --cell <id>] [--county <id>] [--region <prices region>] [--cell-counties <n>]
 *  [--requests <n>] [--photos <n>] [--users <n>]`
 *
 * Synthesizes the cell (default: the platform cell of infra/config/cells.json) and prices one county's stack with
 * the cell's shared stack (infra/src/cost-model.ts) at the list prices of infra/config/prices.json: a Taihe-sized
 * county line by line (or the load given), then an idle county. Ends with `county total: US$<n> per month` and
 * `idle county: US$<n> per month`. The cell's fixed costs and its user pool's free tier are shared by
 * `--cell-counties` counties (default 100), and it names the largest line when a total breaks issue 14's budgets
 * (US$3 and US$0.10).
 */
const { values } = parseArgs({
  options: {
    cell: { type: 'string' },
    county: { type: 'string' },
    region: { type: 'string' },
    'cell-counties': { type: 'string', default: '100' },
    requests: { type: 'string' },
    photos: { type: 'string' },
    users: { type: 'string' },
  },
});
const config = loadCellsConfig();
const cellId = values.cell ?? config.platformCell;
const cell = config.cells.find((candidate) => candidate.id === cellId);
const prices = loadPrices();
// The cell's own region when it is priced; a China cell without its own prices takes Beijing's.
const region =
  values.region ??
  (cell?.region && prices.regions[cell.region]
    ? cell.region
    : cell?.region?.startsWith('cn-')
      ? 'cn-north-1'
      : 'us-east-1');
const { shared, county, countyId } = synthesizeForCost(config, cellId, values.county);
const cellCounties = Number(values['cell-counties']);
const load = {
  ...TAIHE,
  ...(values.requests ? { requestsPerMonth: Number(values.requests), name: 'county' } : {}),
  ...(values.photos ? { photosPerMonth: Number(values.photos), name: 'county' } : {}),
  ...(values.users ? { monthlyActiveUsers: Number(values.users), name: 'county' } : {}),
};
const busy = countyCost({ county, shared, region, prices, profile: load, cellCounties });
const idle = countyCost({ county, shared, region, prices, profile: IDLE, cellCounties });

console.log(
  `Priced from the synthesized templates of cell ${cellId} (county stack Gridsafe-Tenant-${countyId} and ` +
    `Gridsafe-Shared), list prices of ${region} recorded ${prices.date}` +
    (prices.regions[region]?.currency === 'CNY' ? ` in CNY at ¥${prices.cnyPerUsd} per US$` : '') +
    `, a cell of ${cellCounties} such counties.\n`,
);
console.log(formatCountyCost(busy));
console.log('');
console.log(formatCountyCost(idle));
console.log('');
console.log(`county total: US$${busy.total.toFixed(2)} per month`);
console.log(`idle county: US$${idle.total.toFixed(3)} per month`);
if (busy.total >= 3 || idle.total >= 0.1) {
  const largest = [...busy.lines].sort((a, b) => b.usd - a.usd)[0]!;
  console.log(
    `Over issue 14's budgets (US$3 and US$0.10); the largest line is ${largest.item} (US$${largest.usd.toFixed(2)}). ` +
      'See docs/deploy.md, "Cost model", for what brings it under.',
  );
}
