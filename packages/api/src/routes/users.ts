import {
  authorize,
  CreateUserSchema,
  type FieldProblem,
  NotFoundError,
  parseGrant,
  type Role,
  UpdateUserSchema,
  type User,
  UserSchema,
  ValidationError,
} from '@gridsafe/core';
import { fromItem } from '@gridsafe/db';
import { poolUsername } from '@gridsafe/identity';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import {
  COMMON_ERRORS,
  expectedVersion,
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

/** The grant kind each role works through; the county admin needs none (it sees the whole county). */
const GRANT_FOR_ROLE: Partial<Record<Role, { kind: 'grid' | 'dept' | 'unit'; level?: string }>> = {
  township_officer: { kind: 'grid', level: 'township' },
  grid_member: { kind: 'grid', level: 'village' },
  department_officer: { kind: 'dept' },
  unit_user: { kind: 'unit' },
};

/** Every grant must name something that exists in this county, and the role must have what it works through. */
async function assertValidScope(c: Context<AppEnv>, role: Role, scope: string[]): Promise<void> {
  const data = countyData(c);
  const problems: FieldProblem[] = [];
  const grants = scope.map(parseGrant);
  await Promise.all(
    grants.map(async (grant, index) => {
      if (!grant) return;
      const exists =
        grant.kind === 'grid'
          ? await data.grids.get(grant.id)
          : grant.kind === 'dept'
            ? await data.departments.get(grant.id)
            : await data.units.get(grant.id);
      if (!exists) problems.push({ path: `scope.${index}`, message: `no such ${grant.kind} in this county` });
      const needed = GRANT_FOR_ROLE[role];
      if (
        exists &&
        needed?.level &&
        grant.kind === 'grid' &&
        (exists as { level?: string }).level !== needed.level
      ) {
        problems.push({ path: `scope.${index}`, message: `a ${role} is assigned to ${needed.level} grids` });
      }
    }),
  );
  const needed = GRANT_FOR_ROLE[role];
  if (needed && !grants.some((grant) => grant?.kind === needed.kind)) {
    problems.push({ path: 'scope', message: `a ${role} needs at least one ${needed.kind}:<id> assignment` });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

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
    const input = c.req.valid('json');
    const data = countyData(c);
    const deps = c.get('deps');
    await assertValidScope(c, input.role, input.scope);
    if (await data.users.findIdByUsername(input.username)) {
      throw new ValidationError([{ path: 'username', message: 'is already taken in this county' }]);
    }
    const directoryName = poolUsername(c.get('tenant'), input.username);
    const { sub } = await deps.identity.createUser(directoryName, input.password, {
      displayName: input.displayName,
    });
    const now = deps.clock.now().toISOString();
    const user: User = {
      id: deps.ids.next(),
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      scope: input.scope,
      ...(input.phone ? { phone: input.phone } : {}),
      enabled: true,
      ...(deps.passwordProvider ? { identities: [{ provider: deps.passwordProvider, subject: sub }] } : {}),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await data.users.create(user, writeContext(c));
    } catch (error) {
      // The record lost a race for the username: the directory account must not stay usable on its own.
      await deps.identity.setEnabled(directoryName, false).catch(() => undefined);
      throw error;
    }
    return c.json(user, 201);
  });

  app.openapi(patchRoute, async (c) => {
    authorize(c.get('principal'), 'user.manage');
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const data = countyData(c);
    const deps = c.get('deps');
    const stored = await data.users.getStored(id, true);
    if (!stored) throw new NotFoundError('user');
    const current = fromItem<User>(stored);
    const version = expectedVersion(c, input.version, current.version);
    const role = input.role ?? current.role;
    const scope = input.scope ?? current.scope;
    if (input.role !== undefined || input.scope !== undefined) await assertValidScope(c, role, scope);
    const after: User = {
      ...current,
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      ...(input.phone !== undefined ? { phone: input.phone } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      role,
      scope,
    };
    const directoryName = poolUsername(c.get('tenant'), current.username);
    await deps.identity.updateUser(directoryName, { displayName: after.displayName });
    if (input.enabled !== undefined && input.enabled !== current.enabled) {
      await deps.identity.setEnabled(directoryName, input.enabled);
    }
    const updated = await data.users.update(stored, after, version, writeContext(c));
    // This process answers the person's next request from the new record; others within PERSON_CACHE_TTL_MS.
    deps.people.forgetPerson(c.get('tenant'), id);
    return c.json(updated, 200);
  });
}
