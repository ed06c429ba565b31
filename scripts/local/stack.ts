import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  countyStatusCacheFor,
  createApp,
  createPlatformApp,
  createPlatformDeps,
  createRuntimeDeps,
} from '@gridsafe/api';
import { inProcessDeliveryKicker } from '@gridsafe/api/channels';
import { AdjustableClock, createJsonLogger, type Logger } from '@gridsafe/core';
import {
  createDocumentClient,
  ensureTable,
  MapSnapshot,
  migrateCountyToPersonIds,
  TenantRegistry,
  TenantStore,
} from '@gridsafe/db';
import { createS3Client, ensureBucket } from '@gridsafe/evidence';
import { Hono } from 'hono';
import { loadCellsConfig } from '../../infra/src/cells-config.ts';
import { DEMO_PASSWORD, LINQUAN, TAIHE } from '../seed/demo-data.ts';
import { indexSizedCountyForSearch, seedCountyAtSize } from '../seed/seed-county-at-size.ts';
import { seedDemoCounty } from '../seed/seed-demo.ts';
import { enrolOperatorTotp, seedPlatformOperator } from '../seed/seed-platform.ts';
import { LOCAL_OIDC_COUNTIES, LOCAL_PROVIDER_ID, localAuthProviders } from './config.ts';
import { loadOrCreateCursorSecrets } from './cursor-secrets.ts';
import { assertJavaAvailable, startDynamoDbLocal } from './dynamodb-local.ts';
import { startEscalationTimer } from './escalation-timer.ts';
import { issuerRuntimeConfig, startLocalIssuer } from './local-issuer.ts';
import { startNodeServer } from './node-server.ts';
import { type LocalOidcProvider, startOidcProvider } from './oidc-provider.ts';
import { assertPortFree, freePort } from './ports.ts';
import { startS3Local } from './s3-local.ts';
import { LocalCountyKeys, startUserAdminFront } from './user-admin-front.ts';

export interface LocalStackOptions {
  root: string;
  host: string;
  port: number;
  dynamoPort: number;
  s3Port: number;
  issuerPort: number;
  oidcPort: number;
  dataDir: string;
  tableName: string;
  bucket: string;
  region: string;
  /** Build web/dist when its sources are newer (the browser tests and `npm start` want it). */
  buildWeb?: boolean;
  logger?: Logger;
  /** Called when a child service dies on its own (not during stop). */
  onChildExit?: (what: string, code: number | null) => void;
  progress?: (message: string) => void;
  /**
   * Access-token lifetime; `npm start` uses 300 s like the cells (shorter than the shortest idle time a county
   * may set, see docs/decisions.md "Idle sessions"). Absent: an hour, for browser tests that move the clock.
   */
  accessTokenSeconds?: number;
  /**
   * `taihe` (npm start's default): the demo county at Taihe's reported size (8,500 units, 2,684 reported risk
   * points, a quarter of hazards and patrols); `small`: only the small demo records, for tests that need none of it.
   */
  demoSize?: 'taihe' | 'small';
}

export interface LocalStack {
  url: string;
  /** The clock every request uses; tests move it forward to pass deadlines. */
  clock: AdjustableClock;
  seedReports: Awaited<ReturnType<typeof seedDemoCounty>>[];
  /** The local OpenID provider (the 统一身份认证 button); tests add accounts to it. */
  oidc: LocalOidcProvider;
  /** The demo vendor operator's TOTP secret (base32), for an authenticator app or `totpCode`. */
  vendorTotpSecret?: string;
  stop(): Promise<void>;
}

/**
 * The whole product on one machine, as a function: `npm start` runs it with fixed ports and .data/, the
 * browser tests with free ports and a temporary directory. Anything that fails half-way stops what started.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const progress = options.progress ?? (() => {});
  const stoppers: (() => Promise<void>)[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
  };
  try {
    assertJavaAvailable();
    await Promise.all([
      assertPortFree(options.port, options.host, 'web + API', 'GRIDSAFE_PORT'),
      assertPortFree(options.dynamoPort, options.host, 'DynamoDB Local', 'GRIDSAFE_DYNAMODB_PORT'),
      assertPortFree(options.s3Port, options.host, 'S3 server', 'GRIDSAFE_S3_PORT'),
      assertPortFree(options.issuerPort, options.host, 'token issuer', 'GRIDSAFE_ISSUER_PORT'),
      assertPortFree(options.oidcPort, options.host, 'OpenID provider', 'GRIDSAFE_OIDC_PORT'),
    ]);
    const url = `http://${options.host === '127.0.0.1' ? 'localhost' : options.host}:${options.port}`;
    const dynamoDir = join(options.dataDir, 'dynamodb');
    mkdirSync(dynamoDir, { recursive: true });

    progress('Starting DynamoDB Local, the S3 server and the token issuer');
    const dynamo = await startDynamoDbLocal({
      port: options.dynamoPort,
      dbPath: dynamoDir,
      host: options.host,
    });
    stoppers.push(dynamo.stop);
    dynamo.process.once('exit', (code) => {
      if (!stopping) options.onChildExit?.('DynamoDB Local', code);
    });
    const s3 = await startS3Local({
      port: options.s3Port,
      directory: join(options.dataDir, 's3'),
      buckets: [options.bucket],
      webOrigin: url,
    });
    stoppers.push(s3.stop);
    const issuer = await startLocalIssuer({
      port: options.issuerPort,
      webOrigin: url,
      dataDir: join(options.dataDir, 'issuer'),
      // Operators must have TOTP, as the vendor's operator pool requires in AWS.
      mfaRequiredForPrefixes: ['@platform:'],
      ...(options.accessTokenSeconds ? { accessTokenSeconds: options.accessTokenSeconds } : {}),
    });
    stoppers.push(issuer.close);
    const oidc = await startOidcProvider({
      port: options.oidcPort,
      host: options.host,
      dataDir: join(options.dataDir, 'oidc'),
      // The app's one origin, under both names a browser may use for it.
      webOrigins: [`http://localhost:${options.port}`, `http://127.0.0.1:${options.port}`],
      tenants: LOCAL_OIDC_COUNTIES,
      onServerError: (error) => options.logger?.error('OpenID provider error', { error: String(error) }),
    });
    stoppers.push(oidc.close);
    // The cell's user-administration service; each county signs its calls with a key of its own.
    const countyKeys = LocalCountyKeys.persistent(join(options.dataDir, 'user-admin'));
    const userAdmin = await startUserAdminFront({
      port: await freePort(),
      host: options.host,
      keys: countyKeys,
      cognitoEndpoint: issuer.url,
      userPoolId: issuer.userPoolId,
      userPoolClientId: issuer.clientId,
      logger: options.logger ?? createJsonLogger({ service: 'gridsafe-user-admin' }, 'warn'),
    });
    stoppers.push(userAdmin.close);

    const cursorSecrets = loadOrCreateCursorSecrets(options.dataDir);
    const clock = new AdjustableClock();
    const tenantCache = new Map<string, number>();
    let registry: TenantRegistry | undefined;
    const deps = createRuntimeDeps({
      tableName: options.tableName,
      evidenceBucket: options.bucket,
      region: options.region,
      dynamoEndpoint: dynamo.endpoint,
      s3Endpoint: s3.endpoint,
      ...issuerRuntimeConfig(issuer),
      authProviders: localAuthProviders(issuer, oidc),
      userAdministration: {
        endpoint: userAdmin.url,
        region: userAdmin.region,
        credentials: (tenant) => countyKeys.forTenant(tenant),
      },
      // Locally every county in the registry is served (in AWS each stack serves exactly one); a suspended or
      // offboarded one answers 403 from the county API itself, as its own stack would. Only hits are cached,
      // so a county onboarded a moment ago is served at once.
      servesTenant: async (tenant) => {
        const cachedAt = tenantCache.get(tenant);
        if (cachedAt !== undefined && Date.now() - cachedAt < 10_000) return true;
        const registered = (await registry?.get(tenant)) !== undefined;
        if (registered) tenantCache.set(tenant, Date.now());
        return registered;
      },
      publicOrigin: url,
      cursorSecrets: () => cursorSecrets,
      logger: options.logger ?? createJsonLogger({ service: 'gridsafe-local' }, 'warn'),
      clock,
    });
    registry = new TenantRegistry(deps.documentClient, options.tableName);

    // The start's own client: DynamoDB Local answers DescribeTable of a county-sized table by counting it, and
    // applies the seed's batches one at a time; on a busy machine either can wait longer than the API's request
    // timeout, which is right for a phone and wrong for a start-up (as the bench's seeder).
    const startClient = createDocumentClient({
      endpoint: dynamo.endpoint,
      region: options.region,
      requestTimeoutMs: 60_000,
      maxAttempts: 5,
    });
    progress('Checking the table and the evidence bucket');
    await ensureTable(startClient, options.tableName);
    const s3Client = createS3Client({ endpoint: s3.endpoint, region: options.region });
    await ensureBucket(s3Client, options.bucket);

    progress('Seeding the demo counties (only what is missing)');
    const seedReports = [];
    for (const county of [TAIHE, LINQUAN]) {
      seedReports.push(
        await seedDemoCounty(
          {
            client: startClient,
            tableName: options.tableName,
            identity: deps.identity,
            passwordProvider: LOCAL_PROVIDER_ID,
            evidence: { client: s3Client, bucket: options.bucket },
          },
          county,
        ),
      );
    }
    if ((options.demoSize ?? 'taihe') === 'taihe') {
      const sized = await seedCountyAtSize(
        {
          client: startClient,
          tableName: options.tableName,
          identity: deps.identity,
          passwordProvider: LOCAL_PROVIDER_ID,
          evidence: { client: s3Client, bucket: options.bucket },
        },
        TAIHE,
        (step) => progress(`Seeding ${TAIHE.tenant} at its size: ${step}`),
      );
      if (!sized.present) progress(`Seeded ${TAIHE.tenant} at its size in ${sized.seconds.toFixed(0)} s`);
    }
    // The demo operator's TOTP secret is kept beside the issuer's data and printed at start: the local stand-in
    // for the authenticator app an operator enrols in AWS. Operators live in the cell's directory itself, which
    // only the control plane administers (never a county's user-administration path).
    const totpFile = join(options.dataDir, 'issuer', 'vendor-operator-totp.txt');
    const seededOperator = await seedPlatformOperator(deps.cellDirectory);
    const vendorTotpSecret =
      seededOperator.totpSecret ??
      (existsSync(totpFile)
        ? readFileSync(totpFile, 'utf8').trim()
        : await enrolOperatorTotp(deps.cellDirectory));
    if (vendorTotpSecret && !existsSync(totpFile)) writeFileSync(totpFile, vendorTotpSecret, { mode: 0o600 });
    // A .data/ from before person ids holds people with only `sub`: link them (a no-op once done).
    for (const county of [TAIHE, LINQUAN]) {
      await migrateCountyToPersonIds(
        new TenantStore(deps.documentClient, options.tableName, county.tenant),
        LOCAL_PROVIDER_ID,
        new Date(),
      );
    }
    // The map's snapshot of every grid node a seed left stale (all of Taihe's 347 after its sized seed, ~10 s),
    // built before the first officer opens the map instead of inside that request; a plain restart finds none
    // stale after three reads a county.
    for (const county of [TAIHE, LINQUAN]) {
      const map = await new MapSnapshot(
        new TenantStore(startClient, options.tableName, county.tenant),
      ).refreshStale({ limit: Number.POSITIVE_INFINITY, settle: true });
      if (map.rebuilt > 0)
        progress(`Built the map of ${county.tenant}: ${map.rebuilt} of ${map.nodes} grid nodes`);
    }
    // The same demo people at the OpenID provider, as a province's platform would already know them; the county
    // API links each to its person on their first login there.
    for (const report of seedReports.filter((seeded) => LOCAL_OIDC_COUNTIES.includes(seeded.tenant))) {
      for (const { username } of report.logins) {
        oidc.ensureAccount(`${report.tenant}:${username}`, DEMO_PASSWORD);
      }
    }

    // One origin serves both APIs, as the custom domain does in AWS: /platform/* to the vendor's control plane,
    // the rest to the county API. They share one status cache, so a suspension here takes effect at once.
    const countyStatus = countyStatusCacheFor({ client: deps.documentClient, tableName: options.tableName });
    // Locally the one issuer also holds the vendor's operators, who read a county under its admin's grant.
    // A write's webhook deliveries are sent in this process right after its answer (in AWS the county's sweep
    // function is invoked for them); the 60 s timer below still sends the retries.
    const deliveries = inProcessDeliveryKicker(deps);
    const countyApp = createApp({
      ...deps,
      countyStatus,
      operatorProvider: LOCAL_PROVIDER_ID,
      deliveries,
    });
    const platformApp = createPlatformApp(
      createPlatformDeps({
        documentClient: deps.documentClient,
        tableName: options.tableName,
        tokens: deps.tokens,
        // One issuer holds counties' people and the vendor's operators locally; operators log in through it.
        operatorProvider: LOCAL_PROVIDER_ID,
        identity: deps.cellDirectory,
        countyPasswordProvider: LOCAL_PROVIDER_ID,
        authJwksUrl: issuer.jwksUrl,
        // Locally one table and one directory stand in for every cell of infra/config/cells.json.
        cells: { known: loadCellsConfig().cells.map((cell) => cell.id) },
        logger: deps.logger,
        clock,
        onCountyStatusChanged: (tenant) => countyStatus.forget(tenant),
      }),
    );
    const app = new Hono();
    app.all('/platform/*', (c) => platformApp.fetch(c.req.raw, c.env));
    app.all('*', (c) => countyApp.fetch(c.req.raw, c.env));

    const webDist = join(options.root, 'web', 'dist');
    if (options.buildWeb !== false) buildWebIfStale(options.root, progress);
    const server = await startNodeServer({
      app: app as never,
      port: options.port,
      host: options.host,
      webDist,
      evidenceOrigin: s3.endpoint,
      identityOrigins: [new URL(oidc.issuer).origin],
    });
    // Stopped in reverse: once the server is closed, the deliveries already asked for finish before DynamoDB stops.
    stoppers.push(() => deliveries.idle());
    stoppers.push(
      () =>
        new Promise<void>((resolve) => {
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => resolve());
        }),
    );
    // Each county's scheduled escalation sweep, locally: every minute, on the stack's clock.
    const escalationTimer = startEscalationTimer({
      client: deps.documentClient,
      tableName: options.tableName,
      clock,
      logger: deps.logger,
      publicOrigin: url,
    });
    stoppers.push(escalationTimer.stop);
    if ((options.demoSize ?? 'taihe') === 'taihe') {
      // The sized county's search index (some 200,000 postings) is built while the stack already answers: the
      // demo's own records are searchable at once, the 8,500 sized units a minute or two later.
      const indexing = indexSizedCountyForSearch(
        { client: startClient, tableName: options.tableName },
        TAIHE.tenant,
      )
        .then((indexed) => {
          if (!indexed.present)
            progress(
              `Search index of ${TAIHE.tenant} at its size built in ${indexed.seconds.toFixed(0)} s (${indexed.postings} postings)`,
            );
        })
        .catch((error: unknown) => {
          // Stopping mid-way leaves no marker: the next start builds the index again (its Puts are idempotent).
          if (!stopping)
            deps.logger.error('building the sized county’s search index failed', { error: String(error) });
        });
      void indexing;
    }
    return { url, clock, seedReports, oidc, vendorTotpSecret, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function buildWebIfStale(root: string, progress: (message: string) => void) {
  const webSrc = join(root, 'web');
  const webDist = join(webSrc, 'dist');
  if (!existsSync(join(webSrc, 'index.html'))) return;
  const built = existsSync(join(webDist, 'index.html')) ? statSync(join(webDist, 'index.html')).mtimeMs : 0;
  const sourcesNewer =
    Math.max(newestMtime(join(webSrc, 'src')), statSync(join(webSrc, 'index.html')).mtimeMs) > built;
  if (built > 0 && !sourcesNewer) return;
  progress('Building the web app');
  const result = spawnSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: webSrc,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error('Building the web app failed (see above).');
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
