import {
  authorize,
  CreditRatingSchema,
  CreditRulesSchema,
  creditRulesProblems,
  described,
  ForbiddenError,
  inScope,
  NotFoundError,
  type Unit,
  ValidationError,
} from '@gridsafe/core';
import { CreditRepository, CreditRulesRepository } from '@gridsafe/db';
import * as z from 'zod/mini';
import { countyData, writeContext } from '../county-data.ts';
import {
  COMMON_ERRORS,
  expectedVersion,
  IdParamSchema,
  json,
  VersionHeaderSchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { unitScopeTarget } from '../unit-rules.ts';

/**
 * Unit credit ratings (安全信用脸谱): a unit's rating and its history, and the county's rules. A route group of its
 * own, loaded at its first request (not in the county API's cold start).
 */
const UnitCreditSchema = described(
  z.object({
    unitId: z.string(),
    current: z.optional(
      z.extend(CreditRatingSchema, {
        version: z.number(),
        patrolDays: described(z.number(), { description: 'Days between patrols this level asks for' }),
      }),
    ),
    history: described(z.array(CreditRatingSchema), { description: 'Every stored rating, newest first' }),
  }),
  { id: 'UnitCredit' },
);
const CreditRulesBodySchema = described(
  z.object({ rules: CreditRulesSchema, version: z.number().check(z.int(), z.minimum(0)) }),
  { id: 'CreditRulesDocument' },
);
const PutCreditRulesSchema = described(
  z.strictObject({ rules: CreditRulesSchema, version: z.optional(z.number().check(z.int(), z.minimum(0))) }),
  { id: 'CreditRulesUpdate' },
);

const getUnitCreditRoute = createRoute({
  method: 'get',
  path: '/units/{id}/credit',
  tags: ['units'],
  summary: 'The unit’s credit rating (green, blue, yellow, red), why, and its past ratings',
  description:
    'The rating is computed from the unit’s filed risk points, hazards, patrol findings and enforcement outcomes by the county’s credit rules (whose version it names), again after every write that changes them and once a day. `current` is absent until the unit is first rated.',
  request: { params: IdParamSchema },
  responses: { 200: json(UnitCreditSchema, 'The rating and its history'), ...COMMON_ERRORS },
});
const getRulesRoute = createRoute({
  method: 'get',
  path: '/settings/credit-rules',
  tags: ['settings'],
  summary: 'The county’s credit rules: points per record, level bands, patrol interval per level',
  responses: { 200: json(CreditRulesBodySchema, 'The rules in force and their version'), ...COMMON_ERRORS },
});
const putRulesRoute = createRoute({
  method: 'put',
  path: '/settings/credit-rules',
  tags: ['settings'],
  summary: 'Replace the credit rules (county admin); each save is a new version, old versions are kept',
  description:
    'Units are rated by the new rules at their next change and at the daily re-rating; each rating names the rules version it used.',
  request: {
    headers: VersionHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: PutCreditRulesSchema } } },
  },
  responses: { 200: json(CreditRulesBodySchema, 'Saved'), ...WRITE_ERRORS },
});

export function registerCredit(app: ReturnType<typeof createRouter>) {
  app.openapi(getUnitCreditRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'unit.read');
    const { id } = c.req.valid('param');
    const unit: Unit | undefined = await countyData(c).units.get(id);
    if (!unit) throw new NotFoundError('unit');
    if (!inScope(principal, unitScopeTarget(unit)))
      throw new ForbiddenError('This unit is outside your area.');
    const credits = new CreditRepository(c.get('store'));
    const [current, history, { rules }] = await Promise.all([
      credits.get(id),
      credits.history(id),
      new CreditRulesRepository(c.get('store')).get(),
    ]);
    return c.json(
      {
        unitId: id,
        ...(current
          ? {
              current: {
                level: current.level,
                score: current.score,
                computedAt: current.computedAt,
                rulesVersion: current.rulesVersion,
                reasons: current.reasons,
                version: current.version,
                patrolDays: rules.patrolDays[current.level],
              },
            }
          : {}),
        history,
      },
      200,
    );
  });

  app.openapi(getRulesRoute, async (c) => {
    authorize(c.get('principal'), 'settings.read');
    return c.json(await new CreditRulesRepository(c.get('store')).get(), 200);
  });

  app.openapi(putRulesRoute, async (c) => {
    authorize(c.get('principal'), 'settings.manage');
    const body = c.req.valid('json');
    const problems = creditRulesProblems(body.rules);
    if (problems.length > 0) throw new ValidationError(problems);
    const repository = new CreditRulesRepository(c.get('store'));
    const current = await repository.get();
    const version = expectedVersion(c, body.version, current.version, 0);
    return c.json(await repository.put(body.rules, version, writeContext(c)), 200);
  });
}
