import type { Principal } from '@gridsafe/core';
import type { TenantStore } from '@gridsafe/db';
import type { AppDeps } from './app-deps.ts';
import type { PersonCache } from './person-cache.ts';

/** What every request carries through the middleware chain. */
export interface AppEnv {
  Variables: {
    deps: AppDeps & { people: PersonCache };
    requestId: string;
    tenant: string;
    principal: Principal;
    /** The caller's token `sub` from before person ids, for idempotency records kept under it (a day at most). */
    formerCallerId?: string;
    /** This request's county view of the table; counts its DynamoDB calls. */
    store: TenantStore;
    dynamoCalls: number;
    /** A transaction of this request queued a webhook delivery: ask for it to be sent after the answer. */
    deliveriesQueued?: boolean;
  };
}
