import { type $ZodObject, type $ZodType, type GlobalMeta, globalRegistry } from 'zod/v4/core';
import type { RouteConfig } from './route.ts';
import { toJSONSchema } from './zod-json-schema.ts';

/**
 * Writes the OpenAPI 3.1 document from a route table, with zod's own JSON Schema output (which handles classic
 * and zod/mini schemas alike). The API loads this module at the first request for its document, so neither it
 * nor an OpenAPI library is in a Lambda's cold start.
 * Schemas registered with an id (`.meta({ id: 'RiskPoint' })`, or `z.meta({ id })` in zod/mini) become
 * `components.schemas` and are referenced; everything else is inlined where it is used.
 */
export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

type JsonSchema = Record<string, unknown>;
const REF_PREFIX = '#/components/schemas/';
const INLINE_PREFIX = '__inline_';

export function openApiDocument(info: DocumentInfo, routes: readonly RouteConfig[], serverUrl: string) {
  const registry = globalRegistry;
  // Schemas without an id get a temporary one, so that one toJSONSchema call renders every schema with
  // references to the named ones; the temporary ones are inlined again below.
  const inline = new Map<$ZodType, string>();
  const previous = new Map<$ZodType, GlobalMeta | undefined>();
  const name = (schema: $ZodType): string => {
    const id = registry.get(schema)?.id;
    if (id) return id;
    let temporary = inline.get(schema);
    if (!temporary) {
      temporary = `${INLINE_PREFIX}${inline.size}`;
      inline.set(schema, temporary);
      previous.set(schema, registry.get(schema));
      registry.add(schema, { ...registry.get(schema), id: temporary });
    }
    return temporary;
  };
  const fields = (schema: $ZodType): [string, $ZodType][] =>
    Object.entries((schema as $ZodObject)._zod.def.shape ?? {});

  const plan = routes.map((route) => ({
    route,
    parameters: (
      [
        ['path', route.request?.params],
        ['query', route.request?.query],
        ['header', route.request?.headers],
      ] as const
    ).flatMap(([where, schema]) =>
      schema ? fields(schema).map(([key, field]) => ({ where, key, field, id: name(field) })) : [],
    ),
    body: Object.entries(route.request?.body?.content ?? {}).map(
      ([mediaType, { schema }]) => [mediaType, name(schema)] as const,
    ),
    responses: Object.entries(route.responses).map(([status, response]) => ({
      status,
      response,
      content: Object.entries(response.content ?? {}).map(([mediaType, { schema }]) => [
        mediaType,
        schema && '_zod' in schema ? name(schema as $ZodType) : undefined,
      ]),
    })),
  }));

  let rendered: Record<string, JsonSchema>;
  try {
    rendered = toJSONSchema(registry, {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
      uri: (id) => `${REF_PREFIX}${id}`,
    }).schemas as Record<string, JsonSchema>;
  } finally {
    for (const [schema, meta] of previous) {
      registry.remove(schema);
      if (meta) registry.add(schema, meta);
    }
  }

  const used = new Set<string>();
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (!value || typeof value !== 'object') return value;
    const object = value as JsonSchema;
    const ref = typeof object.$ref === 'string' ? object.$ref : undefined;
    if (ref?.startsWith(REF_PREFIX)) {
      const id = ref.slice(REF_PREFIX.length);
      const { $ref: _ref, ...siblings } = object;
      if (id.startsWith(INLINE_PREFIX)) return { ...(resolve(rendered[id]) as JsonSchema), ...siblings };
      used.add(id);
    }
    return Object.fromEntries(
      Object.entries(object)
        .filter(([key]) => key !== '$schema' && key !== '$id')
        .map(([key, inner]) => [key, resolve(inner)]),
    );
  };
  const schemaFor = (id: string) => resolve({ $ref: `${REF_PREFIX}${id}` }) as JsonSchema;

  const paths: Record<string, Record<string, unknown>> = {};
  for (const { route, parameters, body, responses } of plan) {
    const operation: Record<string, unknown> = {
      ...(route.tags ? { tags: route.tags } : {}),
      ...(route.summary ? { summary: route.summary } : {}),
      ...(route.description ? { description: route.description } : {}),
      ...(route.security ? { security: route.security } : {}),
    };
    if (parameters.length > 0) {
      operation.parameters = parameters.map(({ where, key, field, id }) => {
        const schema = schemaFor(id);
        return {
          schema,
          required: where === 'path' || field._zod.optin === undefined,
          ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
          name: key,
          in: where,
        };
      });
    }
    if (body.length > 0) {
      operation.requestBody = {
        ...(route.request?.body?.description ? { description: route.request.body.description } : {}),
        ...(route.request?.body?.required ? { required: true } : {}),
        content: Object.fromEntries(body.map(([mediaType, id]) => [mediaType, { schema: schemaFor(id) }])),
      };
    }
    operation.responses = Object.fromEntries(
      responses.map(({ status, response, content }) => [
        status,
        {
          description: response.description,
          ...(response.headers ? { headers: response.headers } : {}),
          ...(content.length > 0
            ? {
                content: Object.fromEntries(
                  content.map(([mediaType, id]) => [
                    mediaType,
                    id ? { schema: schemaFor(id) } : (response.content?.[mediaType as string] ?? {}),
                  ]),
                ),
              }
            : {}),
        },
      ]),
    );
    const path = route.path;
    paths[path] = { ...paths[path], [route.method]: operation };
  }

  // Named schemas, including those only other named schemas reference.
  const schemas: Record<string, JsonSchema> = {};
  const pending = [...used];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (schemas[id]) continue;
    const before = new Set(used);
    schemas[id] = resolve(rendered[id]) as JsonSchema;
    for (const found of used) if (!before.has(found)) pending.push(found);
  }

  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
    paths,
  };
}
