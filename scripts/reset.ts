import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { localStackConfig } from './local/config.ts';

/**
 * `npm run reset`: deletes the local stack's data (.data/) so the next `npm start` seeds a fresh demo. It
 * never deletes silently: it names what it will delete and asks, or needs `--yes` when nobody can answer.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { dataDir } = localStackConfig(root);

if (!existsSync(dataDir)) {
  console.log(`Nothing to reset: ${dataDir} does not exist.`);
  process.exit(0);
}
console.log(`This deletes ${dataDir}: the local DynamoDB tables, uploaded photos and local logins.`);
let confirmed = process.argv.includes('--yes');
if (!confirmed) {
  if (!process.stdin.isTTY) {
    console.error('Not deleting: run `npm run reset -- --yes` to confirm without a terminal.');
    process.exit(1);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  confirmed = /^y(es)?$/i.test((await prompt.question('Delete it? [y/N] ')).trim());
  prompt.close();
}
if (!confirmed) {
  console.log('Nothing deleted.');
  process.exit(0);
}
rmSync(dataDir, { recursive: true, force: true });
console.log('Deleted. `npm start` will create and seed everything again.');
