import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CursorSecrets, newCursorSecret, parseCursorSecrets } from '@gridsafe/db';

/**
 * The local stack's cursor secret, kept under .data/ so the cursors a browser holds survive a restart, in the
 * same JSON shape as the cell's secret in AWS. To try a rotation locally, move `current` into `previous` and
 * put a new random string in `current`.
 */
export function loadOrCreateCursorSecrets(dataDir: string): CursorSecrets {
  const file = join(dataDir, 'cursor-secrets.json');
  if (existsSync(file)) return parseCursorSecrets(readFileSync(file, 'utf8'));
  mkdirSync(dataDir, { recursive: true });
  const secrets = { current: newCursorSecret(), previous: [] };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
