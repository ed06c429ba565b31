import {
  applyHazardAction,
  type Hazard,
  type HazardAction,
  hazardScopeTarget,
  inScope,
  type Role,
} from '@gridsafe/core';
import { expect } from 'vitest';
import { type Entry, type Reuse, verdictOf } from './matrix-rules.ts';
import { recordWitness } from './matrix-table-county.ts';
import type { Case, MatrixWorld } from './matrix-world.ts';

/**
 * The permission matrix's rows for the 挂牌督办 register (issue 18): listing a major hazard with its 五落实, the
 * county's acceptance (验收) and 销号, and the printed 督办单. Each step is predicted by core's state machine on the
 * very hazard the call is made on.
 */

const FIVE = {
  responsibility: '矩阵责任人',
  measures: '矩阵措施',
  funds: 1000,
  deadline: '2027-06-30',
  plan: '矩阵预案',
};

type Stage = 'major' | 'listed' | 'listed and rectified' | 'accepted';

/** A major hazard of the role's unit (or beside it, or another county's) at the stage the step needs. */
async function listedOf(w: MatrixWorld, role: Role, c: Case, stage: Stage, reuse: Reuse): Promise<Hazard> {
  const unit = w.unit(role, c);
  return reuse(`supervise:${stage}:${unit}`, async () => {
    const admin = w.readerFor(c);
    const { hazard } = await w.builders.hazard(unit, {
      severity: 'major',
      foreign: c === 'foreign',
      ...(stage === 'listed and rectified' || stage === 'accepted' ? { rectified: true } : {}),
    });
    if (stage !== 'major')
      expect((await admin.post(`/hazards/${hazard.id}/supervise`, FIVE)).status).toBe(200);
    if (stage === 'accepted') expect((await admin.post(`/hazards/${hazard.id}/accept`)).status).toBe(200);
    const {
      allowedActions: _a,
      workingDaysLeft: _w,
      ...read
    } = (await admin.get(`/hazards/${hazard.id}`)).body;
    return read as Hazard;
  });
}

function supervisionStep(action: HazardAction, stage: Stage, input: Record<string, unknown>): Entry {
  return {
    may: 'hazard.supervise',
    success: 200,
    call: async (w, role, c, reuse) => {
      const hazard = await listedOf(w, role, c, stage, reuse);
      return {
        path: `/hazards/${hazard.id}/${action}`,
        body: input,
        reach: (p) => inScope(p, hazardScopeTarget(hazard)),
        verdict: (p) =>
          verdictOf(() =>
            applyHazardAction(hazard, action, { principal: p, now: new Date(), settings: w.settings }, input),
          ),
        witness: recordWitness(w.readerFor(c), `/hazards/${hazard.id}`),
      };
    },
  };
}

export const SUPERVISE_TABLE: Record<string, Entry> = {
  'POST /hazards/{id}/supervise': supervisionStep('supervise', 'major', { reason: '矩阵挂牌', ...FIVE }),
  // A listing without its 五落实 (a phone's write queued before they existed) is a 400 naming them, for whoever may list.
  'POST /hazards/{id}/supervise · without the 五落实': supervisionStep('supervise', 'major', {
    reason: '矩阵挂牌',
  }),
  'POST /hazards/{id}/accept': supervisionStep('accept', 'listed and rectified', { note: '矩阵验收' }),
  'POST /hazards/{id}/delist': supervisionStep('delist', 'accepted', {}),
  'GET /hazards/{id}/supervision-order': {
    may: 'hazard.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const hazard = await listedOf(w, role, c, 'listed', reuse);
      return {
        path: `/hazards/${hazard.id}/supervision-order`,
        reach: (p) => inScope(p, hazardScopeTarget(hazard)),
      };
    },
  },
};
