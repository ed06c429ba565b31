import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDocumentClient, TenantRegistry } from '@gridsafe/db';
import { DEFAULT_CELLS_FILE } from '../infra/src/cells-config.ts';
import { generateCells, type Partition, type RawCells } from '../infra/src/cells-from-registry.ts';
import { formatJson } from './onboard.ts';

/**
 * `npm run cells -- [--check | --write] [--partition aws|aws-cn] [--table gridsafe] [--region <r> | --endpoint <url>]
 *  [--cells-file <path>]`
 *
 * Generates the county lists of infra/config/cells.json from the tenant registry (infra/src/cells-from-registry.ts),
 * reading the registry items `P#TENANT` of the partition's platform table (credentials that may Query it: the
 * vendor's, never a county's). Prints what would change; `--write` writes the file (commit it: the next wave deploys
 * from it), `--check` exits 1 when the file has drifted from the registry (a gate before a deploy wave).
 * `--endpoint` reads the local stack's DynamoDB Local.
 */
const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    partition: { type: 'string', default: 'aws' },
    table: { type: 'string', default: 'gridsafe' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    'cells-file': { type: 'string', default: DEFAULT_CELLS_FILE },
  },
});
if (values.partition !== 'aws' && values.partition !== 'aws-cn') {
  console.error('--partition is aws or aws-cn');
  process.exit(2);
}
const file = values['cells-file']!;
const registry = new TenantRegistry(
  createDocumentClient({
    ...(values.region ? { region: values.region } : {}),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
    requestTimeoutMs: 10_000,
  }),
  values.table!,
);
const records = await registry.list();
const base = JSON.parse(readFileSync(file, 'utf8')) as RawCells;
const generated = generateCells(
  base,
  records.map(({ id, name, cell, status }) => ({ id, name, cell, status })),
  values.partition as Partition,
);
for (const line of generated.added) console.log(`+ ${line}`);
for (const line of generated.removed) console.log(`- ${line}`);
const text = `${formatJson(generated.cells)}\n`;
const drifted = text !== readFileSync(file, 'utf8');
if (!drifted) console.log(`${file} matches the registry (${records.length} counties).`);
else if (values.write) {
  writeFileSync(file, text);
  console.log(`Wrote ${file}: commit it.`);
} else console.log(`${file} differs from the registry; --write writes it.`);
if (values.check && drifted) process.exitCode = 1;
