import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentText, generatedDocuments } from '@gridsafe/api/openapi';

/**
 * Writes the API's OpenAPI documents from the route table (packages/api/src/openapi/*.json), which the API
 * serves as they are: `npm run openapi` after changing a route or a schema (test/unit/openapi-document.test.ts
 * fails until the committed files match).
 */
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'api', 'src', 'openapi');
for (const [file, document] of Object.entries(generatedDocuments())) {
  writeFileSync(join(dir, file), documentText(document));
  console.log(`wrote packages/api/src/openapi/${file}`);
}
