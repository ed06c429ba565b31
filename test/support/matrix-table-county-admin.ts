import { canSeeGrid } from '@gridsafe/core';
import { expect } from 'vitest';
import type { Entry } from './matrix-rules.ts';
import { createdWitness, gridWrite, personOf, recordWitness } from './matrix-table-county.ts';

/**
 * The permission matrix's rows for a county administering itself from the web: the grid tree's import and
 * boundaries, changing departments, resetting a person's password, and the audit trails of departments and people.
 */

const COUNTY_WIDE = ['in'] as const;
const IN_AND_FOREIGN = ['in', 'foreign'] as const;

/** A closed square around Taihe's county seat, in GeoJSON's [longitude, latitude]. */
const SQUARE = {
  type: 'Polygon',
  coordinates: [
    [
      [115.62, 33.16],
      [115.64, 33.16],
      [115.64, 33.18],
      [115.62, 33.16],
    ],
  ],
};

export const COUNTY_ADMIN_TABLE: Record<string, Entry> = {
  'POST /grids/import': {
    may: 'grid.manage',
    success: 200,
    cases: COUNTY_WIDE,
    call: async (w) => {
      const township = (await w.admin.get(`/grids/${w.here.township1}`)).body as { code: string };
      const serial = w.builders.serial();
      const name = `矩阵导入村${serial}`;
      // Village codes 500–998 under the township: the seed numbers its villages from 001.
      const code = `${township.code}${String(500 + (serial % 499)).padStart(3, '0')}`;
      return {
        path: '/grids/import',
        rawBody: `区划代码,名称\r\n${code},${name}\r\n`,
        headers: { 'content-type': 'text/csv' },
        witness: createdWitness(w.admin, `/grids?parent=${w.here.township1}&limit=100`, 'name', name),
      };
    },
  },
  'GET /grids/{id}/boundary': {
    may: 'grid.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const grid = await w.grid(role, c);
      await reuse(`boundary:${grid.id}`, async () => {
        const saved = await w.readerFor(c).put(`/grids/${grid.id}/boundary`, SQUARE);
        expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      });
      return { path: `/grids/${grid.id}/boundary`, reach: (p) => canSeeGrid(p, grid.path) };
    },
  },
  'PUT /grids/{id}/boundary': gridWrite('/boundary', SQUARE),
  'GET /grids/{id}/child-boundaries': {
    may: 'grid.read',
    success: 200,
    call: async (w, role, c) => {
      const grid = await w.grid(role, c);
      return { path: `/grids/${grid.id}/child-boundaries`, reach: (p) => canSeeGrid(p, grid.path) };
    },
  },

  'PATCH /departments/{id}': {
    may: 'department.manage',
    success: 200,
    cases: IN_AND_FOREIGN,
    call: async (w, _role, c, reuse) => {
      const id =
        c === 'foreign'
          ? w.there.emergencyDept
          : await reuse('department', async () => {
              const created = await w.admin.post('/departments', {
                name: `矩阵改名局${w.builders.serial()}`,
                industries: [],
              });
              expect(created.status).toBe(201);
              return created.body.id as string;
            });
      return {
        path: `/departments/${id}`,
        body: { name: `矩阵局${w.builders.serial()}` },
        witness: recordWitness(w.readerFor(c), `/departments/${id}`),
      };
    },
  },
  'GET /departments/{id}/audit': {
    may: 'department.read',
    success: 200,
    cases: IN_AND_FOREIGN,
    call: async (w, _role, c) => ({
      path: `/departments/${c === 'foreign' ? w.there.emergencyDept : w.here.commerceDept}/audit`,
    }),
  },

  'POST /users/{id}/password': {
    may: 'user.manage',
    success: 200,
    cases: IN_AND_FOREIGN,
    call: async (w, _role, c, reuse) => {
      const id = await personOf(w, c, reuse);
      return {
        path: `/users/${id}/password`,
        body: { password: `Matrix-reset-${w.builders.serial()}A`, temporary: false },
        witness: async () => (await w.readerFor(c).get(`/users/${id}`)).body,
      };
    },
  },
  'GET /users/{id}/audit': {
    may: 'user.read',
    success: 200,
    cases: IN_AND_FOREIGN,
    call: async (w, _role, c, reuse) => ({ path: `/users/${await personOf(w, c, reuse)}/audit` }),
  },
};
