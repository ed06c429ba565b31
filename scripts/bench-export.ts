import { createApp } from '@gridsafe/api';
import { countyClient, exportUnitRegister, loadText } from './bench/county-client.ts';
import { BENCH_TABLE, startCountyServices } from './bench/county-services.ts';
import { BENCH_ADMIN, BENCH_PASSWORD, seedSyntheticCounty } from './bench/seed-synthetic.ts';
import { countyShape } from './bench/shape.ts';

/**
 * The export job at a county's size: a synthetic county of `--scale` of Nanjing (320,000 units at 1) seeded by the
 * benchmark's bulk writer, then its whole unit register exported through the API as .xlsx and as CSV
 * (`POST /exports`, `GET /exports/{id}` until done, the file fetched from its link), the job running in the app's
 * process as it does locally. bench:import's `--export` does the same after an import, whose search postings (about an
 * hour at 320,000 rows here) keep DynamoDB Local busy meanwhile; this one starts from a county already written.
 * Each county has one risk point per unit here (the register exported is the units'), which halves the seed.
 *
 *   node scripts/run.mjs scripts/bench-export.ts [--scale 1]
 */
const scaleArg = process.argv.indexOf('--scale');
const SCALE = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
const TENANT = 'benchexport';

const { deps, stop } = await startCountyServices({ tenant: TENANT, heap: '6g' });
try {
  const full = countyShape(SCALE);
  const shape = { ...full, riskPoints: full.units };
  const seedStarted = performance.now();
  let lastLog = 0;
  await seedSyntheticCounty(
    { client: deps.documentClient, tableName: BENCH_TABLE, identity: deps.identity },
    TENANT,
    shape,
    8,
    (message) => {
      if (performance.now() - lastLog < 30_000) return;
      lastLog = performance.now();
      console.log(`${message}   load ${loadText()}`);
    },
    'bulk',
  );
  console.log(
    `seeded ${shape.units} units and ${shape.riskPoints} risk points in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s   load ${loadText()}`,
  );

  const api = await countyClient(createApp(deps), TENANT, {
    username: BENCH_ADMIN,
    password: BENCH_PASSWORD,
  });
  for (const format of ['xlsx', 'csv'] as const) {
    const exported = await exportUnitRegister(api, format);
    if (exported.status !== 'done' || exported.rows !== shape.units || exported.bytes === 0)
      process.exitCode = 1;
  }
} finally {
  await stop();
}
