import type { CountyClient } from './client.ts';

const COLOURS = ['red', 'orange', 'yellow', 'blue', 'ungraded'] as const;
const STATUSES = ['draft', 'submitted', 'township_approved', 'filed'] as const;

export interface RecountReport {
  nodes: number;
  points: number;
  units: number;
  hazards: number;
  inspections: number;
  mismatches: string[];
}

/**
 * Counts every risk point, unit and hazard of the county through the API (paged lists) and compares, for every
 * grid node, the counts of its subtree with the counters `/grids/{id}/stats` reads: colour, status, total,
 * units, open and overdue hazards by escalation level. A list that does not answer fails the recount (it
 * throws); the report's counts say how much was compared, so a caller asserts the records it made are among them.
 */
export async function recountAgainstCounters(admin: CountyClient, countyId: string): Promise<RecountReport> {
  // Every list must answer (`all` throws on any status but 200): a list that fails would leave its counters
  // compared with nothing, and the recount would pass having checked nothing.
  const [nodes, points, units, hazards, inspections] = await Promise.all([
    admin.all<{ id: string; path: string }>(`/grids?within=${countyId}`),
    admin.all<{ id: string; gridPath: string; color: string; status: string }>('/risk-points'),
    admin.all<{ id: string; gridPath: string; status: string }>('/units'),
    admin.all<{ gridPath: string; status: string; level: string; overdue: boolean }>('/hazards'),
    admin.all<{ gridPath: string; status: string }>('/inspections'),
  ]);
  const mismatches: string[] = [];
  // The county's own node heads its tree; without it no counter would be compared at all.
  if (!nodes.some((node) => node.id === countyId))
    mismatches.push(`the grid list within ${countyId} does not contain the county itself`);
  const within = (path: string, node: string) => path === node || path.startsWith(`${node}/`);
  for (const node of nodes) {
    const stats = await admin.get(`/grids/${node.id}/stats`);
    if (stats.status !== 200) {
      mismatches.push(`${node.path}: stats answered ${stats.status}`);
      continue;
    }
    const mine = points.filter((p) => within(p.gridPath, node.path));
    const expected: Record<string, number> = {
      total: mine.length,
      // Only units in business are counted (a suspended, closed or deregistered one stays in the register).
      units: units.filter((u) => within(u.gridPath, node.path) && u.status === 'active').length,
    };
    for (const colour of COLOURS) expected[colour] = mine.filter((p) => p.color === colour).length;
    for (const status of STATUSES) expected[status] = mine.filter((p) => p.status === status).length;
    const rp = stats.body.riskPoints;
    const actual: Record<string, number> = { total: rp.total, units: stats.body.units };
    for (const colour of COLOURS) actual[colour] = rp[colour];
    for (const status of STATUSES) actual[status] = rp.byStatus[status];
    const open = hazards.filter((h) => within(h.gridPath, node.path) && h.status !== 'closed');
    const hz = stats.body.hazards;
    expected['hazards.open'] = open.length;
    expected['hazards.overdue'] = open.filter((h) => h.overdue).length;
    actual['hazards.open'] = hz.open;
    actual['hazards.overdue'] = hz.overdue;
    for (const level of ['village', 'township', 'county']) {
      expected[`hazards.${level}`] = open.filter((h) => h.level === level).length;
      actual[`hazards.${level}`] = hz.byLevel[level];
    }
    const inspected = inspections.filter((i) => within(i.gridPath, node.path));
    expected['inspections.done'] = inspected.length;
    expected['inspections.awaitingFollowUp'] = inspected.filter((i) => i.status === 'ordered').length;
    actual['inspections.done'] = stats.body.inspections.done;
    actual['inspections.awaitingFollowUp'] = stats.body.inspections.awaitingFollowUp;
    for (const [name, value] of Object.entries(expected)) {
      if (actual[name] !== value)
        mismatches.push(`${node.path} ${name}: counter ${actual[name]}, recount ${value}`);
    }
  }
  return {
    nodes: nodes.length,
    points: points.length,
    units: units.length,
    hazards: hazards.length,
    inspections: inspections.length,
    mismatches,
  };
}

/**
 * Every point's audit trail: the chain intact, and the events after `baseline` exactly the actions the caller
 * knows it made (one event per state change, none lost, none doubled).
 */
export async function auditMatches(
  admin: CountyClient,
  expected: Map<string, string[]>,
  baseline: Map<string, number> = new Map(),
  concurrency = 8,
): Promise<{ checked: number; events: number; mismatches: string[] }> {
  const mismatches: string[] = [];
  if (expected.size === 0) mismatches.push('no audit trail to compare: the caller knows of no change');
  let events = 0;
  const queue = [...expected.entries()];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [id, actions] = next;
        const audit = await admin.get(`/risk-points/${id}/audit`);
        if (audit.status !== 200) {
          mismatches.push(`${id}: audit answered ${audit.status}`);
          continue;
        }
        const items = audit.body.items as { action: string }[];
        events += items.length;
        const after = items.slice(baseline.get(id) ?? 0).map((e) => e.action);
        if (!audit.body.chain.intact)
          mismatches.push(`${id}: chain broken ${JSON.stringify(audit.body.chain)}`);
        if (audit.body.chain.length !== items.length)
          mismatches.push(`${id}: chain length ${audit.body.chain.length} ≠ ${items.length} events`);
        if (JSON.stringify(after) !== JSON.stringify(actions))
          mismatches.push(`${id}: audit ${JSON.stringify(after)} ≠ made ${JSON.stringify(actions)}`);
      }
    }),
  );
  return { checked: expected.size, events, mismatches };
}

/** The audit trail of every point: chain intact and as long as its event list (for runs that cannot know the actions). */
export async function auditChainsIntact(
  admin: CountyClient,
  ids: string[],
  concurrency = 6,
): Promise<{ checked: number; mismatches: string[] }> {
  const mismatches: string[] = [];
  if (ids.length === 0) mismatches.push('no audit trail to check: the list of points is empty');
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        const audit = await admin.get(`/risk-points/${id}/audit`);
        if (audit.status !== 200) mismatches.push(`${id}: audit answered ${audit.status}`);
        else if (!audit.body.chain.intact || audit.body.chain.length !== audit.body.items.length) {
          mismatches.push(
            `${id}: chain ${JSON.stringify(audit.body.chain)} over ${audit.body.items.length} events`,
          );
        }
      }
    }),
  );
  return { checked: ids.length, mismatches };
}
