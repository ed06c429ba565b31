import type { Role } from '@gridsafe/core';
import { expect } from 'vitest';
import { snapshot } from './duties.ts';
import type { Entry, Reuse } from './matrix-rules.ts';
import { listQuery } from './matrix-table-county.ts';
import type { Case, MatrixWorld } from './matrix-world.ts';

/**
 * The permission matrix's rows for register exports and imports (jobs). An export reads a list, so it is asked
 * for the role's own area, the one beside it, or another county's, and refused as the list would be; a job is
 * its person's own, so the rows that read one read the caller's own (or, for a role that may not, the county
 * admin's; for another county, that county's admin's).
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const announcement = { kind: 'units', contentType: XLSX, size: 1024, sha256: 'a'.repeat(64) };

/** What a refused export could have touched: the list it reads, as the county admin reads it. */
const listWitness = (w: MatrixWorld, c: Case, path: string) => async () => {
  const page = await w.readerFor(c).get(path);
  expect(page.status, path).toBe(200);
  return (page.body.items as { id: string; version: number }[]).map(({ id, version }) => `${id}@${version}`);
};

/** An export of the caller's own (the county admin's for a role that may not export), or another county's. */
async function exportOf(w: MatrixWorld, role: Role, c: Case, reuse: Reuse): Promise<string> {
  const owner: Role = ['county_admin', 'township_officer', 'department_officer'].includes(role)
    ? role
    : 'county_admin';
  return reuse(`export:${c}:${owner}`, async () => {
    const asked =
      c === 'foreign'
        ? await w.readerFor(c).post('/exports', { kind: 'units', format: 'csv' })
        : await w.as(owner, 'POST', '/exports', { body: { kind: 'units', format: 'csv' } });
    expect(asked.status).toBe(202);
    return asked.body.id as string;
  });
}

/** An import announced by the county admin (or another county's), waiting for its start. */
async function importOf(w: MatrixWorld, c: Case): Promise<string> {
  const announced = await w.readerFor(c).post('/imports', announcement);
  expect(announced.status).toBe(201);
  return announced.body.id as string;
}

const exportRead = (suffix: string): Entry => ({
  may: 'register.export',
  success: 200,
  cases: ['in', 'foreign'],
  call: async (w, role, c, reuse) => ({ path: `/exports/${await exportOf(w, role, c, reuse)}${suffix}` }),
});

const importRead = (suffix: string): Entry => ({
  may: 'unit.import',
  success: 200,
  cases: ['in', 'foreign'],
  call: async (w, _role, c, reuse) => ({
    path: `/imports/${await reuse(`import:${c}`, () => importOf(w, c))}${suffix}`,
  }),
});

export const JOBS_TABLE: Record<string, Entry> = {
  'POST /exports': {
    may: 'register.export',
    success: 202,
    call: async (w, role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      const filters = Object.fromEntries(new URLSearchParams(query.path.slice(1)));
      return {
        path: '/exports',
        body: { kind: 'hazards', format: 'xlsx', filters },
        ...(query.reach ? { reach: query.reach } : {}),
        ...(query.missing ? { missing: query.missing } : {}),
        witness: listWitness(w, c, `/hazards${query.path || '?'}&limit=100`),
      };
    },
  },
  'GET /exports/{id}': exportRead(''),
  'GET /exports/{id}/audit': exportRead('/audit'),
  'POST /imports': {
    may: 'unit.import',
    success: 201,
    cases: ['in'],
    call: async (w) => ({
      path: '/imports',
      body: announcement,
      // Announcing writes no unit: a refused one must not have either.
      witness: listWitness(w, 'in', `/units?grid=${w.here.village1}&limit=100`),
    }),
  },
  'POST /imports/{id}/start': {
    may: 'unit.import',
    success: 202,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => {
      const id = await reuse(`import-to-start:${c}`, () => importOf(w, c));
      return { path: `/imports/${id}/start`, witness: () => snapshot(w.readerFor(c), `/imports/${id}`) };
    },
  },
  'GET /imports/{id}': importRead(''),
  'GET /imports/{id}/audit': importRead('/audit'),
};
