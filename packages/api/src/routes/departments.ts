import { authorize, CreateDepartmentSchema, DepartmentSchema, described } from '@gridsafe/core';
import * as z from 'zod/mini';
import { countyData, writeContext } from '../county-data.ts';
import { COMMON_ERRORS, WRITE_ERRORS } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/departments',
  tags: ['departments'],
  summary: 'Industry departments and the industries each supervises',
  responses: {
    200: {
      description: 'Every department of the county',
      content: {
        'application/json': {
          schema: described(z.object({ items: z.array(DepartmentSchema) }), { id: 'DepartmentList' }),
        },
      },
    },
    ...COMMON_ERRORS,
  },
});

const createDepartmentRoute = createRoute({
  method: 'post',
  path: '/departments',
  tags: ['departments'],
  summary: 'Create a department (county admin)',
  request: { body: { required: true, content: { 'application/json': { schema: CreateDepartmentSchema } } } },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: DepartmentSchema } } },
    ...WRITE_ERRORS,
  },
});

export function registerDepartments(app: ReturnType<typeof createRouter>) {
  app.openapi(listRoute, async (c) => {
    authorize(c.get('principal'), 'department.read');
    return c.json({ items: await countyData(c).departments.list() }, 200);
  });

  app.openapi(createDepartmentRoute, async (c) => {
    authorize(c.get('principal'), 'department.manage');
    const input = c.req.valid('json');
    const department = await countyData(c).departments.create(
      { id: c.get('deps').ids.next(), name: input.name, industries: [...new Set(input.industries)] },
      writeContext(c),
    );
    return c.json(department, 201);
  });
}
