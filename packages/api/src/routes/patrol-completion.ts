import {
  assertLocationInChina,
  type CompletePatrolSchema,
  ConflictError,
  checkPatrolAnswers,
  escalationMessages,
  type Hazard,
  type NotificationMessage,
  newHazard,
  type Patrol,
  type PatrolItemResult,
  type PatrolRiskPoint,
  type Photo,
  type Principal,
  patrolDistance,
  planPatrol,
  ValidationError,
} from '@gridsafe/core';
import { creditPatrolDaysOf, PatrolRepository, patrolPointOf } from '@gridsafe/db';
import type { Context } from 'hono';
import type * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import { verifyAnnouncedPhoto } from '../evidence.ts';
import { expectedVersion } from '../http-helpers.ts';
import { rememberAnswer } from '../idempotent-write.ts';
import { view, visiblePatrol } from './patrols.ts';

// Completing a patrol: the checklist's checks, the findings that become hazards, the next patrol. Loaded at a
// process's first completion (patrols.ts), not at every cold start.

export async function completePatrol(
  c: Context<AppEnv>,
  principal: Principal,
  id: string,
  input: z.infer<typeof CompletePatrolSchema>,
  idempotency: { scope: string; key: string; fingerprint: string } | undefined,
) {
  const { stored, patrol } = await visiblePatrol(c, id);
  if (patrol.status !== 'scheduled') throw new ConflictError('This patrol is already done.', 'wrong_state');
  const version = expectedVersion(c, input.version, patrol.version);
  assertLocationInChina(input.position, 'position');
  const answers = checkPatrolAnswers(patrol, input);
  const data = countyData(c);
  const patrols = new PatrolRepository(data.store);
  const deps = c.get('deps');

  const photos = new Map<string, Photo>();
  for (const [index, { answer }] of answers.entries()) {
    for (const photoId of answer.photoIds ?? []) {
      const verified = await verifyAnnouncedPhoto(c, 'patrols', patrol.id, photoId);
      if (!verified)
        throw new ValidationError([
          { path: `items.${index}.photoIds`, message: `photo ${photoId} was not announced for this patrol` },
        ]);
      photos.set(photoId, verified);
    }
  }

  const [{ settings }, unit] = await Promise.all([data.settings.get(), data.units.get(patrol.unitId)]);
  const now = deps.clock.now();
  const distance = patrolDistance(input.position, patrol.targets, settings);
  const created: { hazard: Hazard; notifications: NotificationMessage[] }[] = [];
  const items: PatrolItemResult[] = answers.map(({ item, answer }) => {
    const itemPhotos = (answer.photoIds ?? []).map((photoId) => photos.get(photoId)!);
    let hazardId: string | undefined;
    if (answer.result === 'deficient') {
      const hazard = newHazard(
        {
          id: deps.ids.next(),
          title: answer.title ?? item.text.slice(0, 100),
          severity: answer.severity ?? 'general',
          ...(answer.note ? { description: answer.note } : {}),
          ...(item.riskPointId ? { riskPointId: item.riskPointId } : {}),
          location: input.position,
          unit: {
            id: patrol.unitId,
            name: patrol.unitName,
            industry: patrol.industry,
            gridId: patrol.gridId,
            gridPath: patrol.gridPath,
            departmentId: patrol.departmentId,
          },
          source: 'patrol',
          patrolId: patrol.id,
          checklistCode: item.code,
          photos: itemPhotos,
        },
        settings,
        now,
        principal.username,
      );
      const notifications =
        hazard.level === 'township'
          ? escalationMessages(hazard, 'township', 'severity', now, () => deps.ids.next())
          : [];
      created.push({ hazard, notifications });
      hazardId = hazard.id;
    }
    return {
      ...item,
      result: answer.result,
      ...(answer.note ? { note: answer.note } : {}),
      photos: itemPhotos,
      ...(hazardId ? { hazardId } : {}),
    };
  });

  // The next task is planned from the unit as it is now: its risk points may have changed colour since.
  const next = unit
    ? planPatrol(
        // The credit level as it stood before this patrol (its findings re-rate the unit just after).
        { ...unit, creditPatrolDays: await creditPatrolDaysOf(c.get('store'), unit.id) },
        await unitRiskPoints(c, unit),
        settings,
        now,
        deps.ids.next(),
      )
    : undefined;
  const done: Patrol = {
    ...patrol,
    status: 'done',
    completedAt: now.toISOString(),
    completedBy: principal.username,
    position: input.position,
    ...distance,
    items,
    ...(input.note ? { note: input.note } : {}),
    hazardIds: created.map(({ hazard }) => hazard.id),
    ...(next ? { nextPatrolId: next.id } : {}),
  };
  const answerBody = {
    patrol: view({ ...done, version: patrol.version + 1, updatedAt: now.toISOString() }, now),
    hazards: created.map(({ hazard }) => hazard),
    ...(next ? { next: view(next, now) } : {}),
  };
  const remember = rememberAnswer(c, idempotency, { status: 200, body: answerBody }, now);
  await patrols.complete(
    stored,
    done,
    version,
    { ...writeContext(c), location: input.position },
    { next, hazards: created, extraItems: remember },
  );
  return { answer: answerBody, notifications: created.flatMap(({ notifications }) => notifications) };
}

/** The unit's risk points, from its village's register (one Query a page). */
async function unitRiskPoints(
  c: Context<AppEnv>,
  unit: { id: string; gridPath: string },
): Promise<PatrolRiskPoint[]> {
  const points: PatrolRiskPoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await countyData(c).riskPoints.list({ withinPath: unit.gridPath }, { limit: 100, cursor });
    points.push(...page.items.filter((point) => point.unitId === unit.id).map(patrolPointOf));
    cursor = page.nextCursor;
  } while (cursor);
  return points;
}
