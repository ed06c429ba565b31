import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AdjustableClock } from '@gridsafe/core';
import { runEscalationSweep, SettingsRepository, TenantStore, type TransactItem } from '@gridsafe/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueTenant } from '../../support/harness.ts';
import { type CountyClient, countyClient } from '../../support/reliability/client.ts';
import { recountAgainstCounters } from '../../support/reliability/consistency.ts';
import { injectedServices } from '../../support/reliability/services.ts';
import { buildApi, type ReliabilityApi, type Seeded, TABLE } from '../../support/reliability/stack.ts';

/**
 * The escalation sweeper killed mid-run and run again: every hazard it raised before dying stays raised once,
 * every one it had not reached is raised by the next run, and none is raised twice. Two sweeps overlapping
 * (a slow run and the next scheduled one) raise each hazard once too.
 */
const DAY = 86_400_000;
const clock = new AdjustableClock();
let api: ReliabilityApi;
let county: Seeded;
let admin: CountyClient;
let member: CountyClient;
const ours: string[] = [];

class ProcessKilledError extends Error {}

/** A store that dies like a killed process: after `afterCommits` committed transactions nothing more reaches the table. */
class DyingStore extends TenantStore {
  commits = 0;
  dead = false;
  constructor(client: DynamoDBDocumentClient, tenant: string, private readonly afterCommits: number) {
    super(client, TABLE, tenant);
  }
  override async transact(items: TransactItem[], what?: string): Promise<void> {
    if (this.dead) throw new ProcessKilledError('the process is gone');
    await super.transact(items, what);
    this.commits += 1;
    // Killed right after the commit, before the sweep heard back: the worst moment for "exactly once".
    if (this.commits >= this.afterCommits) {
      this.dead = true;
      throw new ProcessKilledError('killed after a commit');
    }
  }
  override async get(pk: string, sk: string, consistent?: boolean) {
    if (this.dead) throw new ProcessKilledError('the process is gone');
    return super.get(pk, sk, consistent);
  }
  override async queryPage(...args: Parameters<TenantStore['queryPage']>) {
    if (this.dead) throw new ProcessKilledError('the process is gone');
    return super.queryPage(...args);
  }
}

async function sweep(store: TenantStore) {
  const { settings } = await new SettingsRepository(store).get();
  return runEscalationSweep({ store, clock, settings });
}

const escalationsOf = async (id: string) => {
  const audit = await admin.get(`/hazards/${id}/audit`);
  expect(audit.body.chain.intact).toBe(true);
  return (audit.body.items as { action: string; details?: { from?: string; to?: string } }[])
    .filter((e) => e.action === 'escalated')
    .map((e) => `${e.details?.from}→${e.details?.to}`);
};

beforeAll(async () => {
  const tenant = uniqueTenant('sw');
  api = buildApi(injectedServices(), { tenants: [tenant], clock });
  county = await api.seed(tenant, 'linquan');
  admin = countyClient(api.app, tenant, await api.login(tenant, 'county.admin'));
  member = countyClient(api.app, tenant, await api.login(tenant, 'grid.member'));
  // The demo seed's own due hazards are swept first, so the runs below see only this file's hazards move.
  await sweep(new TenantStore(api.deps.documentClient, TABLE, tenant));
  for (let i = 0; i < 12; i++) {
    const created = await member.post('/hazards', { unitId: county.unit(1 + (i % 2)), severity: 'general', title: `消防通道堵塞 ${i}` });
    expect(created.status).toBe(201);
    ours.push(created.body.id);
  }
}, 120_000);

describe('the escalation sweeper', () => {
  it('raises each hazard exactly once when a run is killed after its fifth commit and the next run finishes', async () => {
    clock.advance(31 * DAY);
    const dying = new DyingStore(api.deps.documentClient, county.tenant, 5);
    const first = await sweep(dying).catch((error: unknown) => error);
    expect(dying.commits).toBe(5);
    const second = await sweep(new TenantStore(api.deps.documentClient, TABLE, county.tenant));
    const third = await sweep(new TenantStore(api.deps.documentClient, TABLE, county.tenant));
    console.info(`sweeper: killed run ${JSON.stringify(first)}; re-run ${JSON.stringify(second)}; third ${JSON.stringify(third)}`);
    expect(second.escalated).toBe(ours.length - 5);
    expect(third.escalated).toBe(0);
    for (const id of ours) expect(await escalationsOf(id)).toEqual(['village→township']);
    const recount = await recountAgainstCounters(admin, county.county);
    expect(recount.mismatches).toEqual([]);
  });

  it('raises each hazard exactly once more when two sweeps overlap', async () => {
    clock.advance(8 * DAY);
    const [a, b] = await Promise.all([
      sweep(new TenantStore(api.deps.documentClient, TABLE, county.tenant)),
      sweep(new TenantStore(api.deps.documentClient, TABLE, county.tenant)),
    ]);
    expect(a.escalated + b.escalated).toBeGreaterThanOrEqual(ours.length);
    expect(a.failed + b.failed).toBe(0);
    for (const id of ours) expect(await escalationsOf(id)).toEqual(['village→township', 'township→county']);
    const recount = await recountAgainstCounters(admin, county.county);
    expect(recount.mismatches).toEqual([]);
  });
});
