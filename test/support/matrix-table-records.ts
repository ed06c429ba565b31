import {
  applyHazardAction,
  type Capability,
  type HazardAction,
  hasCapability,
  hazardScopeTarget,
  inScope,
  nextReviewState,
  type RiskPoint,
  type RiskPointTransition,
  type Role,
} from '@gridsafe/core';
import { expect } from 'vitest';
import { addPhoto } from './duties.ts';
import { type Call, type Entry, type Reuse, verdictOf } from './matrix-rules.ts';
import { createdWitness, listQuery, recordWitness, unitOf, unitTarget } from './matrix-table-county.ts';
import type { Case, MatrixWorld } from './matrix-world.ts';
import { sha256Hex, testJpeg, uploadWith } from './photos.ts';

/**
 * The permission matrix's rows for the records the county works: risk points, hazards, patrols. A step of a
 * state machine is predicted by the state machine itself (core's `nextReviewState`, `applyHazardAction`), asked
 * about the very record the call is made on.
 */

let photoSeed = 90_000;
const photoRequest = () => {
  const bytes = testJpeg(photoSeed++);
  return { bytes, body: { contentType: 'image/jpeg', size: bytes.byteLength, sha256: sha256Hex(bytes) } };
};

type PointStage = 'draft' | 'submitted' | 'filed';
async function pointOf(w: MatrixWorld, role: Role, c: Case, stage: PointStage, reuse: Reuse) {
  const unit = w.unit(role, c);
  return reuse(`point:${stage}:${unit}`, () => w.builders.point(unit, stage, c === 'foreign'));
}

type HazardStage = 'open' | 'with-photo' | 'rectified' | 'major' | 'rectified at the county';
async function hazardOf(w: MatrixWorld, role: Role, c: Case, stage: HazardStage, reuse: Reuse) {
  const unit = w.unit(role, c);
  return reuse(`hazard:${stage}:${unit}`, () =>
    w.builders.hazard(unit, {
      foreign: c === 'foreign',
      ...(stage === 'with-photo' ? { photo: true } : {}),
      ...(stage === 'rectified' ? { rectified: true } : {}),
      ...(stage === 'major' ? { severity: 'major' as const } : {}),
      ...(stage === 'rectified at the county' ? { escalated: true, rectified: true } : {}),
    }),
  );
}

async function patrolOf(w: MatrixWorld, role: Role, c: Case, reuse: Reuse) {
  const unit = await unitOf(w, role, c, reuse);
  const patrol = await reuse(`patrol:${unit.id}`, () => w.builders.patrol(unit.id, c === 'foreign'));
  return { unit, patrol };
}

/**
 * A photo announced and uploaded for the call to confirm: by the caller when the caller may announce it (so a
 * permitted caller's confirm succeeds), else by the record's filer (so the refusal is the caller's own).
 */
async function announced(
  w: MatrixWorld,
  role: Role,
  c: Case,
  collection: 'risk-points' | 'hazards',
  id: string,
): Promise<string> {
  const { bytes, body } = photoRequest();
  const own = await w.as(role, 'POST', `/${collection}/${id}/photos`, { body });
  if (own.status === 201) {
    await uploadWith(own.body.upload, bytes);
    return own.body.photo.id;
  }
  const filer = c === 'foreign' ? w.adminOfB : w.deputy;
  return (await addPhoto(filer, collection, id, { confirm: false })).photoId;
}

/** A point the caller filed and submitted itself where it may; the deputy's where it may not file. */
async function ownFiling(w: MatrixWorld, role: Role, c: Case, reuse: Reuse) {
  const unit = w.unit(role, c);
  const created = await w.as(role, 'POST', '/risk-points', {
    body: {
      name: `矩阵自报${w.builders.serial()}`,
      unitId: unit,
      industry: 'industry_trade_general',
      location: { lat: 33.171, lng: 115.633 },
      assessment: { method: 'LEC', L: 3, E: 6, C: 7 },
    },
  });
  if (created.status !== 201) return pointOf(w, role, c, 'submitted', reuse);
  const own = w.clientOf(role);
  await addPhoto(own, 'risk-points', created.body.id);
  expect((await own.post(`/risk-points/${created.body.id}/submit`)).status).toBe(200);
  return (await w.admin.get(`/risk-points/${created.body.id}`)).body as RiskPoint;
}

function pointRead(tail: (point: { photos: { id: string }[] }) => string): Entry {
  return {
    may: 'riskPoint.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const point = await pointOf(w, role, c, 'filed', reuse);
      return { path: `/risk-points/${point.id}${tail(point)}`, reach: (p) => inScope(p, point) };
    },
  };
}

function pointStep(transition: RiskPointTransition, stage: PointStage, body?: unknown): Entry {
  return {
    may: transition === 'submit' ? 'riskPoint.file' : 'riskPoint.review',
    success: 200,
    call: async (w, role, c, reuse) => {
      const point = await pointOf(w, role, c, stage, reuse);
      return {
        path: `/risk-points/${point.id}/${transition}`,
        ...(body ? { body } : {}),
        reach: (p) => inScope(p, point),
        verdict: (p) => verdictOf(() => nextReviewState(point, transition, p, w.settings)),
        witness: recordWitness(w.readerFor(c), `/risk-points/${point.id}`),
      };
    },
  };
}

function hazardRead(tail: (photoId: string | undefined) => string, stage: HazardStage = 'open'): Entry {
  return {
    may: 'hazard.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const { hazard, photoId } = await hazardOf(w, role, c, stage, reuse);
      return {
        path: `/hazards/${hazard.id}${tail(photoId)}`,
        reach: (p) => inScope(p, hazardScopeTarget(hazard)),
      };
    },
  };
}

function hazardStep(action: HazardAction, stage: HazardStage, capability: Capability): Entry {
  return {
    may: capability,
    success: 200,
    call: async (w, role, c, reuse) => {
      const { hazard, photoId } = await hazardOf(w, role, c, stage, reuse);
      const input =
        action === 'report-rectified' || action === 'resolve-on-site'
          ? { note: '矩阵', photoIds: [photoId] }
          : action === 'reject'
            ? { reason: '矩阵退回' }
            : action === 'escalate'
              ? { reason: '矩阵上报' }
              : {};
      return {
        path: `/hazards/${hazard.id}/${action}`,
        body: input,
        reach: (p) => inScope(p, hazardScopeTarget(hazard)),
        verdict: (p) =>
          verdictOf(() =>
            applyHazardAction(
              hazard,
              action,
              { principal: p, now: new Date(), settings: w.settings },
              input as never,
            ),
          ),
        witness: recordWitness(w.readerFor(c), `/hazards/${hazard.id}`),
      };
    },
  };
}

/** Evidence is added by whoever reports, rectifies or verifies hazards. */
const hazardEvidence = {
  rule: 'reports, rectifies or verifies hazards',
  roles: (role: Role) =>
    (['hazard.report', 'hazard.rectify', 'hazard.verify'] as const).some((capability) =>
      hasCapability({ role }, capability),
    ),
};

function patrolRead(tail: string): Entry {
  return {
    may: 'patrol.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const { unit, patrol } = await patrolOf(w, role, c, reuse);
      return { path: `/patrols/${patrol.id}${tail}`, reach: (p) => inScope(p, unitTarget(unit)) };
    },
  };
}

/** A new record of a unit, named in the body: another county's unit is no unit of this county (400). */
function createdOnUnit(
  may: Capability,
  collection: 'risk-points' | 'hazards',
  named: 'name' | 'title',
  fields: Record<string, unknown>,
): Entry {
  return {
    may,
    success: 201,
    call: async (w, role, c, reuse) => {
      const unit = await unitOf(w, role, c, reuse);
      const name = `矩阵${collection}${w.builders.serial()}`;
      return {
        path: `/${collection}`,
        body: { unitId: unit.id, [named]: name, ...fields },
        reach: (p) => inScope(p, unitTarget(unit)),
        missing: 400,
        witness: createdWitness(
          w.readerFor(c),
          `/${collection}?grid=${unit.gridId}&unit=${unit.id}&limit=100`,
          named,
          name,
        ),
      };
    },
  };
}

async function listCall(
  w: MatrixWorld,
  role: Role,
  c: Case,
  collection: string,
  department: boolean,
): Promise<Call> {
  const query = await listQuery(w, role, c, { department });
  return { ...query, path: `/${collection}${query.path}` };
}

export const RECORD_TABLE: Record<string, Entry> = {
  'GET /risk-points': {
    may: 'riskPoint.read',
    success: 200,
    call: (w, role, c) => listCall(w, role, c, 'risk-points', true),
  },
  'POST /risk-points': createdOnUnit('riskPoint.file', 'risk-points', 'name', {
    industry: 'industry_trade_general',
    location: { lat: 33.171, lng: 115.633 },
  }),
  'GET /risk-points/{id}': pointRead(() => ''),
  'GET /risk-points/{id}/audit': pointRead(() => '/audit'),
  'GET /risk-points/{id}/notice-board': pointRead(() => '/notice-board'),
  'GET /risk-points/{id}/photos/{photoId}': pointRead((point) => `/photos/${point.photos[0]!.id}`),
  'PATCH /risk-points/{id}': {
    may: 'riskPoint.file',
    success: 200,
    call: async (w, role, c, reuse) => {
      const point = await pointOf(w, role, c, 'draft', reuse);
      return {
        path: `/risk-points/${point.id}`,
        body: { name: `矩阵改名${w.builders.serial()}` },
        reach: (p) => inScope(p, point),
        witness: recordWitness(w.readerFor(c), `/risk-points/${point.id}`),
      };
    },
  },
  'POST /risk-points/{id}/submit': pointStep('submit', 'draft'),
  'POST /risk-points/{id}/approve': pointStep('approve', 'submitted'),
  // Four eyes: whoever filed and submitted a point never approves it, the county admin included.
  'POST /risk-points/{id}/approve · the caller’s own filing': {
    may: 'riskPoint.review',
    success: 200,
    cases: ['in'],
    call: async (w, role, c, reuse) => {
      const point = await reuse(`own point:${role}`, () => ownFiling(w, role, c, reuse));
      return {
        path: `/risk-points/${point.id}/approve`,
        reach: (p) => inScope(p, point),
        verdict: (p) => verdictOf(() => nextReviewState(point, 'approve', p, w.settings)),
        witness: recordWitness(w.readerFor(c), `/risk-points/${point.id}`),
      };
    },
  },
  'POST /risk-points/{id}/return': pointStep('return', 'submitted', { reason: '矩阵退回' }),
  'POST /risk-points/{id}/reopen': pointStep('reopen', 'filed', { reason: '矩阵复核' }),
  'POST /risk-points/{id}/photos': {
    may: 'riskPoint.file',
    success: 201,
    call: async (w, role, c, reuse) => {
      const point = await pointOf(w, role, c, 'draft', reuse);
      return {
        path: `/risk-points/${point.id}/photos`,
        body: photoRequest().body,
        reach: (p) => inScope(p, point),
        witness: recordWitness(w.readerFor(c), `/risk-points/${point.id}`),
      };
    },
  },
  'POST /risk-points/{id}/photos/{photoId}/confirm': {
    may: 'riskPoint.file',
    success: 200,
    call: async (w, role, c, reuse) => {
      const point = await pointOf(w, role, c, 'draft', reuse);
      const photoId = await announced(w, role, c, 'risk-points', point.id);
      return {
        path: `/risk-points/${point.id}/photos/${photoId}/confirm`,
        reach: (p) => inScope(p, point),
        witness: recordWitness(w.readerFor(c), `/risk-points/${point.id}`),
      };
    },
  },

  'GET /hazards': {
    may: 'hazard.read',
    success: 200,
    call: (w, role, c) => listCall(w, role, c, 'hazards', true),
  },
  'POST /hazards': createdOnUnit('hazard.report', 'hazards', 'title', { severity: 'general' }),
  'GET /hazards/{id}': hazardRead(() => ''),
  'GET /hazards/{id}/audit': hazardRead(() => '/audit'),
  'GET /hazards/{id}/photos/{photoId}': hazardRead((photoId) => `/photos/${photoId}`, 'with-photo'),
  'POST /hazards/{id}/start': hazardStep('start', 'open', 'hazard.rectify'),
  'POST /hazards/{id}/report-rectified': hazardStep('report-rectified', 'with-photo', 'hazard.rectify'),
  'POST /hazards/{id}/resolve-on-site': hazardStep('resolve-on-site', 'with-photo', 'hazard.rectify'),
  'POST /hazards/{id}/verify': hazardStep('verify', 'rectified', 'hazard.verify'),
  // Escalated to the county, a hazard is the county's or its industry department's to verify, no longer the township's.
  'POST /hazards/{id}/verify · escalated to the county': hazardStep(
    'verify',
    'rectified at the county',
    'hazard.verify',
  ),
  'POST /hazards/{id}/reject': hazardStep('reject', 'rectified', 'hazard.verify'),
  'POST /hazards/{id}/escalate': hazardStep('escalate', 'open', 'hazard.verify'),
  'POST /hazards/{id}/photos': {
    may: hazardEvidence,
    success: 201,
    call: async (w, role, c, reuse) => {
      const { hazard } = await hazardOf(w, role, c, 'open', reuse);
      return {
        path: `/hazards/${hazard.id}/photos`,
        body: photoRequest().body,
        reach: (p) => inScope(p, hazardScopeTarget(hazard)),
        witness: recordWitness(w.readerFor(c), `/hazards/${hazard.id}`),
      };
    },
  },
  'POST /hazards/{id}/photos/{photoId}/confirm': {
    may: hazardEvidence,
    success: 200,
    call: async (w, role, c, reuse) => {
      const { hazard } = await hazardOf(w, role, c, 'open', reuse);
      const photoId = await announced(w, role, c, 'hazards', hazard.id);
      return {
        path: `/hazards/${hazard.id}/photos/${photoId}/confirm`,
        reach: (p) => inScope(p, hazardScopeTarget(hazard)),
        witness: recordWitness(w.readerFor(c), `/hazards/${hazard.id}`),
      };
    },
  },

  'GET /patrols': {
    may: 'patrol.read',
    success: 200,
    call: (w, role, c) => listCall(w, role, c, 'patrols', false),
  },
  'GET /patrols/{id}': patrolRead(''),
  'GET /patrols/{id}/audit': patrolRead('/audit'),
  'POST /patrols/{id}/photos': {
    alone: true,
    may: 'patrol.complete',
    success: 201,
    call: async (w, role, c, reuse) => {
      const { unit, patrol } = await patrolOf(w, role, c, reuse);
      return {
        path: `/patrols/${patrol.id}/photos`,
        body: photoRequest().body,
        reach: (p) => inScope(p, unitTarget(unit)),
        witness: recordWitness(w.readerFor(c), `/patrols/${patrol.id}`),
      };
    },
  },
  'POST /patrols/{id}/complete': {
    alone: true,
    may: 'patrol.complete',
    success: 200,
    call: async (w, role, c, reuse) => {
      const { unit, patrol } = await patrolOf(w, role, c, reuse);
      return {
        path: `/patrols/${patrol.id}/complete`,
        body: {
          position: patrol.targets[0]!.location,
          items: patrol.checklist.map((item) => ({ code: item.code, result: 'ok' })),
        },
        reach: (p) => inScope(p, unitTarget(unit)),
        witness: recordWitness(w.readerFor(c), `/patrols/${patrol.id}`),
      };
    },
  },
};
