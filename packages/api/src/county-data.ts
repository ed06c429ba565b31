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

/**
 * The repositories of the request's county, all sharing its TenantStore (and its call counter). Each is made when
 * first read: a request reads one or two of the ten, and making all of them at every call was about 1% of the API's
 * CPU on a short read (docs/performance.md). Each call answers a fresh set, as the principal may have changed.
 */
export function countyData(c: Context<AppEnv>): CountyData {
  return new CountyData(c);
}

export class CountyData {
  readonly store: TenantStore;
  constructor(private readonly c: Context<AppEnv>) {
    this.store = c.get('store');
  }
  get grids() {
    return new GridRepository(this.store);
  }
  get departments() {
    return new DepartmentRepository(this.store);
  }
  get units() {
    return new UnitRepository(this.store);
  }
  get users() {
    return new UserRepository(this.store);
  }
  get idempotency() {
    const former = this.c.get('formerCallerId');
    const current = this.c.get('principal')?.userId;
    return new IdempotencyStore(this.store, former && current ? { current, former } : undefined);
  }
  get riskPoints() {
    return new RiskPointRepository(this.store);
  }
  get settings() {
    return new SettingsRepository(this.store);
  }
  get knowledge() {
    return new KnowledgeRepository(this.store);
  }
  get photos() {
    const { evidence } = this.c.get('deps');
    return new PhotoStore(evidence.client, evidence.bucket, this.c.get('tenant'));
  }
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
