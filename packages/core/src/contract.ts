/**
 * The API contract shared by the app, the CDK stacks, the web client and the tests: base paths and the routes
 * served without a login. Dependency-free on purpose: infra may import only this module (test/unit/layering.test.ts).
 */

/** The county API's base path as a hono route pattern. */
export const COUNTY_API_BASE = '/t/:tenant/api/v1';
/** The vendor API's base path, the same on every domain. */
export const PLATFORM_API_BASE = '/platform/api/v1';

/** One county's concrete base path. */
export function countyApiBasePath(tenant: string): string {
  return `/t/${tenant}/api/v1`;
}

/**
 * Routes the county API serves without a token (the app registers them before `requireAuth`; the gateway
 * leaves them without an authorizer). A new public route is added here and nowhere else.
 */
export const PUBLIC_COUNTY_ROUTES: ReadonlyArray<{ method: 'GET' | 'POST'; path: string }> = [
  { method: 'POST', path: '/session' },
  { method: 'POST', path: '/session/refresh' },
  // A challenge is answered and a refresh token revoked without an access token: the person has none yet, or
  // it has expired.
  { method: 'POST', path: '/session/challenge' },
  { method: 'POST', path: '/session/logout' },
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/auth-config' },
  // A county with its own directory publishes its issuer and keys; API Gateway's JWT authorizer reads them.
  { method: 'GET', path: '/.well-known/openid-configuration' },
  { method: 'GET', path: '/.well-known/jwks.json' },
  // The notice board a QR code opens (read-only, filed points only, rate-limited per address).
  { method: 'GET', path: '/public/risk-points/{id}' },
];

/**
 * The alert intake: public (signed by the sending system, not a user token), with a route throttle of its own on
 * the county's stage, so a storm of alerts never spends the county's people's share (docs/decisions.md,
 * "Monitoring alerts"). Apart from PUBLIC_COUNTY_ROUTES, which the control plane's API copies.
 */
export const ALERT_INTAKE_ROUTE = { method: 'POST', path: '/alerts' } as const;

/**
 * The single table's global secondary indexes. The CDK stack creates them and the db package queries them;
 * each index's keys are the attributes `<name>pk` and `<name>sk`.
 */
/**
 * `changed` is sparse: filed risk points and hazards by the time they last changed, the export feed's index
 * (docs/exchange.md).
 */
/**
 * `map` is sparse and narrow: units with a position, risk points and credit ratings by place, with only what the
 * map draws of each (GSI_INCLUDED_FIELDS), so a Query of 1 MB answers thousands of positions (docs/decisions.md,
 * "The map at a county's size").
 */
export const GSI_NAMES = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'due', 'changed', 'map'] as const;

/**
 * The indexes that project only some fields (INCLUDE) beside the keys; every other index projects whole items.
 * A field the map's feed answers or filters on must be listed here, or the index answers it absent.
 */
export const GSI_INCLUDED_FIELDS: Partial<Record<(typeof GSI_NAMES)[number], readonly string[]>> = {
  map: ['id', 'version', 'location', 'color', 'status', 'unitId', 'industry', 'departmentId', 'level'],
};

/**
 * How long a county directory's access token lives: half the county's idle time, at most `maxSeconds`. An idle
 * session can only end at a refresh (docs/decisions.md, "MLPS level 3 at the login"), so a token must live
 * shorter than the idle time; half of it leaves the web's refresh a minute before expiry room, and fewer
 * refreshes are fewer requests (each a gateway request, a Lambda run and three reads).
 */
export function accessTokenSecondsFor(idleMinutes: number, maxSeconds: number): number {
  return Math.max(60, Math.min(maxSeconds, Math.floor((idleMinutes * 60) / 2)));
}
