import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '@gridsafe/db';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { restoreClient, restoreCounty } from '../../scripts/restore/restore-county.ts';

/**
 * The restore rehearsal (issue 14): a table restored from a backup holds every county as it was; putting one county
 * back into the live table restores its items, removes what it wrote since, and leaves every other county and the
 * control plane's items exactly as they are now.
 */
const client = restoreClient({ endpoint: inject('services').dynamoEndpoint });
const run = Date.now().toString(36);
const live = `restore-live-${run}`;
const backup = `restore-backup-${run}`;

const put = (table: string, pk: string, sk: string, value: string) =>
  client.send(new PutCommand({ TableName: table, Item: { pk, sk, value } }));
const read = async (table: string, pk: string, sk: string) =>
  (await client.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item?.value;

beforeAll(async () => {
  await ensureTable(client, live);
  await ensureTable(client, backup);
  // The day of the backup: both counties and a registry item, in both tables.
  for (const table of [live, backup]) {
    await put(table, 'T#rsa#HZ', 'h1', 'hazard as it was');
    await put(table, 'T#rsa#UNIT', 'u1', 'unit as it was');
    await put(table, 'T#rsab#HZ', 'h1', 'the other county, then');
    await put(table, 'P#TENANT', 'rsa', 'registry, then');
  }
  // Since then: county rsa damaged (an item overwritten, one added after the backup), the county
  // whose id extends rsa's changed too, and the registry moved on.
  await put(live, 'T#rsa#HZ', 'h1', 'overwritten by mistake');
  await put(live, 'T#rsa#UNIT', 'u2', 'written after the backup');
  await put(live, 'T#rsab#HZ', 'h1', 'the other county, now');
  await put(live, 'P#TENANT', 'rsa', 'registry, now');
});

describe('restoring one county from a restored copy of the table (npm run restore)', () => {
  it('only counts without --apply, and writes nothing', async () => {
    const plan = await restoreCounty({
      client,
      from: backup,
      to: live,
      county: 'rsa',
      apply: false,
      prune: true,
    });
    expect(plan).toEqual({ county: 'rsa', fromBackup: 2, onlyLive: 1, applied: false });
    expect(await read(live, 'T#rsa#HZ', 'h1')).toBe('overwritten by mistake');
  });

  it("puts the county's items back, removes what it wrote since, and leaves the others as they are now", async () => {
    const plan = await restoreCounty({
      client,
      from: backup,
      to: live,
      county: 'rsa',
      apply: true,
      prune: true,
    });
    expect(plan.applied).toBe(true);
    expect(await read(live, 'T#rsa#HZ', 'h1')).toBe('hazard as it was');
    expect(await read(live, 'T#rsa#UNIT', 'u1')).toBe('unit as it was');
    expect(await read(live, 'T#rsa#UNIT', 'u2')).toBeUndefined();
    // rsab's id starts with rsa's: the prefix ends in its delimiter, so it is not restored.
    expect(await read(live, 'T#rsab#HZ', 'h1')).toBe('the other county, now');
    expect(await read(live, 'P#TENANT', 'rsa')).toBe('registry, now');
  });

  it('refuses a table restored onto itself and a malformed county id', async () => {
    await expect(
      restoreCounty({ client, from: live, to: live, county: 'rsa', apply: true, prune: false }),
    ).rejects.toThrow('same table');
    await expect(
      restoreCounty({ client, from: backup, to: live, county: 'rs*', apply: true, prune: false }),
    ).rejects.toThrow('not a county id');
  });
});
