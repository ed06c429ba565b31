import { verifyAuditChain } from '@gridsafe/core';
import { readAuditTrail } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';
import {
  COMMON_ERRORS,
  IdempotencyHeaderSchema,
  IdParamSchema,
  json,
  pageOf,
  VersionHeaderSchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import { AuditTrailSchema } from './audit-schema.ts';

const KEYED_STEP_HEADERS = z.extend(VersionHeaderSchema, IdempotencyHeaderSchema.shape);

/**
 * The routes every record type of the county has, declared alike: list, get one, create, change and the audit
 * trail of `/<collection>`. Each takes what differs (the summary, the schemas, what an answer is called).
 *
 * @example
 * const units = recordRoutes('units', 'units');
 * const getRoute = units.get('One unit', UnitSchema, 'The unit');
 */
export function recordRoutes<const C extends string>(collection: C, tag: string) {
  const many = `/${collection}` as const;
  const one = `/${collection}/{id}` as const;
  return {
    list: <Q extends z.ZodMiniType, S extends z.ZodMiniType>(
      summary: string,
      query: Q,
      page: { item: S; name: string; answer: string },
    ) =>
      createRoute({
        method: 'get',
        path: many,
        tags: [tag],
        summary,
        request: { query },
        responses: { 200: json(pageOf(page.item, page.name), page.answer), ...COMMON_ERRORS },
      }),
    get: <S extends z.ZodMiniType>(summary: string, schema: S, answer: string) =>
      createRoute({
        method: 'get',
        path: one,
        tags: [tag],
        summary,
        request: { params: IdParamSchema },
        responses: { 200: json(schema, answer), ...COMMON_ERRORS },
      }),
    /**
     * A create. `keyed`: one a phone may retry, whose `Idempotency-Key` makes the retry answer the first one;
     * otherwise one made at a desk, once (a retry meets the duplicate's 409 or makes a second record).
     */
    create: <B extends z.ZodMiniType, S extends z.ZodMiniType>(
      summary: string,
      body: B,
      schema: S,
      { keyed }: { keyed: boolean },
    ) =>
      createRoute({
        method: 'post',
        path: many,
        tags: [tag],
        summary,
        request: {
          ...(keyed ? { headers: IdempotencyHeaderSchema } : {}),
          body: { required: true, content: { 'application/json': { schema: body } } },
        },
        responses: { 201: json(schema, 'Created'), ...WRITE_ERRORS },
      }),
    /** A change under the optimistic lock: `If-Match` or the body's `version`. */
    patch: <B extends z.ZodMiniType, S extends z.ZodMiniType>(summary: string, body: B, schema: S) =>
      createRoute({
        method: 'patch',
        path: one,
        tags: [tag],
        summary,
        request: {
          params: IdParamSchema,
          headers: VersionHeaderSchema,
          body: { required: true, content: { 'application/json': { schema: body } } },
        },
        responses: { 200: json(schema, 'Updated'), ...WRITE_ERRORS },
      }),
    /**
     * A step of the record's workflow, `POST /<collection>/{id}/<step>`, under the optimistic lock; a `keyed`
     * step (sent from a phone) also takes an `Idempotency-Key`, so a retry answers as the first did.
     */
    step: <B extends z.ZodMiniType, S extends z.ZodMiniType, K extends boolean = false>(
      step: string,
      o: {
        summary: string;
        description?: string;
        body: B;
        bodyRequired: boolean;
        answer: [S, string];
        keyed?: K;
      },
    ) =>
      createRoute({
        method: 'post',
        path: `/${collection}/{id}/${step}` as const,
        tags: [tag],
        summary: o.summary,
        ...(o.description ? { description: o.description } : {}),
        request: {
          params: IdParamSchema,
          headers: (o.keyed ? KEYED_STEP_HEADERS : VersionHeaderSchema) as K extends true
            ? typeof KEYED_STEP_HEADERS
            : typeof VersionHeaderSchema,
          body: { required: o.bodyRequired, content: { 'application/json': { schema: o.body } } },
        },
        responses: { 200: json(...o.answer), ...WRITE_ERRORS },
      }),
    audit: (summary: string) =>
      createRoute({
        method: 'get',
        path: `/${collection}/{id}/audit` as const,
        tags: [tag],
        summary,
        request: { params: IdParamSchema },
        responses: { 200: json(AuditTrailSchema, 'Events'), ...COMMON_ERRORS },
      }),
  };
}

/** A record's audit events, oldest first, with the hash chain verified (naming the first broken link). */
export async function auditTrail(c: Context<AppEnv>, entityType: string, id: string) {
  const events = await readAuditTrail(countyData(c).store, entityType, id);
  return { items: events, chain: verifyAuditChain(events) };
}
