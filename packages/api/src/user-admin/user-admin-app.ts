import { type Logger, NotFoundError, ulidSource, ValidationError } from '@gridsafe/core';
import { poolUsername, USER_ADMIN_BASE_PATH, type UserAdministration } from '@gridsafe/identity';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type * as z from 'zod/mini';
import { fieldProblems, handleError, problemResponse } from '../problem.ts';
import { type CountyCallerPolicy, countyOfCaller } from './caller-county.ts';
import {
  CreateDirectoryUserSchema,
  DirectoryUsernameSchema,
  SetDirectoryEnabledSchema,
  SetDirectoryPasswordSchema,
  UpdateDirectoryUserSchema,
} from './user-admin-schemas.ts';

export interface UserAdminDeps {
  /** The cell's county user pool, with the admin rights only this service's role holds. */
  directory: UserAdministration;
  callers: CountyCallerPolicy;
  logger: Logger;
}

/**
 * What API Gateway (HTTP API, AWS_IAM route) hands the function, and what the local front hands the app:
 * the identity IAM checked the request's signature against.
 */
export interface UserAdminBindings {
  requestContext?: { authorizer?: { iam?: { userArn?: string } } };
}

type UserAdminEnv = { Bindings: UserAdminBindings; Variables: { tenant: string; requestId: string } };

/**
 * The cell's user-administration service: the only code with admin rights on the county user pool. Each
 * request acts for the county of the calling role and touches only `<that county>:*` accounts.
 */
export function createUserAdminApp(deps: UserAdminDeps): Hono<UserAdminEnv> {
  const app = new Hono<UserAdminEnv>();
  app.onError((error, c) => handleError(error, c as unknown as Context, deps.logger));
  app.notFound((c) => problemResponse(c as unknown as Context, 404, 'not_found', 'No such endpoint.'));
  app.use('*', bodyLimit({ maxSize: 16 * 1024 }));
  app.use('*', async (c, next) => {
    c.set('requestId', c.req.header('x-request-id') ?? ulidSource.next());
    c.set('tenant', countyOfCaller(c.env?.requestContext?.authorizer?.iam?.userArn, deps.callers));
    await next();
  });

  const account = (c: Context<UserAdminEnv>) => {
    const username = DirectoryUsernameSchema.safeParse(c.req.param('username'));
    if (!username.success) throw new ValidationError(fieldProblems(username.error, 'path.username'));
    return poolUsername(c.get('tenant'), username.data);
  };

  app.post(USER_ADMIN_BASE_PATH, async (c) => {
    const input = await body(c, CreateDirectoryUserSchema);
    const directoryName = poolUsername(c.get('tenant'), input.username);
    // The county comes from the caller, never from the body.
    const { sub } = await deps.directory.createUser(directoryName, input.password, {
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
    });
    if (input.temporary) await deps.directory.setPassword(directoryName, input.password, { temporary: true });
    deps.logger.info('directory account created', { tenant: c.get('tenant'), username: input.username });
    return c.json({ username: input.username, sub }, 201);
  });

  app.get(`${USER_ADMIN_BASE_PATH}/:username`, async (c) => {
    const sub = await deps.directory.getUserSub(account(c));
    if (!sub) throw new NotFoundError('user');
    return c.json({ username: c.req.param('username'), sub }, 200);
  });

  app.patch(`${USER_ADMIN_BASE_PATH}/:username`, async (c) => {
    const directoryName = account(c);
    await deps.directory.updateUser(directoryName, await body(c, UpdateDirectoryUserSchema));
    return c.body(null, 204);
  });

  app.put(`${USER_ADMIN_BASE_PATH}/:username/password`, async (c) => {
    const directoryName = account(c);
    const input = await body(c, SetDirectoryPasswordSchema);
    await deps.directory.setPassword(directoryName, input.password, { temporary: input.temporary });
    deps.logger.info('directory password set', { tenant: c.get('tenant'), temporary: input.temporary });
    return c.body(null, 204);
  });

  app.put(`${USER_ADMIN_BASE_PATH}/:username/enabled`, async (c) => {
    const directoryName = account(c);
    const input = await body(c, SetDirectoryEnabledSchema);
    await deps.directory.setEnabled(directoryName, input.enabled);
    deps.logger.info('directory account enabled changed', {
      tenant: c.get('tenant'),
      enabled: input.enabled,
    });
    return c.body(null, 204);
  });
  return app;
}

async function body<S extends z.ZodMiniType>(c: Context<UserAdminEnv>, schema: S): Promise<z.infer<S>> {
  const raw: unknown = await c.req.json().catch(() => {
    throw new ValidationError([{ path: '(body)', message: 'must be a JSON object' }]);
  });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(fieldProblems(parsed.error, 'json'));
  return parsed.data as z.infer<S>;
}
