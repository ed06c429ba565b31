import { alertScopeTarget, inScope, type Role } from '@gridsafe/core';
import { signedHeaders } from '@gridsafe/core/signed-message';
import { expect } from 'vitest';
import type { Entry, PublicEntry, Reuse } from './matrix-rules.ts';
import { createdWitness, listQuery, recordWitness, unitOf } from './matrix-table-county.ts';
import type { Case, Client, MatrixWorld } from './matrix-world.ts';

/**
 * The permission matrix's rows for monitoring alerts: read by `alert.read` in the unit's area, turned into a
 * hazard by `alert.handle` (and `hazard.report` at the unit, which every handling role holds), sources managed by
 * the county admin alone. The intake answers what was signed, never who holds a token.
 */

let serial = 0;

/** A source of the case's county, registered by its admin (its secret kept for signing). */
async function sourceOf(w: MatrixWorld, c: Case, reuse: Reuse, owner = '') {
  const reader = w.readerFor(c);
  return reuse(`alert-source:${c === 'foreign' ? 'there' : 'here'}${owner}`, async () => {
    const made = await reader.post('/alert-sources', { name: `矩阵监测${serial++}` });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as { id: string; secret: string };
  });
}

/** An open alert at the case's unit, sent in signed by a source of the unit's county. */
async function alertOf(w: MatrixWorld, role: Role, c: Case, reuse: Reuse) {
  const unit = await unitOf(w, role, c, reuse);
  const source = await sourceOf(w, c, reuse);
  return reuse(`alert:${unit.id}`, async () => {
    const tenant = c === 'foreign' ? w.there.tenant : w.here.tenant;
    const raw = JSON.stringify({
      sourceId: source.id,
      eventId: `matrix-${Date.now()}-${serial++}`,
      unitId: unit.id,
      kind: 'gas_concentration',
      level: 'orange',
      message: '矩阵告警',
      observedAt: new Date().toISOString(),
    });
    const sent = await w.api.app.request(`/t/${tenant}/api/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(source.secret, raw) },
      body: raw,
    });
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    const read = await w.readerFor(c).get(`/alerts/${id}`);
    expect(read.status).toBe(200);
    return read.body as {
      id: string;
      gridPath: string;
      departmentId?: string;
      unitId?: string;
      status: string;
    };
  });
}

/** One source as its county's admin lists it (its version moves with each rotation). */
const sourceWitness = (reader: Client, id: string) => async () =>
  ((await reader.get('/alert-sources')).body.items as { id: string }[]).find((item) => item.id === id);

export const ALERT_PUBLIC_TABLE: Record<string, PublicEntry> = {
  // Signed with a secret of no source: the answer is about the signature, never the caller's token.
  'POST /alerts': {
    public: true,
    success: 401,
    call: () => {
      const raw = JSON.stringify({
        sourceId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        eventId: 'matrix-unsigned',
        kind: 'gas_concentration',
        level: 'red',
        message: '矩阵',
        observedAt: new Date().toISOString(),
      });
      return {
        path: '/alerts',
        rawBody: raw,
        headers: { 'content-type': 'application/json', ...signedHeaders('gss_matrix-not-a-source', raw) },
      };
    },
  },
};

export const ALERT_TABLE: Record<string, Entry> = {
  'GET /alerts': {
    may: 'alert.read',
    success: 200,
    call: async (w, role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      return { ...query, path: `/alerts${query.path}` };
    },
  },
  'GET /map/points · alerts': {
    may: 'alert.read',
    success: 200,
    call: async (w, role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      const separator = query.path ? '&' : '?';
      return { ...query, path: `/map/points${query.path}${separator}kind=alert` };
    },
  },
  'GET /alerts/{id}': {
    may: 'alert.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const alert = await alertOf(w, role, c, reuse);
      return { path: `/alerts/${alert.id}`, reach: (p) => inScope(p, alertScopeTarget(alert)) };
    },
  },
  'GET /alerts/{id}/audit': {
    may: 'alert.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const alert = await alertOf(w, role, c, reuse);
      return { path: `/alerts/${alert.id}/audit`, reach: (p) => inScope(p, alertScopeTarget(alert)) };
    },
  },
  'POST /alerts/{id}/hazard': {
    may: 'alert.handle',
    success: 201,
    call: async (w, role, c, reuse) => {
      const alert = await alertOf(w, role, c, reuse);
      return {
        path: `/alerts/${alert.id}/hazard`,
        body: { severity: 'general' },
        reach: (p) => inScope(p, alertScopeTarget(alert)),
        witness: recordWitness(w.readerFor(c), `/alerts/${alert.id}`),
      };
    },
  },
  'GET /alert-sources': {
    may: 'alertSource.manage',
    success: 200,
    cases: ['in'],
    call: async () => ({ path: '/alert-sources' }),
  },
  'POST /alert-sources': {
    may: 'alertSource.manage',
    success: 201,
    cases: ['in'],
    call: async (w) => {
      const name = `矩阵来源${serial++}`;
      return {
        path: '/alert-sources',
        body: { name },
        witness: createdWitness(w.admin, '/alert-sources', 'name', name),
      };
    },
  },
  'POST /alert-sources/{id}/rotate': {
    may: 'alertSource.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => {
      const source = await sourceOf(w, c, reuse, ':rotate');
      return {
        path: `/alert-sources/${source.id}/rotate`,
        witness: sourceWitness(w.readerFor(c), source.id),
      };
    },
  },
};
