// A development tool: copies operations of the generated county OpenAPI document into
// test/fixtures/openapi/county.json, for the fixture update that must come in the same commit as a new route:
//   node scripts/run.mjs scripts/openapi-fixture-add.ts "GET /grids/{id}/child-boundaries" ...
import { readFileSync, writeFileSync } from 'node:fs';
import { generatedDocuments } from '@gridsafe/api/openapi';

interface Document {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}
const fixturePath = 'test/fixtures/openapi/county.json';
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as Document;
const generated = (await generatedDocuments())['county-openapi.json'] as unknown as Document;
const schemaRefs = (value: unknown) =>
  [...JSON.stringify(value).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? '');

for (const name of process.argv.slice(2)) {
  const [method = '', path = ''] = name.split(' ');
  const operation = generated.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`No ${name} in the generated county document.`);
  fixture.paths[path] = { ...fixture.paths[path], [method.toLowerCase()]: operation };
}
// Every named schema the fixture now refers to, and those they refer to in turn.
for (let added = true; added; ) {
  added = false;
  for (const ref of schemaRefs(fixture)) {
    if (!fixture.components.schemas[ref] && generated.components.schemas[ref]) {
      fixture.components.schemas[ref] = generated.components.schemas[ref];
      added = true;
    }
  }
}
writeFileSync(fixturePath, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`${fixturePath}: ${process.argv.length - 2} operation(s) copied`);
