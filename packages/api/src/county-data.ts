import { type ListedRecords, type ListRequest, type ListScope, listScope } from '@gridsafe/core';
import {
  DepartmentRepository,
  GridRepository,
  IdempotencyStore,
  KnowledgeRepository,
  queuesWebhookDelivery,
  RiskPointRepository,
  SettingsRepository,
  TenantStore,
  UnitRepository,
  UserRepository,
} from '@gridsafe/db';
import { PhotoStore } from '@gridsafe/evidence';
import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';

/** The repositories of the request's county, all sharing its TenantStore (and its call counter). */
export function countyData(c: Context<AppEnv>) {
  const store = c.get('store');
  const former = c.get('formerCallerId');
  const current = c.get('principal')?.userId;
  return {
    store,
    grids: new GridRepository(store),
    departments: new DepartmentRepository(store),
    units: new UnitRepository(store),
    users: new UserRepository(store),
    idempotency: new IdempotencyStore(store, former && current ? { current, former } : undefined),
    riskPoints: new RiskPointRepository(store),
    settings: new SettingsRepository(store),
    knowledge: new KnowledgeRepository(store),
    photos: new PhotoStore(c.get('deps').evidence.client, c.get('deps').evidence.bucket, c.get('tenant')),
  };
}

export function createTenantStore(c: Context<AppEnv>, tenant: string): TenantStore {
  const { data, pageCursors } = c.get('deps');
  return new TenantStore(
    data.client,
    data.tableName,
    tenant,
    { count: () => c.set('dynamoCalls', (c.get('dynamoCalls') ?? 0) + 1) },
    pageCursors,
    (items) => {
      if (queuesWebhookDelivery(items)) c.set('deliveriesQueued', true);
    },
  );
}

export function writeContext(c: Context<AppEnv>) {
  return { principal: c.get('principal'), now: c.get('deps').clock.now() };
}

/** The part of the county a list request reads (core's listScope), looked up in the request's county. */
export function readScope(
  c: Context<AppEnv>,
  request: ListRequest,
  records?: ListedRecords,
): Promise<ListScope> {
  const { grids, units } = countyData(c);
  const lookups = { grid: (id: string) => grids.get(id), unit: (id: string) => units.get(id) };
  return listScope(c.get('principal'), request, lookups, records);
}
