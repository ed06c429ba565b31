import { parseArgs } from 'node:util';
import { restoreClient, restoreCounty } from './restore/restore-county.ts';

/**
 * `npm run restore -- --from <restored table> --to <live table> --county <id> [--prune] [--apply]
 *  [--region <region>] [--endpoint <url>]`
 *
 * Puts one county back from a table that AWS Backup or PITR restored (docs/deploy.md, "Restoring one county"), and
 * touches no other county. Without --apply it only counts. --prune also deletes the county's items written after
 * the backup. --endpoint points at DynamoDB Local for a rehearsal.
 */
const { values } = parseArgs({
  options: {
    from: { type: 'string' },
    to: { type: 'string', default: 'gridsafe' },
    county: { type: 'string' },
    prune: { type: 'boolean', default: false },
    apply: { type: 'boolean', default: false },
    region: { type: 'string' },
    endpoint: { type: 'string' },
  },
});
if (!values.from || !values.county) {
  console.error(
    'Usage: npm run restore -- --from <restored table> --to <live table> --county <id> [--prune] [--apply]',
  );
  process.exit(2);
}
const client = restoreClient({
  ...(values.region ? { region: values.region } : {}),
  ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  requestTimeoutMs: 10_000,
});
const plan = await restoreCounty({
  client,
  from: values.from,
  to: values.to!,
  county: values.county,
  apply: values.apply!,
  prune: values.prune!,
  log: (line) => console.log(line),
});
if (!plan.applied) console.log('Nothing written: run again with --apply to restore.');
