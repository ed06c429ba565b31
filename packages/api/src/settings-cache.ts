import type { TenantSettings } from '@gridsafe/core';
import type { SettingsRepository } from '@gridsafe/db';

/**
 * Settings change a few times a year but are needed by many writes; reading them on every transition would
 * break the "one read plus one transaction" budget. Each process keeps them for 30 s (a county admin's change
 * reaches every Lambda within that), and the process that saved a change sees it at once.
 */
const TTL_MS = 30_000;
const cache = new Map<string, { value: { settings: TenantSettings; version: number }; at: number }>();

export async function cachedSettings(tenant: string, repository: SettingsRepository) {
  const hit = cache.get(tenant);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = await repository.get();
  cache.set(tenant, { value, at: Date.now() });
  return value;
}

export function rememberSettings(tenant: string, value: { settings: TenantSettings; version: number }): void {
  cache.set(tenant, { value, at: Date.now() });
}
