import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuthProvidersConfig, Clock, IdSource, Logger } from '@gridsafe/core';
import type { PageCursors } from '@gridsafe/db';
import type { S3ClientSource } from '@gridsafe/evidence';
import type { AccessTokenVerifier, IdentityProvider } from '@gridsafe/identity';
import type { DeliveryKicker } from './channels/delivery-kick.ts';
import type { OutboundTransports } from './channels/transports.ts';
import type { CountyStatusCache } from './county-status.ts';
import type { JobLauncher } from './jobs/job-launcher.ts';
import type { PersonCache } from './person-cache.ts';

/** A named dependency check for `/health`; throws when the dependency cannot be reached. */
export type HealthCheck = (tenant: string) => Promise<void>;

/**
 * Everything the API needs from the outside world, built once per process (Lambda init or the local stack)
 * and handed to `createApp`. Nothing in the API constructs a client of its own.
 */
export interface AppDeps {
  /** In AWS a stack serves its one county; locally every registered county. */
  servesTenant(tenant: string): boolean | Promise<boolean>;
  /** Verifies tokens of every provider the cell trusts (`authProviders.providers`). */
  tokens: AccessTokenVerifier;
  /** The cell's providers and which of them each county accepts. */
  authProviders: AuthProvidersConfig;
  /** The password directory (Cognito, or the local issuer), and the provider id its tokens carry. */
  identity: IdentityProvider;
  passwordProvider?: string;
  /**
   * A cell of county directories: this API issues each county's tokens, and publishes the issuer and its public
   * keys (routes/token-keys.ts). Absent: the county's tokens come from elsewhere.
   */
  ownTokens?: {
    issuer(tenant: string): string;
    publicKeys(
      tenant: string,
    ): Promise<{ keys: Array<Record<string, unknown> & { kty: string; kid: string }> }>;
  };
  /**
   * The provider whose `@platform:` accounts are the vendor's operators (locally the one issuer; in AWS the
   * operator pool, when the cell lists it). Absent: no operator enters a county, grant or not.
   */
  operatorProvider?: string;
  /** The callers' subject links, per process; absent, `createApp` makes one. */
  people?: PersonCache;
  healthChecks: Record<string, HealthCheck>;
  /** The single table; every request works through a TenantStore bound to its county. */
  data: { client: DynamoDBDocumentClient; tableName: string };
  /**
   * The evidence bucket; every request works through a PhotoStore bound to its county's prefix. The client may
   * be built at first use (`lazyS3Client`), which keeps the S3 SDK out of a Lambda cold start.
   */
  evidence: { client: S3ClientSource; bucket: string };
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  /** Seals and opens list cursors with the cell's rotating secret (packages/db/src/page-cursor.ts). */
  pageCursors: PageCursors;
  /**
   * The origin the county's people open the web app at (`https://app.example.cn`), for absolute links: the QR code
   * on a notice board, links in notices. Configured, never taken from a request's Host header.
   */
  publicOrigin: string;
  /** Adds `x-dynamodb-calls` to every county answer, for the benchmark and the budget tests; off in AWS. */
  reportDynamoCalls?: boolean;
  /**
   * Where SMS and group-robot messages go (channels/transports.ts): the providers in AWS, absent locally, where
   * they land in the local sink (the delivery log, shown on the settings page).
   */
  outbound?: OutboundTransports;
  /** Whether a county is suspended; absent, `createApp` builds one that reads the table (see county-status.ts). */
  countyStatus?: CountyStatusCache;
  /** Starts register exports and imports (jobs/job-launcher.ts); absent, they run in this process. */
  jobs?: JobLauncher;
  /**
   * Outbound webhooks' address rules: `publicOnly` in AWS (`WEBHOOK_PUBLIC_ONLY=1`: https, public addresses
   * only); absent or false on the local stack, which also accepts http://127.0.0.1:<port>. `lookup` resolves
   * names (node:dns unless a test gives its own).
   */
  webhooks?: { publicOnly: boolean; lookup?: typeof import('node:dns').lookup };
  /**
   * Asks for the webhook deliveries a write queued to be sent now (channels/delivery-kick.ts): in AWS an
   * asynchronous invocation of the county's sweep function; absent, they run in this process after the answer.
   */
  deliveries?: DeliveryKicker;
}
