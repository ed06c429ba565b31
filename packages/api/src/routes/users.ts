import {
  authorize,
  CreateUserSchema,
  NotFoundError,
  ResetPasswordSchema,
  UpdateUserSchema,
  UserSchema,
} from '@gridsafe/core';
import { countyData } from '../county-data.ts';
import { PageQuerySchema } from '../http-helpers.ts';
import type { createRouter } from '../openapi-hono.ts';
import { auditTrail, recordRoutes } from './record-routes.ts';

const userRoutes = recordRoutes('users', 'users');
const listRoute = userRoutes.list('People of the county (county admin)', PageQuerySchema, {
  item: UserSchema,
  name: 'UserPage',
  answer: 'Users',
});
const getRoute = userRoutes.get('One person (county admin)', UserSchema, 'The user');
const createUserRoute = userRoutes.create(
  'Create a person with a role and scope (county admin)',
  CreateUserSchema,
  UserSchema,
  { keyed: false },
);
const patchRoute = userRoutes.patch(
  'Change role, scope, name or phone, or disable a person (county admin). Takes effect at their next request.',
  UpdateUserSchema,
  UserSchema,
);
const resetPasswordRoute = userRoutes.step('password', {
  summary:
    'Set a new password for a person who forgot theirs (county admin); temporary unless said, so they choose their own at the next login',
  body: ResetPasswordSchema,
  bodyRequired: true,
  answer: [UserSchema, 'The person, one version on'],
});
const auditRoute = userRoutes.audit('The person’s history, oldest first, with the hash chain verified');

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

  app.openapi(resetPasswordRoute, async (c) => {
    authorize(c.get('principal'), 'user.manage');
    const { id } = c.req.valid('param');
    return c.json(await (await handlers()).resetPassword(c, id, c.req.valid('json')), 200);
  });

  app.openapi(auditRoute, async (c) => {
    authorize(c.get('principal'), 'user.read');
    const { id } = c.req.valid('param');
    if (!(await countyData(c).users.get(id))) throw new NotFoundError('user');
    return c.json(await auditTrail(c, 'user', id), 200);
  });
}

const handlers = () => import('./user-administration.ts');
