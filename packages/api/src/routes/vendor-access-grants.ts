import { authorize, CreateVendorAccessGrantSchema, described } from '@gridsafe/core';
import * as z from 'zod/mini';
import { COMMON_ERRORS, IdParamSchema, WRITE_ERRORS } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const Person = z.object({ userId: z.string(), username: z.string() });
const VendorAccessGrantSchema = described(
  z.object({
    id: z.string(),
    reason: z.string(),
    rootGridId: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    grantedBy: Person,
    revokedAt: z.optional(z.string()),
    revokedBy: z.optional(Person),
    version: z.number().check(z.int()),
    active: z.boolean(),
  }),
  { id: 'VendorAccessGrant' },
);
const GrantListSchema = described(z.object({ items: z.array(VendorAccessGrantSchema) }), {
  id: 'VendorAccessGrantList',
});
const grantAnswer = (description: string) => ({
  description,
  content: { 'application/json': { schema: VendorAccessGrantSchema } },
});

const createGrantRoute = createRoute({
  method: 'post',
  path: '/vendor-access-grants',
  tags: ['vendor access'],
  summary: 'Let the vendor’s operators read this county for 1–72 hours (county admin)',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateVendorAccessGrantSchema } } },
  },
  responses: { 201: grantAnswer('The grant, in force now'), ...WRITE_ERRORS },
});
const listGrantsRoute = createRoute({
  method: 'get',
  path: '/vendor-access-grants',
  tags: ['vendor access'],
  summary: 'Every grant to the vendor, newest first (county admin)',
  responses: {
    200: { description: 'Grants', content: { 'application/json': { schema: GrantListSchema } } },
    ...COMMON_ERRORS,
  },
});
const revokeGrantRoute = createRoute({
  method: 'delete',
  path: '/vendor-access-grants/{id}',
  tags: ['vendor access'],
  summary: 'End a grant now (county admin)',
  request: { params: IdParamSchema },
  responses: { 200: grantAnswer('The revoked grant'), ...WRITE_ERRORS },
});

export function registerVendorAccessGrants(app: ReturnType<typeof createRouter>) {
  app.openapi(createGrantRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'vendorGrant.manage');
    const { hours, reason } = c.req.valid('json');
    return c.json(await (await handlers()).createGrant(c, principal, hours, reason), 201);
  });

  app.openapi(listGrantsRoute, async (c) => {
    authorize(c.get('principal'), 'vendorGrant.manage');
    return c.json(await (await handlers()).listGrants(c), 200);
  });

  app.openapi(revokeGrantRoute, async (c) => {
    authorize(c.get('principal'), 'vendorGrant.manage');
    return c.json(await (await handlers()).revokeGrant(c, c.req.valid('param').id), 200);
  });
}

const handlers = () => import('./vendor-access-grant-handlers.ts');
