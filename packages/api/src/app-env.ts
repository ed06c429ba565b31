import type { Principal } from '@gridsafe/core';
import type { TenantStore } from '@gridsafe/db';
import type { AppDeps } from './app-deps.ts';

/** What every request carries through the middleware chain. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    tenant: string;
    principal: Principal;
    /** This request's county view of the table; counts its DynamoDB calls. */
    store: TenantStore;
    dynamoCalls: number;
  };
}
