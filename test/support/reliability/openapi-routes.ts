import fc from 'fast-check';
import { call, type Requester } from './client.ts';

/** A JSON Schema as the OpenAPI document gives it (only the parts the generators read). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
}

/** One operation of the county API, as the OpenAPI document describes it. */
export interface Operation {
  method: string;
  /** The templated path, `/risk-points/{id}`. */
  path: string;
  name: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema; required?: boolean }[];
  headers: string[];
  /** `contentType` the first media type documented, `contentTypes` all of them (a CSV's, an .xlsx's…). */
  body?: { contentType: string; contentTypes: string[]; schema: JsonSchema; required: boolean };
  /** The media types its successful answers are documented in (`application/json`, a spreadsheet's…). */
  successTypes: string[];
  /** Public operations (`security: []`): health, openapi, session. */
  public: boolean;
}

/** Every operation the running app documents: the isolation and fuzz tests follow the API as it grows. */
export async function loadOperations(
  app: Requester,
  tenant: string,
): Promise<{ doc: OpenApiDocument; operations: Operation[] }> {
  const answer = await call(app, 'GET', `/t/${tenant}/api/v1/openapi.json`);
  if (answer.status !== 200) throw new Error(`openapi.json answered ${answer.status}`);
  const doc = answer.body as OpenApiDocument;
  const operations: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const params = op.parameters ?? [];
      const content = op.requestBody ? Object.entries(op.requestBody.content)[0] : undefined;
      operations.push({
        method: method.toUpperCase(),
        path,
        name: `${method.toUpperCase()} ${path}`,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required ?? false })),
        headers: params.filter((p) => p.in === 'header').map((p) => p.name),
        ...(content
          ? {
              body: {
                contentType: content[0],
                contentTypes: Object.keys(op.requestBody?.content ?? {}),
                schema: content[1].schema,
                required: op.requestBody?.required ?? false,
              },
            }
          : {}),
        successTypes: Object.entries(op.responses ?? {})
          .filter(([status]) => status.startsWith('2'))
          .flatMap(([, response]) => Object.keys(response.content ?? {})),
        public: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  // openapi.json documents itself only implicitly; it is public too.
  operations.push({
    method: 'GET',
    path: '/openapi.json',
    name: 'GET /openapi.json',
    pathParams: [],
    query: [],
    headers: [],
    successTypes: ['application/json'],
    public: true,
  });
  return { doc, operations };
}

export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

function resolve(schema: JsonSchema, doc: OpenApiDocument): JsonSchema {
  let current = schema;
  for (let i = 0; i < 10 && current.$ref; i++) {
    const name = current.$ref.replace('#/components/schemas/', '');
    current = doc.components.schemas[name] ?? {};
  }
  return current;
}

/** Strings that have broken real systems: markup, injections, templates, encodings, direction overrides. */
export const NASTY_STRINGS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE risk_points; --",
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection, sent as text on purpose.
  '${7*7}',
  '#{7*7}',
  '../../../etc/passwd',
  '%00',
  '\u0000',
  '\u0007\u001b[31m',
  '\u202eevil\u202c',
  '\ud800',
  '\udfff\ud800',
  '𠀀𠀁',
  '👨‍👩‍👧‍👦',
  '\ufeff',
  'Ｓｃｒｉｐｔ',
  'NaN',
  '-0',
  '1e309',
  'null',
  'true',
  '__proto__',
  'constructor',
  ' ',
  '',
  '\t\n\r',
  'x'.repeat(5000),
  '中'.repeat(1000),
];

const textArbitrary = (min = 0, max = 40) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 40)), unit: 'grapheme' }),
    },
    {
      weight: 1,
      arbitrary: fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 40)), unit: 'binary' }),
    },
    { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  );

/** Values that fit the schema (mostly): the starting point that schema-shaped mutations bend. */
export function schemaArbitrary(schema: JsonSchema, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const choices = s.anyOf ?? s.oneOf;
  if (choices && choices.length > 0)
    return fc.oneof(...choices.map((c) => schemaArbitrary(c, doc, depth + 1)));
  if (s.allOf && s.allOf.length > 0) return schemaArbitrary(s.allOf[0]!, doc, depth + 1);
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
  if (type.length > 1) return fc.oneof(...type.map((t) => schemaArbitrary({ ...s, type: t }, doc, depth)));
  switch (type[0]) {
    case 'object': {
      const properties = s.properties ?? {};
      const required = new Set(s.required ?? []);
      if (Object.keys(properties).length === 0)
        return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(properties))
        shape[key] = schemaArbitrary(value, doc, depth + 1);
      return fc.record(shape, { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) });
    }
    case 'array':
      return fc.array(s.items ? schemaArbitrary(s.items, doc, depth + 1) : fc.jsonValue({ maxDepth: 1 }), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 4, 4),
      });
    case 'string':
      if (s.pattern) {
        return fc.oneof(
          { weight: 4, arbitrary: fc.stringMatching(new RegExp(s.pattern)) },
          { weight: 1, arbitrary: textArbitrary() },
        );
      }
      if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      return textArbitrary(s.minLength ?? 0, s.maxLength ?? 40);
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1e6);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1e6);
      const inRange =
        type[0] === 'integer'
          ? fc.integer({ min: Math.ceil(Math.max(min, -(2 ** 31))), max: Math.floor(Math.min(max, 2 ** 31)) })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      return fc.oneof(
        { weight: 5, arbitrary: inRange },
        { weight: 1, arbitrary: fc.constantFrom(-1, 0, 1.5, 1e21, -1e21, 2 ** 53 + 1) },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A schema-shaped value bent one way: a key dropped, a value replaced, an unknown key, a nasty string. */
export function mutatedArbitrary(schema: JsonSchema, doc: OpenApiDocument): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      schemaArbitrary(schema, doc),
      fc.constantFrom('none', 'drop', 'replace', 'unknown', 'nasty', 'deep'),
      fc.nat(),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(...NASTY_STRINGS),
    )
    .map(([value, how, pick, replacement, nasty]) => {
      if (how === 'none' || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys.length > 0 ? keys[pick % keys.length]! : 'name';
      if (how === 'drop') delete copy[key];
      else if (how === 'replace') copy[key] = replacement;
      else if (how === 'unknown') copy[`x_${pick % 100}`] = replacement;
      else if (how === 'nasty') copy[key] = nasty;
      // Deep nesting: parsers and validators that recurse without a bound fall over here.
      else copy[key] = JSON.parse(`${'['.repeat(2000)}${']'.repeat(2000)}`);
      return copy;
    });
}

/** Path parameter values an attacker tries: traversal, encodings, unicode, very long, near-ULIDs. */
export const pathParamArbitrary: fc.Arbitrary<{ value: string; encode: boolean }> = fc.record({
  value: fc.oneof(
    fc.constantFrom(
      '..',
      '../',
      '../../users',
      '..%2F..%2Fusers',
      '%2e%2e%2f%2e%2e%2fsettings',
      '.%00.',
      '%00',
      '%',
      '%zz',
      '01JD5Y7ZK3QF8W0M2N4P6R8T0V',
      '01jd5y7zk3qf8w0m2n4p6r8t0v',
      '01JD5Y7ZK3QF8W0M2N4P6R8T0VX',
      '01JD5Y7ZK3QF8W0M2N4P6R8T0',
      'ILOU0000000000000000000000',
      'T#other#RP#01JD5Y7ZK3QF8W0M2N4P6R8T0V',
      '__proto__',
      'constructor',
      'ünïcödé',
      '𠀀',
      '👨‍👩‍👧',
      '\u202e',
      ' ',
      'a'.repeat(4000),
      '中'.repeat(1000),
    ),
    fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    fc.string({ maxLength: 60, unit: 'grapheme' }),
    fc.string({ maxLength: 60, unit: 'binary' }),
  ),
  encode: fc.boolean(),
});

/** Query strings: values shaped by each documented parameter's schema, odd values, repeated and undocumented names. */
export function queryArbitrary(
  params: { name: string; schema: JsonSchema }[],
  doc?: OpenApiDocument,
): fc.Arbitrary<[string, string][]> {
  const names = params.map((p) => p.name);
  const name =
    names.length > 0
      ? fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 10 }))
      : fc.string({ maxLength: 10 });
  const odd = fc.oneof(
    fc.constantFrom(
      '0',
      '-1',
      '101',
      '1e3',
      '50.5',
      'abc',
      '',
      'red',
      'filed',
      'village',
      'true',
      '01JD5Y7ZK3QF8W0M2N4P6R8T0V',
    ),
    fc.constantFrom(...NASTY_STRINGS),
    fc.string({ maxLength: 40, unit: 'grapheme' }),
    fc.base64String({ maxLength: 200 }),
  );
  const shaped = doc
    ? params.map((p) =>
        fc.tuple(
          fc.constant(p.name),
          schemaArbitrary(p.schema, doc).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))),
        ),
      )
    : [];
  const pair = shaped.length > 0 ? fc.oneof(fc.tuple(name, odd), ...shaped) : fc.tuple(name, odd);
  return fc.array(pair, { maxLength: 5 });
}

/** Header values must be ByteStrings without CR/LF; anything else never leaves a real client. */
export const headerValueArbitrary = fc.oneof(
  fc.constantFrom('1', '0', '-1', 'W/"3"', '"2"', '*', 'abc', '1.5', '99999999999999999999', ''),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  fc.string({ maxLength: 200, unit: 'binary-ascii' }).map((s) => s.replace(/[\u0000-\u001f\u007f]/g, '')),
);
