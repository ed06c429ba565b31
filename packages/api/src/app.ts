import { isTenantId, NotFoundError } from '@gridsafe/core';
import { COUNTY_API_BASE, countyApiBasePath } from '@gridsafe/core/contract';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from './app-deps.ts';
import type { AppEnv } from './app-env.ts';
import { requireAuth } from './auth.ts';
import { inProcessDeliveryKicker } from './channels/delivery-kick.ts';
import { createTenantStore } from './county-data.ts';
import { countyStatusCacheFor } from './county-status.ts';
import { LazyRouteGroups } from './lazy-route-group.ts';
import type { RouteConfig } from './openapi/route.ts';
import { createRouter } from './openapi-hono.ts';
import { PersonCache } from './person-cache.ts';
import { problemResponse } from './problem.ts';
import { registerAuthConfig } from './routes/auth-config.ts';
import { registerGrids } from './routes/grids.ts';
import { registerHazards } from './routes/hazards.ts';
import { registerHealth } from './routes/health.ts';
import { registerMe } from './routes/me.ts';
import { registerRiskPoints } from './routes/risk-points.ts';
import { registerSession } from './routes/session.ts';
import { registerSettings } from './routes/settings.ts';
import { MAX_IMPORT_BYTES } from './routes/unit-import-schema.ts';
import { registerUnits } from './routes/units.ts';
import { serviceApp, setAnswerHeader } from './service-app.ts';

export { COUNTY_API_BASE };
/**
 * The API's only HTML is the printable notice board: its own inline style and an inline SVG QR code, nothing
 * else. No script may run in it at all, and no page may frame it.
 */
export const API_HTML_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** The writes after which a unit's credit rating is computed again: its record, risk points, hazards, patrols. */
const CREDIT_WRITES = /\/(units|risk-points|hazards|patrols|inspections)(\/|$)/;
/** JSON bodies over 1 MB are refused; photos go straight to S3 and never through the API. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The county API as one hono app. Lambda (hono/aws-lambda) and the local Node server run this same app; it
 * knows nothing about either.
 */
export function createApp(given: AppDeps): Hono<AppEnv> {
  const deps = { ...given, people: given.people ?? new PersonCache() };
  const app = serviceApp<AppEnv['Variables']['deps'], AppEnv>(deps);
  app.use('*', async (c, next) => {
    await next();
    // No answer may be sniffed into something else (a problem+json read as HTML, a CSV as script).
    setAnswerHeader(c, 'x-content-type-options', 'nosniff');
    if ((c.res.headers.get('content-type') ?? '').startsWith('text/html'))
      setAnswerHeader(c, 'content-security-policy', API_HTML_POLICY);
  });

  app.route(COUNTY_API_BASE, countyApi(deps).county);
  return app;
}

/** What the county API's OpenAPI document says about itself (the build writes the rest from the routes). */
export const COUNTY_API_INFO = {
  title: 'Gridsafe county API',
  version: '1.0.0',
  description: 'Risk points, patrols and hazards of one county (tenant). Errors are RFC 9457 problem+json.',
};

/** Every documented route of the county API, for the build-time OpenAPI document. */
export async function countyRouteTable(): Promise<readonly RouteConfig[]> {
  const unused = { countyStatus: { statusOf: async () => 'active' } } as unknown as AppDeps;
  const { county, groups } = countyApi(unused);
  return [...county.routeTable, ...(await groups.routeTable())];
}

function countyApi(deps: AppDeps) {
  const county = createRouter();
  const groups = new LazyRouteGroups(COUNTY_API_BASE);
  const statuses = deps.countyStatus ?? countyStatusCacheFor(deps.data);
  const deliveries = deps.deliveries ?? inProcessDeliveryKicker(deps);
  // County data is per person and per moment: no browser, proxy or CDN may keep a copy of an answer.
  const answered = (c: Context<AppEnv>) => {
    if (!c.res.headers.has('cache-control')) setAnswerHeader(c, 'cache-control', 'no-store');
    // Benchmarks and budget tests read how many DynamoDB calls the request made; nobody else needs to know.
    if (deps.reportDynamoCalls) setAnswerHeader(c, 'x-dynamodb-calls', String(c.get('dynamoCalls')));
  };
  county.use('*', async (c, next) => {
    const tenant = c.req.param('tenant') ?? '';
    // An unknown county looks exactly like a missing endpoint: nothing tells an outsider which counties exist.
    if (!isTenantId(tenant) || !(await deps.servesTenant(tenant))) throw new NotFoundError('county');
    c.set('tenant', tenant);
    c.set('dynamoCalls', 0);
    c.set('store', createTenantStore(c, tenant));
    // A suspended or offboarded county answers nothing but health (so monitoring still tells "up" from
    // "suspended"). The status comes from a per-process cache: one GetItem per county per TTL, not per request.
    if (c.req.path !== `${countyApiBasePath(tenant)}/health`) {
      const status = await statuses.statusOf(tenant, () => c.set('dynamoCalls', c.get('dynamoCalls') + 1));
      if (status !== 'active') {
        deps.logger.warn('request to an inactive county refused', {
          tenant,
          status,
          requestId: c.get('requestId'),
        });
        answered(c);
        return problemResponse(
          c,
          403,
          `county_${status}`,
          status === 'suspended'
            ? 'This county’s service is suspended by the operator; contact the vendor.'
            : 'This county has been offboarded; its data is retained but the service no longer answers.',
        );
      }
    }
    await next();
    answered(c);
    // The write queued webhook deliveries: sent now, not at the next sweep (channels/delivery-kick.ts). In AWS this
    // waits for Lambda to accept the asynchronous invocation, never for the deliveries; a refusal is logged and the
    // sweep sends them within 5 minutes.
    if (c.get('deliveriesQueued')) {
      await deliveries
        .kick(tenant)
        .catch((error: unknown) =>
          deps.logger.warn('webhook delivery kick failed', { tenant, error: String(error) }),
        );
    }
  });
  // Spreadsheet imports may be larger than a JSON body (8,500 units is about 1.3 MB of GB18030 text).
  const jsonLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => problemResponse(c, 413, 'payload_too_large', 'The request body is larger than 1 MB.'),
  });
  const importLimit = bodyLimit({
    maxSize: MAX_IMPORT_BYTES,
    onError: (c) =>
      problemResponse(c, 413, 'payload_too_large', 'The spreadsheet is larger than 5 MB; split it.'),
  });
  county.use('*', (c, next) =>
    // A GET or HEAD has no body to limit, and asking (hono reads `c.req.raw.body`) makes @hono/node-server build a
    // whole fetch Request for every read.
    c.req.method === 'GET' || c.req.method === 'HEAD'
      ? next()
      : c.req.path.endsWith('/import')
        ? importLimit(c, next)
        : jsonLimit(c, next),
  );

  // Written from this router's own route table at the first request (openapi/document.ts, a chunk of its own
  // in a Lambda bundle), so the document always says what the routes do and costs no cold start.
  let document: Promise<Record<string, unknown>> | undefined;
  county.get('/openapi.json', async (c) => {
    document ??= Promise.all([import('./openapi/document.ts'), groups.routeTable()]).then(
      ([{ openApiDocument }, lazyRoutes]) =>
        openApiDocument(
          COUNTY_API_INFO,
          [...county.routeTable, ...lazyRoutes],
          countyApiBasePath('{tenant}'),
        ),
    );
    return c.json({
      ...(await document),
      servers: [{ url: countyApiBasePath(c.req.param('tenant') ?? '') }],
    });
  });

  // Public routes first; everything registered after requireAuth needs a valid token for this county.
  registerHealth(county);
  registerAuthConfig(county);
  // A county directory's issuer and keys, read by API Gateway's authorizer now and then (token-keys.ts).
  groups.add(county, '/.well-known', () => import('./routes/token-keys.ts').then((m) => m.registerTokenKeys));
  registerSession(county);
  // The notice board behind a QR code: public, read-only, rate-limited (PUBLIC_COUNTY_ROUTES).
  groups.add(county, '/public', () => import('./routes/public-board.ts').then((m) => m.registerPublicBoard));
  // Monitoring systems send alerts in without a user token, signed with their source's secret (alert-intake.ts).
  groups.add(county, '/alerts', () => import('./routes/alert-intake.ts').then((m) => m.registerAlertIntake), {
    methods: ['POST'],
  });
  county.use('*', requireAuth);
  // A write to a unit's record re-rates the unit (credit-refresh.ts, loaded at the first such write).
  county.use('*', (c, next) =>
    // A read passes straight through: no async frame of its own on every GET.
    c.req.method === 'GET' || c.req.method === 'HEAD'
      ? next()
      : next().then(async () => {
          if (c.res.status < 300 && CREDIT_WRITES.test(c.req.path))
            await (await import('./credit-refresh.ts')).refreshCreditAfterWrite(c);
        }),
  );
  registerMe(county);
  registerGrids(county);
  registerUnits(county);
  registerSettings(county);
  registerRiskPoints(county);
  registerHazards(county);
  // A grid member's patrols are a few requests a day; the lists and transitions above are the busy part.
  groups.add(county, '/patrols', () => import('./routes/patrols.ts').then((m) => m.registerPatrols));
  // Groups few requests need load at their first request (lazy-route-group.ts): not in the cold start.
  groups.add(county, '/workforce', () => import('./routes/workforce.ts').then((m) => m.registerWorkforce));
  groups.add(county, '/assessments', () =>
    import('./routes/assessments.ts').then((m) => m.registerAssessments),
  );
  groups.add(
    county,
    ['/grids/:id/boundary', '/grids/:id/child-boundaries'],
    () => import('./routes/grid-boundary.ts').then((m) => m.registerGridBoundary),
    { methods: ['GET', 'PUT'] },
  );
  groups.add(
    county,
    '/grids/import',
    () => import('./routes/grid-import.ts').then((m) => m.registerGridImport),
    { methods: ['POST'] },
  );
  groups.add(county, '/knowledge', () => import('./routes/knowledge.ts').then((m) => m.registerKnowledge));
  groups.add(county, '/login-events', () =>
    import('./routes/login-events.ts').then((m) => m.registerLoginEvents),
  );
  groups.add(county, '/notifications', () =>
    import('./routes/notifications.ts').then((m) => m.registerNotifications),
  );
  groups.add(county, '/vendor-access-grants', () =>
    import('./routes/vendor-access-grants.ts').then((m) => m.registerVendorAccessGrants),
  );
  // Administration a county admin does now and then; the web caches the department list once per session.
  groups.add(county, '/departments', () =>
    import('./routes/departments.ts').then((m) => m.registerDepartments),
  );
  groups.add(county, '/users', () => import('./routes/users.ts').then((m) => m.registerUsers));
  groups.add(county, '/statistics', () => import('./routes/statistics.ts').then((m) => m.registerStatistics));
  groups.add(county, '/notice-boards', () =>
    import('./routes/notice-boards.ts').then((m) => m.registerNoticeBoards),
  );
  groups.add(county, '/hazards/:id/supervision-order', () =>
    import('./routes/supervision-order.ts').then((m) => m.registerSupervisionOrder),
  );
  groups.add(
    county,
    ['/units/:id/credit', '/settings/credit-rules'],
    () => import('./routes/credit.ts').then((m) => m.registerCredit),
    { methods: ['GET', 'PUT'] },
  );
  groups.add(county, '/map', () => import('./routes/map.ts').then((m) => m.registerMap));
  groups.add(county, ['/exports', '/imports'], () =>
    import('./routes/register-jobs.ts').then((m) => m.registerRegisterJobs),
  );
  groups.add(county, '/notification-channels', () =>
    import('./routes/notification-channels.ts').then((m) => m.registerNotificationChannels),
  );
  groups.add(county, ['/alerts', '/alert-sources'], () =>
    import('./routes/alerts.ts').then((m) => m.registerAlerts),
  );
  groups.add(county, '/inspections', () =>
    import('./routes/inspections.ts').then((m) => m.registerInspections),
  );
  groups.add(county, ['/resources', '/plans'], () =>
    import('./routes/resources.ts').then((m) => m.registerResources),
  );
  // Data exchange: outbound webhooks (county admin) and the export feed (docs/exchange.md).
  groups.add(county, '/webhooks', () => import('./routes/webhooks.ts').then((m) => m.registerWebhooks));
  groups.add(county, '/exchange', () =>
    import('./routes/exchange-feed.ts').then((m) => m.registerExchangeFeed),
  );
  return { county, groups };
}
