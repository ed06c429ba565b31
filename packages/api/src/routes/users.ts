import { authorize, CreateUserSchema, NotFoundError, UpdateUserSchema, UserSchema } from '@gridsafe/core';
import { countyData } from '../county-data.ts';
import {
  COMMON_ERRORS,
  IdParamSchema,
  json,
  PageQuerySchema,
  pageOf,
  VersionHeaderSchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const listRoute = createRoute({
  method: 'get',
  path: '/users',
  tags: ['users'],
  summary: 'People of the county (county admin)',
  request: { query: PageQuerySchema },
  responses: { 200: json(pageOf(UserSchema, 'UserPage'), 'Users'), ...COMMON_ERRORS },
});
const getRoute = createRoute({
  method: 'get',
  path: '/users/{id}',
  tags: ['users'],
  summary: 'One person (county admin)',
  request: { params: IdParamSchema },
  responses: { 200: json(UserSchema, 'The user'), ...COMMON_ERRORS },
});
const createUserRoute = createRoute({
  method: 'post',
  path: '/users',
  tags: ['users'],
  summary: 'Create a person with a role and scope (county admin)',
  request: { body: { required: true, content: { 'application/json': { schema: CreateUserSchema } } } },
  responses: { 201: json(UserSchema, 'Created'), ...WRITE_ERRORS },
});
const patchRoute = createRoute({
  method: 'patch',
  path: '/users/{id}',
  tags: ['users'],
  summary:
    'Change role, scope, name or phone, or disable a person (county admin). Takes effect at their next request.',
  request: {
    params: IdParamSchema,
    headers: VersionHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: UpdateUserSchema } } },
  },
  responses: { 200: json(UserSchema, 'Updated'), ...WRITE_ERRORS },
});

export function registerUsers(app: ReturnType<typeof createRouter>) {
  app.openapi(listRoute, async (c) => {
    authorize(c.get('principal'), 'user.read');
    const { limit, cursor } = c.req.valid('query');
    return c.json(await countyData(c).users.list({ limit, cursor }), 200);
  });

  app.openapi(getRoute, async (c) => {
    authorize(c.get('principal'), 'user.read');
    const user = await countyData(c).users.get(c.req.valid('param').id);
    if (!user) throw new NotFoundError('user');
    return c.json(user, 200);
  });

  app.openapi(createUserRoute, async (c) => {
    authorize(c.get('principal'), 'user.manage');
    return c.json(await (await handlers()).createUser(c, c.req.valid('json')), 201);
  });

  app.openapi(patchRoute, async (c) => {
    authorize(c.get('principal'), 'user.manage');
    const { id } = c.req.valid('param');
    return c.json(await (await handlers()).updateUser(c, id, c.req.valid('json')), 200);
  });
}

const handlers = () => import('./user-administration.ts');
