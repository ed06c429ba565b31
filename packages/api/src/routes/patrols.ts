import {
  authorize,
  ColorSchema,
  CompletePatrolSchema,
  ConflictError,
  described,
  ForbiddenError,
  inScope,
  isPatrolOverdue,
  NotFoundError,
  type Patrol,
  scopeFilter,
} from '@gridsafe/core';
import { fromItem, PatrolRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope } from '../county-data.ts';
import { announcePhoto, photoRoutes } from '../evidence.ts';
import { IdQuery, LocationOut, PageQuerySchema } from '../http-helpers.ts';
import { idempotent } from '../idempotent-write.ts';
import type { createRouter } from '../openapi-hono.ts';
import { EvidencePhotoSchema, externalNotifier, HazardSchema } from './hazards.ts';
import { UNIT_PLACE_FIELDS, VERSIONED_FIELDS } from './record-fields.ts';
import { auditTrail, recordRoutes } from './record-routes.ts';

export const PatrolSchema = described(
  z.object({
    id: z.string(),
    ...UNIT_PLACE_FIELDS,
    supervisionLevel: z.enum(['county', 'township', 'village']),
    targets: z.array(z.object({ label: z.string(), location: LocationOut })),
    riskPoints: z.array(z.object({ id: z.string(), name: z.string(), color: ColorSchema })),
    checklist: z.array(z.object({ code: z.string(), text: z.string(), riskPointId: z.optional(z.string()) })),
    intervalDays: z.number().check(z.int()),
    dueAt: z.string(),
    status: z.enum(['scheduled', 'done']),
    overdue: described(z.boolean(), { description: 'Still scheduled after its due time' }),
    completedAt: z.optional(z.string()),
    completedBy: z.optional(z.string()),
    position: z.optional(LocationOut),
    distanceMeters: described(z.optional(z.number()), {
      description: 'From the recorded position to the nearest target',
    }),
    distanceFlagged: described(z.optional(z.boolean()), {
      description: 'Further than the county’s patrolDistanceFlagMeters',
    }),
    items: z.optional(
      z.array(
        z.object({
          code: z.string(),
          text: z.string(),
          riskPointId: z.optional(z.string()),
          result: z.enum(['ok', 'deficient']),
          note: z.optional(z.string()),
          photos: z.array(EvidencePhotoSchema),
          hazardId: z.optional(z.string()),
        }),
      ),
    ),
    note: z.optional(z.string()),
    hazardIds: z.array(z.string()),
    nextPatrolId: z.optional(z.string()),
    ...VERSIONED_FIELDS,
  }),
  { id: 'Patrol' },
);

const CompletionSchema = described(
  z.object({ patrol: PatrolSchema, hazards: z.array(HazardSchema), next: z.optional(PatrolSchema) }),
  { id: 'PatrolCompletion' },
);

export const PatrolListQuerySchema = z.extend(PageQuerySchema, {
  assignee: described(z.optional(z.enum(['me'])), {
    description: 'me: the tasks of the caller’s own grid (or department)',
  }),
  status: described(z.optional(z.enum(['scheduled', 'overdue', 'done'])), {
    description: 'scheduled, overdue (scheduled and past due) or done',
  }),
  grid: described(z.optional(IdQuery), {
    description: 'Patrols in this grid node’s subtree (overdue ones show on every level above)',
  }),
  unit: described(z.optional(IdQuery), { description: 'One unit’s patrols, newest first' }),
});

const patrolRoutes = recordRoutes('patrols', 'patrols');
const routes = {
  list: patrolRoutes.list(
    'Patrol tasks: the caller’s own (assignee=me), a grid subtree’s or a unit’s, by status',
    PatrolListQuerySchema,
    { item: PatrolSchema, name: 'PatrolPage', answer: 'Patrols' },
  ),
  get: patrolRoutes.get(
    'One patrol task with its checklist (and its results once done)',
    PatrolSchema,
    'The patrol',
  ),
  audit: patrolRoutes.audit('Every event, oldest first, with the hash chain verified'),
  // A patrol's photos are taken in by its completion, which names them: no confirm or view route of its own.
  requestPhoto: photoRoutes({
    collection: 'patrols',
    tag: 'patrols',
    noun: 'a checklist item',
    announceNote: 'name it in `photoIds` when completing',
    recordSchema: PatrolSchema,
  }).requestPhoto,
  complete: patrolRoutes.step('complete', {
    summary:
      'Record a patrol: every checklist item ok or deficient, the position (distance to the point stored, flagged when far)',
    description:
      'One transaction writes the patrol, its audit event, the next task and a hazard work order (with its audit events, counters and notices) for each deficient item, at most 15 per patrol.',
    body: CompletePatrolSchema,
    bodyRequired: true,
    answer: [CompletionSchema, 'The patrol, the hazards it opened and the next task'],
    keyed: true,
  }),
};

export function view(patrol: Patrol, now: Date) {
  return { ...patrol, overdue: isPatrolOverdue(patrol, now) };
}

/** A patrol the caller may see: 404 when missing or in another county, 403 when outside their area. */
export async function visiblePatrol(c: Context<AppEnv>, id: string) {
  const stored = await new PatrolRepository(countyData(c).store).getStored(id, true);
  if (!stored) throw new NotFoundError('patrol');
  const patrol = fromItem<Patrol>(stored);
  if (
    !inScope(c.get('principal'), {
      gridPath: patrol.gridPath,
      departmentId: patrol.departmentId,
      unitId: patrol.unitId,
    })
  ) {
    throw new ForbiddenError('This patrol is outside your area.');
  }
  return { stored, patrol };
}

export function registerPatrols(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.list, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'patrol.read');
    const { grid, unit, status, limit, cursor } = c.req.valid('query');
    const data = countyData(c);
    const patrols = new PatrolRepository(data.store);
    const now = c.get('deps').clock.now();
    const statusFilter =
      status === 'overdue'
        ? { status: 'scheduled' as const, dueBefore: now.toISOString() }
        : status
          ? { status }
          : {};
    const answer = (page: { items: Patrol[]; nextCursor?: string }) =>
      c.json(
        {
          items: page.items.map((p) => view(p, now)),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        },
        200,
      );

    const scope = await readScope(c, { grid, unit });
    return answer(await patrols.list({ ...scopeFilter(scope), ...statusFilter }, { limit, cursor }));
  });

  app.openapi(routes.get, async (c) => {
    authorize(c.get('principal'), 'patrol.read');
    const { patrol } = await visiblePatrol(c, c.req.valid('param').id);
    return c.json(view(patrol, c.get('deps').clock.now()), 200);
  });

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'patrol.read');
    const { patrol } = await visiblePatrol(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'patrol', patrol.id), 200);
  });

  app.openapi(routes.requestPhoto, async (c) => {
    authorize(c.get('principal'), 'patrol.complete');
    const { patrol } = await visiblePatrol(c, c.req.valid('param').id);
    if (patrol.status !== 'scheduled') throw new ConflictError('This patrol is already done.', 'wrong_state');
    return c.json(await announcePhoto(c, 'patrols', patrol.id, c.req.valid('json')), 201);
  });

  app.openapi(routes.complete, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'patrol.complete');
    const input = c.req.valid('json');
    const id = c.req.valid('param').id;
    const answer = await idempotent(
      c,
      `patrol-complete:${principal.userId}`,
      { id, input },
      async (claim) => {
        // Completion (its checks, findings and hazards) is a chunk of its own, loaded at a process's first one.
        const { completePatrol } = await import('./patrol-completion.ts');
        const { answer, notifications } = await completePatrol(c, principal, id, input, claim);
        await externalNotifier(c).notify(notifications);
        return answer;
      },
    );
    return c.json(answer as z.infer<typeof CompletionSchema>, 200);
  });
}
