import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PROVIDER_ID } from '@gridsafe/core';
import {
  backfillExchangeIndex,
  backfillMapIndex,
  backfillSearchIndex,
  backfillStatisticsLedger,
  createDocumentClient,
  HazardRepository,
  MapSnapshot,
  migrateCountyToPersonIds,
  migrateSupervisedToRegister,
  migrateUnitsToLifecycle,
  rateCounty,
  TenantRegistry,
  TenantStore,
} from '@gridsafe/db';
import { LOCAL_PROVIDER_ID, localStackConfig } from './local/config.ts';

/**
 * `npm run migrate`: brings counties written before person ids to the current shape (docs/runbook.md,
 * "Migrating to person ids"): subject links for every person from their stored `sub`, and notification read
 * marks copied from the `sub` to the person id; and the statistics ledger built from the records of a county that
 * has none yet (docs/decisions.md, "Statistics at the end of a period"); the search index of every unit, risk
 * point and hazard (docs/decisions.md, "Search"); and units stored before the unit lifecycle marked active
 * (docs/decisions.md, "A unit's lifecycle"); and hazards listed for supervision before the 挂牌督办
 * register joined it (docs/decisions.md, "挂牌督办 and the phones' queued writes"); and every unit's credit rating
 * (docs/decisions.md, "Unit credit ratings"), written only where it is missing or changed; and the map's narrow index
 * keys on every located unit, risk point and credit rating, and then the map's snapshot of every node those writes
 * left stale (docs/decisions.md, "The map at a county's size"). Safe
 * to run again; run it before deploying the new county API.
 *
 *   npm run migrate                                  the running local stack's counties (npm start)
 *   npm run migrate -- --table <name> --region <r> --provider cognito [--tenant <id>]   a cell in AWS
 */
const USAGE = `Usage:
  npm run migrate [-- --tenant <id>]
  npm run migrate -- --table <table> --region <region> [--provider <id>] [--tenant <id>]
    --provider  the id of the cell's password provider in AUTH_PROVIDERS (default: ${DEFAULT_PROVIDER_ID})`;

const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    region: { type: 'string' },
    provider: { type: 'string' },
    tenant: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const local = values.table === undefined;
const config = localStackConfig(fileURLToPath(new URL('..', import.meta.url)));
const client = createDocumentClient(
  local
    ? { endpoint: `http://${config.host}:${config.dynamoPort}`, region: config.region }
    : { region: values.region },
);
const tableName = values.table ?? config.tableName;
const provider = values.provider ?? (local ? LOCAL_PROVIDER_ID : DEFAULT_PROVIDER_ID);
const tenants = values.tenant
  ? [values.tenant]
  : (await new TenantRegistry(client, tableName).list()).map((tenant) => tenant.id);

for (const tenant of tenants) {
  const store = new TenantStore(client, tableName, tenant);
  const report = await migrateCountyToPersonIds(store, provider, new Date());
  console.log(
    `${tenant}: ${report.people} people, ${report.linked} linked to ${provider}, ${report.readMarks} read marks copied`,
  );
  const ledger = await backfillStatisticsLedger(store, new Date());
  console.log(
    ledger.skipped
      ? `${tenant}: statistics ledger already kept`
      : `${tenant}: statistics ledger built from ${ledger.records} records (${ledger.buckets} buckets)`,
  );
  const lifecycle = await migrateUnitsToLifecycle(store);
  console.log(`${tenant}: ${lifecycle.migrated} of ${lifecycle.units} units marked active (unit lifecycle)`);
  const register = await migrateSupervisedToRegister(store, (level) =>
    new HazardRepository(store).listAtLevel(level),
  );
  console.log(`${tenant}: ${register.listed} hazards listed before the register joined it (挂牌督办)`);
  const search = await backfillSearchIndex(store);
  console.log(
    `${tenant}: search index written for ${search.units} units, ${search.riskPoints} risk points, ${search.hazards} hazards (${search.postings} postings)`,
  );
  const exchange = await backfillExchangeIndex(store);
  console.log(
    `${tenant}: export feed index written for ${exchange.riskPoints} filed risk points and ${exchange.hazards} hazards`,
  );
  const credit = await rateCounty(store, new Date());
  console.log(`${tenant}: credit ratings of ${credit.units} units checked, ${credit.changed} written`);
  // After the ratings: a rating written just now has its map keys already.
  const map = await backfillMapIndex(store);
  console.log(
    `${tenant}: map index written for ${map.units} units, ${map.riskPoints} risk points, ${map.credits} credit ratings`,
  );
  // Last: every write above counted its nodes stale; the map's snapshot is built now, not in an officer's request.
  const snapshot = await new MapSnapshot(store).refreshStale({
    limit: Number.POSITIVE_INFINITY,
    settle: true,
  });
  console.log(`${tenant}: map snapshot built for ${snapshot.rebuilt} of ${snapshot.nodes} grid nodes`);
}
