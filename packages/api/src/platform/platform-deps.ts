import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, IdSource, Logger, Principal } from '@gridsafe/core';
import type { AccessTokenVerifier, IdentityProvider } from '@gridsafe/identity';

/**
 * Everything the control plane needs from the outside world, built once per process (the platform Lambda's
 * init, the local stack, or `npm run onboard`) and handed to `createPlatformApp` and the onboarding functions.
 */
export interface PlatformDeps {
  /** The table that holds the registry (`P#…`) and the counties the control plane seeds (`T#<id>#…`). */
  data: { client: DynamoDBDocumentClient; tableName: string };
  /** Verifies vendor operators' access tokens (the operators' pool in AWS). */
  tokens: AccessTokenVerifier;
  /** The provider id operators' tokens must come from, when `tokens` trusts more than one (the local stack). */
  operatorProvider?: string;
  /** The provider id of the counties' password directory (`identity`): first admins are linked through it. */
  countyPasswordProvider: string;
  /** The user directory of the counties (the cell's pool): first admins are created, users disabled here. */
  identity: IdentityProvider;
  /**
   * `county-directory`: each county keeps its own people in its partition (a cell without a pool). Onboarding
   * writes the first admin's account there in its seeding transaction; offboarding has no pool accounts to
   * disable, since an offboarded county's API refuses every request of its people (county-status.ts).
   */
  countyAccounts?: 'county-directory';
  /**
   * Where vendor operators log in. In AWS a pool of their own, which no county role can administer; locally
   * the one local issuer. Absent: `identity`.
   */
  operatorDirectory?: IdentityProvider;
  cells: {
    /** The cells of infra/config/cells.json: a county may only be registered into one of these. */
    known: readonly string[];
    /**
     * The cells whose table and user pool this process writes to. Each cell has its own table and pool, so
     * the platform function can seed counties of its own cell only; locally one table serves every cell.
     * Absent: every known cell.
     */
    seedable?: readonly string[];
  };
  healthChecks: Record<string, () => Promise<void>>;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  /** Called after a county's status changed; the local stack drops the county app's cached status with it. */
  onCountyStatusChanged?: (tenant: string) => void;
}

/** What every control-plane request carries through the middleware chain. */
export interface PlatformEnv {
  Variables: {
    deps: PlatformDeps;
    requestId: string;
    /** The vendor operator calling, as audit events record them (`tenant` is PLATFORM_TENANT). */
    operator: Principal;
  };
}
