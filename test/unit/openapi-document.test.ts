import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDocuments } from '@gridsafe/api/openapi';
import { ALERT_INTAKE_ROUTE, PUBLIC_COUNTY_ROUTES } from '@gridsafe/core/contract';
import { describe, expect, it } from 'vitest';

/**
 * The API writes its OpenAPI documents from its own route table at the first request (no OpenAPI library in a
 * Lambda's cold start).
 * test/fixtures/openapi holds the documents @hono/zod-openapi served before that change: the generated ones
 * must describe the same API (operations, parameters, bodies, answers, named schemas), though zod's JSON Schema
 * differs from zod-to-openapi's in detail.
 */
const root = join(import.meta.dirname, '..', '..');
const generated = await generatedDocuments();

interface Operation {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { required?: boolean; content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/** What a client relies on in each operation, comparable across the two generators. */
function outline(document: Document) {
  const refs = (value: unknown) =>
    [...JSON.stringify(value).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]).sort();
  return {
    operations: Object.fromEntries(
      Object.entries(document.paths).flatMap(([path, byMethod]) =>
        Object.entries(byMethod).map(([method, operation]) => [
          `${method.toUpperCase()} ${path}`,
          {
            parameters: (operation.parameters ?? [])
              .map(
                (parameter) =>
                  `${parameter.in} ${parameter.name} ${parameter.required ? 'required' : 'optional'}`,
              )
              .sort(),
            body: operation.requestBody
              ? {
                  required: operation.requestBody.required ?? false,
                  types: Object.keys(operation.requestBody.content),
                }
              : undefined,
            responses: Object.fromEntries(
              Object.entries(operation.responses).map(([status, response]) => [
                status,
                Object.keys(response.content ?? {}),
              ]),
            ),
            public: operation.security?.length === 0,
            refs: refs(operation),
          },
        ]),
      ),
    ),
    schemas: Object.keys(document.components.schemas).sort(),
  };
}

const reference = (name: string) =>
  JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'openapi', name), 'utf8')) as Document;

describe('the OpenAPI documents', () => {
  it('describes the same county API as when @hono/zod-openapi wrote it', () => {
    expect(outline(generated['county-openapi.json'] as Document)).toEqual(outline(reference('county.json')));
  });

  it('describes the same platform API as when @hono/zod-openapi wrote it', () => {
    expect(outline(generated['platform-openapi.json'] as Document)).toEqual(
      outline(reference('platform.json')),
    );
  });

  it('lists as public at the gateway exactly the operations the API answers without a token', () => {
    // A route the API serves without a token but the gateway guards with its JWT authorizer answers 401 in AWS
    // only: a temporary password or a TOTP code could never be answered there.
    const document = generated['county-openapi.json'] as Document;
    const tokenless = Object.entries(document.paths)
      .flatMap(([path, byMethod]) =>
        Object.entries(byMethod)
          .filter(([, operation]) => operation.security?.length === 0)
          .map(([method]) => `${method.toUpperCase()} ${path.replace(/^\/t\/\{tenant\}\/api\/v1/, '')}`),
      )
      .sort();
    const gateway = [...PUBLIC_COUNTY_ROUTES, ALERT_INTAKE_ROUTE]
      .map((r) => `${r.method} ${r.path}`)
      // The document does not describe itself.
      .filter((route) => route !== 'GET /openapi.json')
      .sort();
    expect(gateway).toEqual(tokenless);
  });

  it('names each bad-input answer’s Problem schema and keeps strict bodies strict', () => {
    const county = generated['county-openapi.json'];
    expect(county.components.schemas.Problem).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['code']),
    });
    expect(county.components.schemas.CreateRiskPoint).toMatchObject({ additionalProperties: false });
  });
});
