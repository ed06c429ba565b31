import type { CursorSecrets } from '@gridsafe/db';

/**
 * The cell's cursor secret from Secrets Manager, as one signed HTTPS call built on node:crypto (cursor-secret.ts):
 * no Secrets Manager SDK client in the bundle, and (unlike the Parameters and Secrets extension layer) it works in
 * the China regions too. The API asks for it once per process, at the first list page that needs a cursor, and the
 * signing code loads then too, so a cold start that serves no list pays nothing for it.
 */
export function cursorSecretFromSecretsManager(
  secretId: string,
  region: string,
): () => Promise<CursorSecrets> {
  return async () => (await import('./cursor-secret.ts')).fetchCursorSecrets(secretId, region);
}
