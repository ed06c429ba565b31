import {
  actorOf,
  ConflictError,
  formatGrant,
  type GridNode,
  type Principal,
  type User,
  ValidationError,
  VENDOR_KB_VERSION,
} from '@gridsafe/core';
import { GridRepository, type TenantRecord, TenantRegistry, UserRepository } from '@gridsafe/db';
import { poolUsername } from '@gridsafe/identity';
import { DeferredWriteStore } from './deferred-write-store.ts';
import { tenantDeployCommand, tenantStackPath } from './deploy-commands.ts';
import { generateInitialPassword } from './initial-password.ts';
import type { PlatformDeps } from './platform-deps.ts';
import type { OnboardRequest } from './platform-schemas.ts';

export interface OnboardResult {
  tenant: TenantRecord;
  rootGrid: GridNode;
  admin: {
    id: string;
    username: string;
    displayName: string;
    temporaryPassword: string;
    passwordGenerated: boolean;
  };
  deploy: { stack: string; command: string };
}

/** A county may be registered only into a cell of the configuration, and seeded only where we can write. */
export function assertOnboardableCell(deps: PlatformDeps, cell: string): void {
  if (!deps.cells.known.includes(cell)) {
    throw new ValidationError([
      {
        path: 'cell',
        message: `is not a cell of infra/config/cells.json (known: ${deps.cells.known.join(', ') || 'none'})`,
      },
    ]);
  }
  if (deps.cells.seedable && !deps.cells.seedable.includes(cell)) {
    throw new ValidationError([
      {
        path: 'cell',
        message: `lives in another account; this control plane seeds counties of ${deps.cells.seedable.join(', ')} only`,
      },
    ]);
  }
}

/**
 * Onboards a county: its first county admin in the user directory, then ONE transaction of the registry item
 * (with its audit event and the county-side status mirror), the county's root grid node and the admin's user
 * record (each with its audit event). Either all of it exists afterwards or none of the table's part does; the
 * directory account is disabled again if the transaction fails.
 *
 * The knowledge base needs no copy: a county inherits the vendor default that ships with the code and stores
 * only its overrides, so the registry records the vendor version it started on (`kbVersion`).
 *
 * @example
 * const result = await onboardCounty(deps, { id: 'fuyang', name: '阜阳市颍泉区', divisionCode: '341204',
 *   cell: 'dev-1', admin: { username: 'county.admin' } }, operator);
 * console.log(result.admin.temporaryPassword); // shown once
 */
export async function onboardCounty(
  deps: PlatformDeps,
  input: OnboardRequest,
  operator: Principal,
): Promise<OnboardResult> {
  assertOnboardableCell(deps, input.cell);
  const { client, tableName } = deps.data;
  const registry = new TenantRegistry(client, tableName);
  // Checked before the directory is touched: a second onboarding must not create a user in an existing county.
  if (await registry.get(input.id, true)) {
    throw new ConflictError(
      `County ${input.id} is already registered; nothing was changed.`,
      'tenant_exists',
    );
  }

  const now = deps.clock.now();
  const rootId = deps.ids.next();
  const adminId = deps.ids.next();
  const passwordGenerated = input.admin.password === undefined;
  const password = input.admin.password ?? generateInitialPassword();
  const displayName = input.admin.displayName ?? `${input.name}管理员`;
  const scope = [formatGrant({ kind: 'grid', id: rootId })];
  const directoryName = poolUsername(input.id, input.admin.username);

  let sub: string;
  try {
    // Temporary (FORCE_CHANGE_PASSWORD): the vendor has seen this password, so the admin must replace it at the
    // first login (MLPS level 3).
    ({ sub } = await deps.identity.createUser(directoryName, password, { displayName }, { temporary: true }));
  } catch (error) {
    if (error instanceof ConflictError) {
      throw new ConflictError(
        `The user directory already holds ${directoryName} (left by an earlier, failed onboarding?): choose another admin username.`,
        'username_taken',
        { cause: error },
      );
    }
    throw error;
  }

  try {
    const seed = new DeferredWriteStore(client, tableName, input.id);
    const ctx = { principal: operator, now };
    const rootGrid = await new GridRepository(seed).create(
      { id: rootId, level: 'county', name: input.name, code: input.divisionCode },
      ctx,
    );
    const at = now.toISOString();
    const user: User = {
      id: adminId,
      username: input.admin.username,
      displayName,
      role: 'county_admin',
      scope,
      enabled: true,
      identities: [{ provider: deps.countyPasswordProvider, subject: sub }],
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await new UserRepository(seed).create(user, ctx);
    const registration = registry.registrationWrites(
      {
        id: input.id,
        name: input.name,
        divisionCode: input.divisionCode,
        cell: input.cell,
        kbVersion: VENDOR_KB_VERSION,
        adminUsername: input.admin.username,
      },
      actorOf(operator),
      now,
    );
    await seed.commit(registration.items, 'county');
    deps.logger.info('county onboarded', { tenant: input.id, cell: input.cell, operator: operator.username });
    return {
      tenant: registration.record,
      rootGrid,
      admin: {
        id: adminId,
        username: input.admin.username,
        displayName,
        temporaryPassword: password,
        passwordGenerated,
      },
      deploy: {
        stack: tenantStackPath(input.cell, input.id),
        command: tenantDeployCommand(input.cell, input.id),
      },
    };
  } catch (error) {
    // The directory account must not outlive a county that was never written.
    await deps.identity.setEnabled(directoryName, false).catch((disableError: unknown) => {
      deps.logger.error('could not disable the admin of a failed onboarding', {
        tenant: input.id,
        error: disableError,
      });
    });
    if (error instanceof ConflictError && (await registry.get(input.id, true))) {
      throw new ConflictError(
        `County ${input.id} is already registered; nothing was changed.`,
        'tenant_exists',
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
