import { PLATFORM_API_BASE } from '@gridsafe/core/contract';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { RouteConfig } from '../openapi/route.ts';
import { problemResponse } from '../problem.ts';
import { serviceApp } from '../service-app.ts';
import type { PlatformDeps, PlatformEnv } from './platform-deps.ts';
import { requireVendorOperator } from './platform-identity.ts';
import { createPlatformRouter } from './platform-router.ts';
import { registerPlatformHealth } from './routes/platform-health.ts';
import { registerPlatformSession } from './routes/platform-session.ts';
import { registerTenants } from './routes/tenants.ts';

/** The vendor's API base (docs: /work/shared/api.md); in AWS the platform stack's HTTP API routes it. */
export { PLATFORM_API_BASE };

/** As in the county API: JSON bodies over 1 MB are refused (an onboarding request is a few hundred bytes). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The vendor's control plane as one hono app: login, the tenant registry, onboarding, suspension and
 * offboarding. Only vendor operators (tenant claim `@platform`, role `vendor_operator`) get past login.
 * Like the county app it knows nothing about Lambda or Node: functions/platform-api.ts and the local stack
 * both run it.
 */
export function createPlatformApp(deps: PlatformDeps): Hono<PlatformEnv> {
  const app = serviceApp<PlatformDeps, PlatformEnv>(deps);
  app.route(PLATFORM_API_BASE, platformApi());
  return app;
}

/** What the platform API's OpenAPI document says about itself (the build writes the rest from the routes). */
export const PLATFORM_API_INFO = {
  title: 'Gridsafe platform (vendor) API',
  version: '1.0.0',
  description:
    'The vendor’s control plane: tenant registry, onboarding, suspension, offboarding. Vendor operators only. ' +
    'Errors are RFC 9457 problem+json.',
};

/** Every documented route of the platform API, for the build-time OpenAPI document. */
export function platformRouteTable(): readonly RouteConfig[] {
  return platformApi().routeTable;
}

function platformApi() {
  const api = createPlatformRouter();
  api.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => problemResponse(c, 413, 'payload_too_large', 'The request body is larger than 1 MB.'),
    }),
  );
  // Written from this router's own route table at the first request (openapi/document.ts, loaded then).
  let document: Promise<Record<string, unknown>> | undefined;
  api.get('/openapi.json', async (c) => {
    document ??= import('../openapi/document.ts').then(({ openApiDocument }) =>
      openApiDocument(PLATFORM_API_INFO, api.routeTable, PLATFORM_API_BASE),
    );
    return c.json(await document);
  });

  // Public routes first (the same three kinds as a county's); everything after needs a vendor operator.
  registerPlatformHealth(api);
  registerPlatformSession(api);
  api.use('*', requireVendorOperator);
  registerTenants(api);
  return api;
}
