import { coercedNumber, described, type GridNode, ValidationError, verifyAuditChain } from '@gridsafe/core';
import { TenantRegistry } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import { createRoute } from '../../openapi/route.ts';
import { ProblemSchema } from '../../problem.ts';
import { AuditTrailSchema } from '../../routes/audit-schema.ts';
import {
  changeCountyStatus,
  disableCountyUsers,
  type LifecycleAction,
  requireCounty,
} from '../county-lifecycle.ts';
import { tenantDestroyCommand } from '../deploy-commands.ts';
import { onboardCounty } from '../onboarding.ts';
import type { PlatformEnv } from '../platform-deps.ts';
import type { PlatformRouter } from '../platform-router.ts';
import {
  OffboardSchema,
  OnboardSchema,
  StatusChangeSchema,
  TenantIdSchema,
  TenantSchema,
} from '../platform-schemas.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});
const json = <T extends z.ZodMiniType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const ERRORS = {
  400: problem('Invalid input: each bad field is named in `errors`'),
  401: problem('No valid access token'),
  403: problem('Not a vendor operator (every county token is refused)'),
  404: problem('No such county'),
} as const;
const WRITE_ERRORS = {
  ...ERRORS,
  409: problem('Already registered, stale version, or wrong state'),
} as const;

const IdParamSchema = z.object({ id: TenantIdSchema });
const VersionHeaderSchema = z.object({
  'if-match': described(z.optional(z.string()), {
    description: 'The version you saw; a stale one answers 409',
  }),
});
const ListQuerySchema = z.object({
  limit: z._default(coercedNumber().check(z.int(), z.minimum(1), z.maximum(100)), 50),
  cursor: z.optional(z.string().check(z.maxLength(256))),
});

const GridRootSchema = z.object({
  id: z.string(),
  level: z.string(),
  name: z.string(),
  code: z.optional(z.string()),
  path: z.string(),
});

const OnboardResultSchema = described(
  z.object({
    tenant: TenantSchema,
    rootGrid: GridRootSchema,
    admin: z.object({
      id: z.string(),
      username: z.string(),
      displayName: z.string(),
      temporaryPassword: described(z.string(), {
        description: 'Shown once, here; the admin should change it at first use',
      }),
      passwordGenerated: z.boolean(),
    }),
    deploy: z.object({ stack: z.string(), command: z.string() }),
  }),
  { id: 'OnboardResult' },
);

const OffboardResultSchema = described(
  z.object({
    tenant: TenantSchema,
    users: z.object({
      disabled: z.number().check(z.int()),
      done: z.boolean(),
      nextCursor: described(z.optional(z.string()), {
        description: 'Send it back as `cursor` to go on disabling users',
      }),
    }),
    dataRetained: z.literal(true),
    destroyCommand: z.string(),
  }),
  { id: 'OffboardResult' },
);

const listRoute = createRoute({
  method: 'get',
  path: '/tenants',
  tags: ['tenants'],
  summary: 'The registry: every county, in id order',
  request: { query: ListQuerySchema },
  responses: {
    200: json(
      described(z.object({ items: z.array(TenantSchema), nextCursor: z.optional(z.string()) }), {
        id: 'TenantPage',
      }),
      'Counties',
    ),
    ...ERRORS,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/tenants/{id}',
  tags: ['tenants'],
  summary: 'One county of the registry',
  request: { params: IdParamSchema },
  responses: { 200: json(TenantSchema, 'The county'), ...ERRORS },
});

const auditRoute = createRoute({
  method: 'get',
  path: '/tenants/{id}/audit',
  tags: ['tenants'],
  summary: 'Every registry event of a county (onboarded, suspended, resumed, offboarded), oldest first',
  request: { params: IdParamSchema },
  responses: { 200: json(AuditTrailSchema, 'The events and whether their hash chain is intact'), ...ERRORS },
});

const onboardRoute = createRoute({
  method: 'post',
  path: '/tenants',
  tags: ['tenants'],
  summary: 'Onboard a county: registry item, root grid node and first county admin in one transaction',
  request: { body: { required: true, content: { 'application/json': { schema: OnboardSchema } } } },
  responses: {
    201: json(OnboardResultSchema, 'Onboarded; the admin password is in this answer only'),
    ...WRITE_ERRORS,
  },
});

const statusRoute = (action: Exclude<LifecycleAction, 'offboard'>, summary: string) =>
  createRoute({
    method: 'post',
    path: `/tenants/{id}/${action}`,
    tags: ['tenants'],
    summary,
    request: {
      params: IdParamSchema,
      headers: VersionHeaderSchema,
      body: { required: false, content: { 'application/json': { schema: StatusChangeSchema } } },
    },
    responses: { 200: json(TenantSchema, 'The county after the change'), ...WRITE_ERRORS },
  });

const offboardRoute = createRoute({
  method: 'post',
  path: '/tenants/{id}/offboard',
  tags: ['tenants'],
  summary:
    'Offboard a county: refuse its API, disable its users (in pages; repeat with `cursor` until done). Its data is retained.',
  request: {
    params: IdParamSchema,
    headers: VersionHeaderSchema,
    body: { required: false, content: { 'application/json': { schema: OffboardSchema } } },
  },
  responses: { 200: json(OffboardResultSchema, 'Offboarded (or still disabling users)'), ...WRITE_ERRORS },
});

/** The version a change must apply to, from `If-Match` or the body; neither means "the one just read". */
function expectedVersion(c: Context<PlatformEnv>, bodyVersion: number | undefined): number | undefined {
  const header = c.req.header('if-match');
  if (header === undefined) return bodyVersion;
  const fromHeader = Number(header.replace(/^W\//, '').replaceAll('"', ''));
  if (!Number.isInteger(fromHeader) || fromHeader < 1) {
    throw new ValidationError([{ path: 'header.if-match', message: 'must be a version number' }]);
  }
  if (bodyVersion !== undefined && bodyVersion !== fromHeader) {
    throw new ValidationError([{ path: 'version', message: 'disagrees with the If-Match header' }]);
  }
  return fromHeader;
}

export function registerTenants(app: PlatformRouter) {
  app.openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const { client, tableName } = c.get('deps').data;
    return c.json(await new TenantRegistry(client, tableName).listPage({ limit, cursor }), 200);
  });

  app.openapi(getRoute, async (c) =>
    c.json(await requireCounty(c.get('deps'), c.req.valid('param').id), 200),
  );

  app.openapi(auditRoute, async (c) => {
    const { id } = c.req.valid('param');
    const deps = c.get('deps');
    await requireCounty(deps, id);
    const items = await new TenantRegistry(deps.data.client, deps.data.tableName).auditTrail(id);
    return c.json({ items, chain: verifyAuditChain(items) }, 200);
  });

  app.openapi(onboardRoute, async (c) => {
    const result = await onboardCounty(c.get('deps'), c.req.valid('json'), c.get('operator'));
    // The answer holds the admin's first password: no cache anywhere may keep it.
    c.header('cache-control', 'no-store');
    return c.json({ ...result, rootGrid: rootGridView(result.rootGrid) }, 201);
  });

  for (const [action, summary] of [
    [
      'suspend',
      'Suspend a county: its API refuses everything but health (within 30 s); its users and data stay',
    ],
    ['resume', 'Resume a suspended county'],
  ] as const) {
    app.openapi(statusRoute(action, summary), async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json') ?? {};
      const record = await changeCountyStatus(
        c.get('deps'),
        id,
        action,
        { expectedVersion: expectedVersion(c, body.version), reason: body.reason },
        c.get('operator'),
      );
      return c.json(record, 200);
    });
  }

  app.openapi(offboardRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const deps = c.get('deps');
    let record = await requireCounty(deps, id);
    // Offboarding is repeatable: on an offboarded county it only goes on disabling users (from `cursor`).
    if (record.status !== 'offboarded') {
      record = await changeCountyStatus(
        deps,
        id,
        'offboard',
        { expectedVersion: expectedVersion(c, body.version), reason: body.reason },
        c.get('operator'),
      );
    }
    const users = await disableCountyUsers(deps, id, body.cursor ? { cursor: body.cursor } : {});
    return c.json(
      {
        tenant: record,
        users,
        dataRetained: true as const,
        destroyCommand: tenantDestroyCommand(record.cell, id),
      },
      200,
    );
  });
}

function rootGridView(node: GridNode) {
  return {
    id: node.id,
    level: node.level,
    name: node.name,
    path: node.path,
    ...(node.code ? { code: node.code } : {}),
  };
}
