import {
  authorize,
  CreateAssessmentActionSchema,
  checkAssessmentActionInput,
  coversWholeCounty,
  described,
  NotFoundError,
  QUARTER_MESSAGE,
  QUARTER_PATTERN,
  ValidationError,
} from '@gridsafe/core';
import { AssessmentActionRepository } from '@gridsafe/db';
import * as z from 'zod/mini';
import { countyData, writeContext } from '../county-data.ts';
import { COMMON_ERRORS, WRITE_ERRORS } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const AssessmentActionSchema = described(
  z.object({
    id: z.string(),
    kind: described(z.enum(['interview', 'circular', 'withdrawal']), {
      description: 'interview 约谈, circular 通报, withdrawal: compensates one recorded by mistake',
    }),
    quarter: z.string(),
    year: z.string(),
    targetKind: z.enum(['township', 'department']),
    targetId: z.string(),
    targetName: z.string(),
    reason: z.string(),
    withdraws: z.optional(z.string()),
    withdrawnBy: z.optional(z.string()),
    recordedBy: z.string(),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'AssessmentAction' },
);

const listRoute = createRoute({
  method: 'get',
  path: '/assessments/actions',
  tags: ['assessments'],
  summary: '约谈 and 通报 recorded in a year or quarter, with their withdrawals',
  description: 'The county admin sees every record; an officer those against its own township or department.',
  request: {
    query: z.object({
      year: described(z.optional(z.string().check(z.regex(/^(20\d{2}|2100)$/, 'must be a year like 2026'))), {
        description: 'The year (the current one when neither is given)',
      }),
      quarter: described(z.optional(z.string().check(z.regex(QUARTER_PATTERN, QUARTER_MESSAGE))), {
        description: 'Only this quarter',
      }),
    }),
  },
  responses: {
    200: {
      description: 'The records, oldest first',
      content: {
        'application/json': {
          schema: described(z.object({ items: z.array(AssessmentActionSchema) }), {
            id: 'AssessmentActionList',
          }),
        },
      },
    },
    ...COMMON_ERRORS,
  },
});

const createActionRoute = createRoute({
  method: 'post',
  path: '/assessments/actions',
  tags: ['assessments'],
  summary:
    'Record a 约谈 (interview) or 通报 (circular) of a township or department in a quarter, or withdraw one (county admin)',
  description:
    'Deducted from the target’s assessment score for the quarter (settings.assessment.deductions). Nothing is deleted: a withdrawal names the record it compensates, both stay listed and audited.',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateAssessmentActionSchema } } },
  },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: AssessmentActionSchema } } },
    ...WRITE_ERRORS,
  },
});

export function registerAssessmentActions(app: ReturnType<typeof createRouter>) {
  app.openapi(listRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'assessment.read');
    const { year, quarter } = c.req.valid('query');
    if (year && quarter && quarter.slice(0, 4) !== year)
      throw new ValidationError([{ path: 'query.quarter', message: 'must be a quarter of the year asked' }]);
    const now = c.get('deps').clock.now();
    const asked = year ?? quarter?.slice(0, 4) ?? String(now.getUTCFullYear());
    const items = await new AssessmentActionRepository(countyData(c).store).list({
      year: asked,
      ...(quarter ? { quarter } : {}),
    });
    const own = new Set(principal.grants.map((grant) => grant.id));
    const visible = coversWholeCounty(principal) ? items : items.filter((item) => own.has(item.targetId));
    return c.json({ items: visible }, 200);
  });

  app.openapi(createActionRoute, async (c) => {
    authorize(c.get('principal'), 'assessment.manage');
    const input = c.req.valid('json');
    checkAssessmentActionInput(input);
    const data = countyData(c);
    const repository = new AssessmentActionRepository(data.store);
    const id = c.get('deps').ids.next();
    if (input.kind === 'withdrawal') {
      const withdrawal = await repository.withdraw(id, input.withdraws!, input.reason, writeContext(c));
      return c.json(withdrawal, 201);
    }
    const targetName = await targetNameOf(data, input.targetKind!, input.targetId!);
    const action = await repository.record(
      id,
      { ...input, quarter: input.quarter!, targetName },
      writeContext(c),
    );
    return c.json(action, 201);
  });
}

/** The township or department named, or a 404: a 约谈 is recorded against something that exists. */
async function targetNameOf(
  data: ReturnType<typeof countyData>,
  kind: 'township' | 'department',
  id: string,
): Promise<string> {
  if (kind === 'township') {
    const grid = await data.grids.get(id);
    if (grid?.level !== 'township') throw new NotFoundError('township');
    return grid.name;
  }
  const department = await data.departments.get(id);
  if (!department) throw new NotFoundError('department');
  return department.name;
}
