import { described, NotFoundError } from '@gridsafe/core';
import * as z from 'zod/mini';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

/**
 * Where a county with its own directory publishes how to check its tokens, as any OpenID provider does: its
 * discovery document and its public keys. API Gateway's JWT authorizer reads them (the county's issuer is the
 * county API's own base), so a token of no county never reaches the function. A county whose people sign in
 * elsewhere (Cognito, an OpenID provider) issues no tokens: 404.
 */
const DiscoverySchema = described(
  z.object({
    issuer: z.string(),
    jwks_uri: z.string(),
    id_token_signing_alg_values_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
  }),
  { id: 'TokenIssuerDiscovery' },
);

const JwksSchema = described(
  z.object({
    keys: z.array(
      z.object({
        kty: z.string(),
        crv: z.optional(z.string()),
        x: z.optional(z.string()),
        y: z.optional(z.string()),
        kid: z.string(),
        alg: z.optional(z.string()),
        use: z.optional(z.string()),
      }),
    ),
  }),
  { id: 'TokenKeys' },
);

const NOT_ISSUED = { description: 'This county does not issue its own tokens' };

const discoveryRoute = createRoute({
  method: 'get',
  path: '/.well-known/openid-configuration',
  tags: ['session'],
  summary: "The county's token issuer, for checking its access tokens (public)",
  security: [],
  responses: {
    200: {
      description: 'The issuer and its keys',
      content: { 'application/json': { schema: DiscoverySchema } },
    },
    404: NOT_ISSUED,
  },
});

const keysRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  tags: ['session'],
  summary: "The county's public token-signing keys (public)",
  security: [],
  responses: {
    200: { description: 'The public keys', content: { 'application/json': { schema: JwksSchema } } },
    404: NOT_ISSUED,
  },
});

export function registerTokenKeys(app: ReturnType<typeof createRouter>) {
  app.openapi(discoveryRoute, (c) => {
    const own = c.get('deps').ownTokens;
    if (!own) throw new NotFoundError('token issuer');
    const issuer = own.issuer(c.get('tenant'));
    c.header('cache-control', 'public, max-age=300');
    return c.json(
      {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['ES256'],
        subject_types_supported: ['public'],
        response_types_supported: ['token'],
      },
      200,
    );
  });
  app.openapi(keysRoute, async (c) => {
    const own = c.get('deps').ownTokens;
    if (!own) throw new NotFoundError('token issuer');
    c.header('cache-control', 'public, max-age=300');
    return c.json(await own.publicKeys(c.get('tenant')), 200);
  });
}
