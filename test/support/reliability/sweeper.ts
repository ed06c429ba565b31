import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AdjustableClock } from '@gridsafe/core';
import { runEscalationSweep, SettingsRepository, TenantStore, type TransactItem } from '@gridsafe/db';
import type { CountyClient } from './client.ts';
import { recountAgainstCounters } from './consistency.ts';
import { type Seeded, TABLE } from './stack.ts';

const DAY = 86_400_000;

export class ProcessKilledError extends Error {}

/** A store that dies like a killed process: after `afterCommits` committed transactions nothing more reaches the table. */
export class DyingStore extends TenantStore {
  commits = 0;
  dead = false;
  constructor(
    client: DynamoDBDocumentClient,
    tenant: string,
    private readonly afterCommits: number,
  ) {
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

export async function sweep(store: TenantStore, clock: AdjustableClock) {
  const { settings } = await new SettingsRepository(store).get();
  return runEscalationSweep({ store, clock, settings });
}

async function escalationsOf(admin: CountyClient, id: string): Promise<{ steps: string[]; intact: boolean }> {
  const audit = await admin.get(`/hazards/${id}/audit`);
  if (audit.status !== 200)
    throw new Error(`the audit of hazard ${id} answered ${audit.status}: ${audit.text}`);
  const steps = (audit.body.items as { action: string; details?: { from?: string; to?: string } }[])
    .filter((e) => e.action === 'escalated')
    .map((e) => `${e.details?.from}→${e.details?.to}`);
  return { steps, intact: audit.body.chain.intact === true };
}

export interface SweeperReport {
  hazards: number;
  killedAfterCommits: number;
  runs: Record<string, unknown>;
  /** Hazards whose escalation steps are not exactly the expected ones, or whose chain is broken. */
  wrong: string[];
  /** Any hazard of the county (the seed's included) with a step twice. */
  doubled: string[];
  recountMismatches: string[];
  /** How many hazards the recount compared with the counters: this scenario's at least. */
  recountedHazards: number;
}

/**
 * `count` general hazards pass their deadline; a sweep is killed right after its `dieAfter`-th commit and run
 * again, then run a third time (nothing left); a week later two sweeps overlap. Each hazard must be raised
 * exactly once per step, and the counters must still equal a recount.
 */
export async function sweeperScenario(options: {
  client: DynamoDBDocumentClient;
  county: Seeded;
  admin: CountyClient;
  filer: CountyClient;
  clock: AdjustableClock;
  count: number;
  dieAfter: number;
}): Promise<SweeperReport> {
  const { client, county, admin, clock } = options;
  const fresh = () => new TenantStore(client, TABLE, county.tenant);
  // The demo seed's own due hazards are swept first, so only this scenario's clock moves matter.
  await sweep(fresh(), clock);
  const ours: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const created = await options.filer.post('/hazards', {
      unitId: county.unit(1 + (i % 2)),
      severity: 'general',
      title: `消防通道堵塞 ${i}`,
    });
    if (created.status !== 201) throw new Error(`hazard create: ${created.status} ${created.text}`);
    ours.push(created.body.id);
  }
  const wrong: string[] = [];
  const check = async (expected: string[]) => {
    for (const id of ours) {
      const { steps, intact } = await escalationsOf(admin, id);
      if (!intact || JSON.stringify(steps) !== JSON.stringify(expected))
        wrong.push(`${id}: ${steps.join(', ')}${intact ? '' : ' (chain broken)'}`);
    }
  };

  // Past a general hazard's 30 working days, whatever holidays lie between.
  clock.advance(60 * DAY);
  const dying = new DyingStore(client, county.tenant, options.dieAfter);
  const killed = await sweep(dying, clock).catch((error: unknown) => String(error));
  const rerun = await sweep(fresh(), clock);
  const third = await sweep(fresh(), clock);
  await check(['village→township']);

  // Past the 7 working days of grace at the township.
  clock.advance(20 * DAY);
  const overlapping = await Promise.all([sweep(fresh(), clock), sweep(fresh(), clock)]);
  await check(['village→township', 'township→county']);

  const doubled: string[] = [];
  const register = await admin.all<{ id: string }>('/hazards');
  // The register must list this scenario's hazards, or the check below would look at none of them.
  const listed = new Set(register.map((hazard) => hazard.id));
  for (const id of ours) if (!listed.has(id)) wrong.push(`${id}: missing from the hazard register`);
  for (const hazard of register) {
    const { steps } = await escalationsOf(admin, hazard.id);
    if (new Set(steps).size !== steps.length) doubled.push(`${hazard.id}: ${steps.join(', ')}`);
  }
  const recount = await recountAgainstCounters(admin, county.county);
  return {
    hazards: ours.length,
    killedAfterCommits: dying.commits,
    runs: { killed, rerun, third, overlapping },
    wrong,
    doubled,
    recountMismatches: recount.mismatches,
    recountedHazards: recount.hazards,
  };
}
