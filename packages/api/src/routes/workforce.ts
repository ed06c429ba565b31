import { authorize, described } from '@gridsafe/core';
import * as z from 'zod/mini';
import { COMMON_ERRORS, IdQuery } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

// A real calendar day: 2071-72-65 matches a digits pattern but is no date, and must be a 400, not a 500 later.
const DATE = z.string().check(
  z.refine((value) => {
    const at = Date.parse(`${value}T00:00:00Z`);
    return (
      /^20\d{2}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(at) && new Date(at).toISOString().startsWith(value)
    );
  }, 'must be a date like 2026-12-01'),
);
const count = z.number().check(z.int());

const PeriodQuery = {
  from: described(z.optional(DATE), {
    description: 'First day (China Standard Time); 29 days before `to` when left out',
  }),
  to: described(z.optional(DATE), { description: 'Last day, included; today when left out' }),
  grid: described(z.optional(IdQuery), { description: 'A township or village of the caller’s area' }),
};

const FiguresShape = {
  due: described(count, { description: 'Patrols due in the period (cancelled tasks left out)' }),
  done: described(count, { description: 'Done (a member: done by them)' }),
  overdue: described(count, { description: 'Still scheduled past their due time' }),
  far: described(count, {
    description: 'Done with the recorded position further than thresholdMeters from the unit and its points',
  }),
};
const WorkforceRowSchema = described(
  z.object({
    kind: z.enum(['village', 'member']),
    id: z.string(),
    name: z.string(),
    path: z.optional(z.string()),
    villageIds: z.optional(z.array(z.string())),
    ...FiguresShape,
  }),
  { id: 'WorkforceRow' },
);
const WorkforceSchema = described(
  z.object({
    from: z.string(),
    to: z.string(),
    thresholdMeters: described(count, { description: 'The county’s settings.patrolDistanceFlagMeters' }),
    totals: z.object(FiguresShape),
    villages: z.array(WorkforceRowSchema),
    members: z.array(WorkforceRowSchema),
  }),
  { id: 'Workforce' },
);
const WorkforcePatrolSchema = described(
  z.object({
    id: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    gridId: z.string(),
    gridPath: z.string(),
    departmentId: z.optional(z.string()),
    dueAt: z.string(),
    status: z.enum(['scheduled', 'done', 'cancelled']),
    completedAt: z.optional(z.string()),
    completedBy: z.optional(z.string()),
    distanceMeters: z.optional(z.number()),
  }),
  { id: 'WorkforcePatrol' },
);

const viewRoute = createRoute({
  method: 'get',
  path: '/workforce',
  tags: ['patrols'],
  summary:
    'The workforce view: patrols of a period by village and by grid member (due, done, overdue, done far)',
  description:
    'In the caller’s area (county admin, township and department officers). The period is at most 92 days and is read with one bounded Query of the patrols’ due-date index. `format=xlsx` downloads it as a spreadsheet.',
  request: {
    query: z.object({
      ...PeriodQuery,
      format: described(z.optional(z.enum(['json', 'xlsx'])), { description: 'xlsx: a spreadsheet' }),
    }),
  },
  responses: {
    200: {
      description: 'The view',
      content: {
        'application/json': { schema: WorkforceSchema },
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string() },
      },
    },
    ...COMMON_ERRORS,
  },
});

const patrolsRoute = createRoute({
  method: 'get',
  path: '/workforce/patrols',
  tags: ['patrols'],
  summary: 'The patrols behind one figure of the workforce view (drill-down), at most 500',
  request: {
    query: z.object({
      ...PeriodQuery,
      village: described(z.optional(IdQuery), { description: 'This village’s patrols' }),
      member: described(z.optional(IdQuery), {
        description: 'This grid member’s: their villages’ (due, overdue) or completed by them (done, far)',
      }),
      state: described(z.optional(z.enum(['due', 'done', 'overdue', 'far'])), {
        description: 'Which figure; due (all) when left out',
      }),
    }),
  },
  responses: {
    200: {
      description: 'The patrols, by due time',
      content: {
        'application/json': {
          schema: described(
            z.object({
              items: z.array(WorkforcePatrolSchema),
              truncated: described(z.boolean(), { description: 'More than 500 matched; narrow the period' }),
            }),
            { id: 'WorkforcePatrolList' },
          ),
        },
      },
    },
    ...COMMON_ERRORS,
  },
});

export function registerWorkforce(app: ReturnType<typeof createRouter>) {
  app.openapi(viewRoute, async (c) => {
    authorize(c.get('principal'), 'assessment.read');
    const { format, ...period } = c.req.valid('query');
    const { workforceView, workforceXlsx } = await import('./workforce-answer.ts');
    const view = await workforceView(c, period);
    if (format !== 'xlsx') return c.json(view, 200);
    return c.body(await workforceXlsx(view), 200, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="workforce-${view.from}-${view.to}.xlsx"`,
    });
  });
  app.openapi(patrolsRoute, async (c) => {
    authorize(c.get('principal'), 'assessment.read');
    const { workforcePatrols } = await import('./workforce-answer.ts');
    return c.json(await workforcePatrols(c, c.req.valid('query')), 200);
  });
}
