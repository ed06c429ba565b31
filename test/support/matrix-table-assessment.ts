import { quarterOf, type Role } from '@gridsafe/core';
import { expect } from 'vitest';
import type { Entry } from './matrix-rules.ts';
import { countyRead, listQuery } from './matrix-table-county.ts';
import type { Case, MatrixWorld } from './matrix-world.ts';

/**
 * The permission matrix's rows for the scored assessment (its 约谈/通报 records and the printed 通报) and the
 * workforce view. The assessment is county-wide (each officer sees its own rows); the workforce view reads like a
 * list, within the area core's listScope gives each person.
 */
const workforceRead = (suffix: string): Entry => ({
  may: 'assessment.read',
  success: 200,
  call: async (w: MatrixWorld, role: Role, c: Case) => {
    const query = await listQuery(w, role, c, { department: false });
    return { ...query, path: `/workforce${suffix}${query.path}` };
  },
});

export const ASSESSMENT_TABLE: Record<string, Entry> = {
  'GET /assessments/print': countyRead('assessment.read', '/assessments/print'),
  'GET /assessments/actions': countyRead('assessment.read', '/assessments/actions'),
  'POST /assessments/actions': {
    may: 'assessment.manage',
    success: 201,
    cases: ['in'],
    call: async (w) => ({
      path: '/assessments/actions',
      body: {
        kind: 'circular',
        quarter: quarterOf(new Date()),
        targetKind: 'township',
        targetId: w.here.township1,
        reason: `矩阵通报${w.builders.serial()}`,
      },
      // A refused record leaves the list as it was.
      witness: async () => {
        const list = await w.admin.get('/assessments/actions');
        expect(list.status).toBe(200);
        return (list.body.items as { id: string }[]).map((item) => item.id);
      },
    }),
  },
  'GET /workforce': workforceRead(''),
  'GET /workforce/patrols': workforceRead('/patrols'),
};
