import {
  acceptedProviders,
  type CreateUserSchema,
  type FieldProblem,
  NotFoundError,
  parseGrant,
  type ResetPasswordSchema,
  type Role,
  type UpdateUserSchema,
  type User,
  ValidationError,
} from '@gridsafe/core';
import { fromItem } from '@gridsafe/db';
import { poolUsername } from '@gridsafe/identity';
import type { Context } from 'hono';
import type * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import { expectedVersion } from '../http-helpers.ts';

type CreateUserInput = z.infer<typeof CreateUserSchema>;
type UpdateUserInput = z.infer<typeof UpdateUserSchema>;
type ResetPasswordInput = z.infer<typeof ResetPasswordSchema>;

// Creating and changing people: the directory calls and scope checks, a chunk of their own (users.ts registers
// the routes), loaded when a county admin first manages people in a process.

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

/** A new person: the directory account first, then the county's record (which alone grants anything). */
export async function createUser(c: Context<AppEnv>, input: CreateUserInput) {
  const data = countyData(c);
  const deps = c.get('deps');
  await assertValidScope(c, input.role, input.scope);
  if (await data.users.findIdByUsername(input.username)) {
    throw new ValidationError([{ path: 'username', message: 'is already taken in this county' }]);
  }
  const directoryName = poolUsername(c.get('tenant'), input.username);
  const withPassword = signsInWithPasswords(c);
  if (withPassword && !input.password) {
    throw new ValidationError([
      { path: 'password', message: 'is required: this county signs in with passwords' },
    ]);
  }
  if (!withPassword && input.password) {
    throw new ValidationError([
      {
        path: 'password',
        message:
          'must be left out: this county signs in at its identity provider, which links the person at the first login',
      },
    ]);
  }
  const sub = input.password
    ? (await deps.identity.createUser(directoryName, input.password, { displayName: input.displayName })).sub
    : undefined;
  const now = deps.clock.now().toISOString();
  const user: User = {
    id: deps.ids.next(),
    username: input.username,
    displayName: input.displayName,
    role: input.role,
    scope: input.scope,
    ...(input.phone ? { phone: input.phone } : {}),
    enabled: true,
    ...(deps.passwordProvider && sub
      ? { identities: [{ provider: deps.passwordProvider, subject: sub }] }
      : {}),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await data.users.create(user, writeContext(c));
  } catch (error) {
    // The record lost a race for the username: the directory account must not stay usable on its own.
    if (sub) await deps.identity.setEnabled(directoryName, false).catch(() => undefined);
    throw error;
  }
  return user;
}

/** Role, scope, name, phone or enabled of a person, under its version; the person's cache is dropped at once. */
export async function updateUser(c: Context<AppEnv>, id: string, input: UpdateUserInput) {
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
  // A county that signs in only at an OpenID provider has no directory account to keep in step: its record
  // alone decides (a disabled person's token is refused at the next request either way).
  if (signsInWithPasswords(c)) {
    const directoryName = poolUsername(c.get('tenant'), current.username);
    await deps.identity.updateUser(directoryName, { displayName: after.displayName });
    if (input.enabled !== undefined && input.enabled !== current.enabled) {
      await deps.identity.setEnabled(directoryName, input.enabled);
    }
  }
  const updated = await data.users.update(stored, after, version, writeContext(c));
  // This process answers the person's next request from the new record; others within PERSON_CACHE_TTL_MS.
  deps.people.forgetPerson(c.get('tenant'), id);
  return updated;
}

/**
 * A new password in the directory, then the person's record one version on with a `password_reset` event. A county
 * that signs in only at an OpenID provider keeps no passwords here, so there is nothing to reset.
 */
export async function resetPassword(c: Context<AppEnv>, id: string, input: ResetPasswordInput) {
  const data = countyData(c);
  const deps = c.get('deps');
  const stored = await data.users.getStored(id, true);
  if (!stored) throw new NotFoundError('user');
  const current = fromItem<User>(stored);
  const version = expectedVersion(c, undefined, current.version);
  if (!signsInWithPasswords(c)) {
    throw new ValidationError([
      {
        path: 'password',
        message: 'this county signs in at its identity provider, which holds the passwords',
      },
    ]);
  }
  await deps.identity.setPassword(poolUsername(c.get('tenant'), current.username), input.password, {
    temporary: input.temporary,
  });
  return data.users.recordPasswordReset(stored, version, writeContext(c), { temporary: input.temporary });
}

/** Whether this county accepts the cell's password provider (POST /session), and so keeps directory accounts. */
function signsInWithPasswords(c: Context<AppEnv>): boolean {
  const deps = c.get('deps');
  return (
    deps.passwordProvider !== undefined &&
    acceptedProviders(deps.authProviders, c.get('tenant')).some(
      (provider) => provider.id === deps.passwordProvider,
    )
  );
}
