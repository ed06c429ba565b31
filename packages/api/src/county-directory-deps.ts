import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { accessTokenSecondsFor } from '@gridsafe/core/contract';
import { DirectoryRepository, SettingsRepository, TenantStore } from '@gridsafe/db';
import { CountyKeyCache, createCountyDirectoryProvider, type IdentityProvider } from '@gridsafe/identity';
import { cachedSettings } from './settings-cache.ts';

/**
 * The county directory's parts for one process: the key cache the token check reads and the directory that
 * shares it (so a key made at a login is trusted at once). Loaded at the first token or login of a county
 * directory, not in every cold start (runtime-deps.ts).
 */
export function countyDirectoryParts(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  issuerBase: string;
  clientId: string;
  /** The longest an access token may live; each county's own idle time shortens it (core accessTokenSecondsFor). */
  maxAccessTokenSeconds?: number;
  former?: IdentityProvider;
  now: () => Date;
}) {
  const tenantStore = (tenant: string) => new TenantStore(options.client, options.tableName, tenant);
  const storeFor = (tenant: string) => new DirectoryRepository(tenantStore(tenant));
  const keys = new CountyKeyCache((tenant) => storeFor(tenant).signingKeys());
  const directory = createCountyDirectoryProvider({
    storeFor,
    issuerBase: options.issuerBase,
    clientId: options.clientId,
    accessTokenSeconds: async (tenant: string) => {
      const { settings } = await cachedSettings(tenant, new SettingsRepository(tenantStore(tenant)));
      return accessTokenSecondsFor(settings.security.idleMinutes, options.maxAccessTokenSeconds ?? 900);
    },
    keys,
    ...(options.former ? { former: options.former } : {}),
    now: options.now,
  });
  return { keys, directory };
}
