import {
  authorize,
  CreateDepartmentSchema,
  DepartmentSchema,
  described,
  NotFoundError,
  UpdateDepartmentSchema,
} from '@gridsafe/core';
import * as z from 'zod/mini';
import { countyData, writeContext } from '../county-data.ts';
import { COMMON_ERRORS, expectedVersion, WRITE_ERRORS } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { auditTrail, recordRoutes } from './record-routes.ts';

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

const departmentRoutes = recordRoutes('departments', 'departments');
const patchRoute = departmentRoutes.patch(
  'Rename a department or set the industries it supervises (county admin); units registered afterwards follow the new industries, existing units keep their department',
  UpdateDepartmentSchema,
  DepartmentSchema,
);
const auditRoute = departmentRoutes.audit(
  'The department’s history, oldest first, with the hash chain verified',
);

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

  app.openapi(patchRoute, async (c) => {
    authorize(c.get('principal'), 'department.manage');
    const input = c.req.valid('json');
    const { departments } = countyData(c);
    const stored = await departments.getStored(c.req.valid('param').id, true);
    if (!stored) throw new NotFoundError('department');
    const version = expectedVersion(c, input.version, Number(stored.version));
    const department = await departments.update(
      stored,
      {
        name: input.name,
        ...(input.industries ? { industries: [...new Set(input.industries)] } : {}),
      },
      version,
      writeContext(c),
    );
    return c.json(department, 200);
  });

  app.openapi(auditRoute, async (c) => {
    authorize(c.get('principal'), 'department.read');
    const { id } = c.req.valid('param');
    if (!(await countyData(c).departments.get(id))) throw new NotFoundError('department');
    return c.json(await auditTrail(c, 'department', id), 200);
  });
}
