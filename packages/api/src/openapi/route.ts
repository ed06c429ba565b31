import { ValidationError } from '@gridsafe/core';
import { type Context, type Env, Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import {
  $ZodAsyncError,
  type $ZodType,
  type input,
  type output,
  safeParse,
  safeParseAsync,
} from 'zod/v4/core';
import { fieldProblems } from '../problem.ts';

/**
 * A route as the API documents and validates it: the same shape @hono/zod-openapi's `createRoute` took, so the
 * route files read as before, but with no OpenAPI library behind it. Lambda bundles carry only this (hono's
 * validator and the schemas' own parsers); the OpenAPI document is written from the route table at the first
 * request for it (packages/api/src/openapi/document.ts, a lazily loaded chunk).
 */
export interface RouteConfig {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style, `/risk-points/{id}`. */
  path: string;
  tags?: string[];
  summary?: string;
  description?: string;
  /** `[]` for public operations (the document's default is the bearer token). */
  security?: Record<string, string[]>[];
  request?: {
    params?: $ZodType;
    query?: $ZodType;
    headers?: $ZodType;
    body?: {
      required?: boolean;
      description?: string;
      content: Record<string, { schema: $ZodType }>;
    };
  };
  responses: Record<
    number | string,
    { description: string; headers?: unknown; content?: Record<string, { schema?: $ZodType | object }> }
  >;
}

export const createRoute = <R extends RouteConfig>(route: R): R => route;

type Out<S> = S extends $ZodType ? output<S> : never;
type In<S> = S extends $ZodType ? input<S> : never;
type RequestPart<R extends RouteConfig, K extends keyof NonNullable<R['request']>> = NonNullable<
  R['request']
>[K];
type JsonBody<R extends RouteConfig> = NonNullable<R['request']>['body'] extends {
  content: { 'application/json': { schema: infer S } };
}
  ? S
  : never;

/** What `c.req.valid(...)` gives inside a route's handler. */
export type RouteInput<R extends RouteConfig> = {
  in: {
    param: In<RequestPart<R, 'params'>>;
    query: In<RequestPart<R, 'query'>>;
    header: In<RequestPart<R, 'headers'>>;
    json: In<JsonBody<R>>;
  };
  out: {
    param: Out<RequestPart<R, 'params'>>;
    query: Out<RequestPart<R, 'query'>>;
    header: Out<RequestPart<R, 'headers'>>;
    json: Out<JsonBody<R>>;
  };
};

type HonoPath<P extends string> = P extends `${infer A}{${infer Name}}${infer B}`
  ? `${A}:${Name}${HonoPath<B>}`
  : P;

const JSON_MEDIA_TYPE = /^application\/([a-z-.]+\+)?json/i;
const JSON_REQUEST = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

function check(target: 'param' | 'query' | 'header' | 'json', schema: $ZodType): MiddlewareHandler {
  // Headers arrive lower-cased; a schema may name them in any case.
  const shape = (schema as { _zod: { def: { shape?: Record<string, unknown> } } })._zod.def.shape;
  const headerKeys =
    target === 'header' && shape
      ? new Map(Object.keys(shape).map((key) => [key.toLowerCase(), key]))
      : undefined;
  // A JSON body stays on the asynchronous parse: an idempotency key's fingerprint hashes the body as parsed, and the
  // synchronous parse orders some fields differently (a unit's `creditCode`), so a write a phone queued under the
  // old order would meet 409 idempotency_key_reused (test/integration/person-id-migration.test.ts).
  const synchronous = target !== 'json';
  return validator(target, async (value) => {
    const input = headerKeys
      ? Object.fromEntries(Object.entries(value).map(([key, v]) => [headerKeys.get(key) ?? key, v]))
      : value;
    // zod's core parser, so classic and zod/mini schemas validate alike.
    const result = (synchronous ? parsed(schema, input) : undefined) ?? (await safeParseAsync(schema, input));
    if (!result.success) throw new ValidationError(fieldProblems(result.error, target));
    return result.data;
  });
}

/**
 * A synchronous parse, or undefined when the schema has an asynchronous check (none does today; one added later still
 * works, asynchronously). Every request's path, query and headers are validated, and an asynchronous parse costs
 * each one its promises.
 */
function parsed(schema: $ZodType, input: unknown) {
  try {
    return safeParse(schema, input);
  } catch (error) {
    if (error instanceof $ZodAsyncError) return undefined;
    throw error;
  }
}

/** A request whose body has bytes (an empty body with no content type is allowed on optional bodies). */
async function hasRequestBody(c: Context): Promise<boolean> {
  const raw = c.req.raw;
  if (raw.body === null) return false;
  return (await c.req.raw.clone().arrayBuffer()).byteLength > 0;
}

/** The validators a route runs before its handler, in the order @hono/zod-openapi ran them. */
export function validatorsOf(route: RouteConfig): MiddlewareHandler[] {
  const request = route.request;
  const validators: MiddlewareHandler[] = [];
  if (request?.query) validators.push(check('query', request.query));
  if (request?.params) validators.push(check('param', request.params));
  if (request?.headers) validators.push(check('header', request.headers));
  const content = request?.body?.content;
  const schema = content?.['application/json']?.schema;
  if (content && schema) {
    // Anything but JSON is refused with 415 (the error handler names the content-type header).
    validators.push(async (c, next) => {
      const contentType = c.req.header('content-type');
      if (contentType ? !JSON_REQUEST.test(contentType) : await hasRequestBody(c)) {
        throw new HTTPException(415, { message: 'Unsupported Media Type' });
      }
      await next();
    });
    const body = check('json', schema);
    if (request.body?.required) validators.push(body);
    else
      validators.push(async (c, next) => {
        const contentType = c.req.header('content-type');
        if (contentType && JSON_MEDIA_TYPE.test(contentType)) return body(c, next);
        c.req.addValidatedData('json', {});
        await next();
      });
  }
  return validators;
}

/**
 * A hono router that also keeps the table of the routes registered with `openapi()`, from which the build
 * writes the OpenAPI document. Validation failures become the one 400 problem+json naming each bad field.
 */
export class Router<E extends Env> extends Hono<E> {
  readonly routeTable: RouteConfig[] = [];

  openapi<R extends RouteConfig>(
    route: R,
    handler: (c: Context<E, HonoPath<R['path']>, RouteInput<R>>) => Response | Promise<Response>,
  ): this {
    this.routeTable.push(route);
    const path = route.path.replaceAll(/\/{(.+?)}/g, '/:$1');
    const on = this.on as (method: string, path: string, ...handlers: MiddlewareHandler[]) => unknown;
    on.call(this, route.method.toUpperCase(), path, ...validatorsOf(route), handler as MiddlewareHandler);
    return this;
  }
}
