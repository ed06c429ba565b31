#!/usr/bin/env node
// The one entry point behind `npm start`, `npm test` and friends. It uses nothing but Node's standard
// library, so it runs on a fresh clone: it installs the locked dependencies when they are missing or stale
// (package-lock.json changed since the last install), then runs the TypeScript script it was given with tsx.
// Keeping the install here, not in a README step, is what lets the README promise exactly two commands.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node scripts/run.mjs <script.ts> [args...]');
  process.exit(2);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(
    `Gridsafe needs Node.js 20.19 or newer (this is ${process.versions.node}). Install a newer Node and retry.`,
  );
  process.exit(1);
}

const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.gridsafe-lock-hash');
const lockHash = createHash('sha256').update(readFileSync(lock)).digest('hex');
const installed = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : '';
// `npm ci`: exactly the locked versions, and it never rewrites the lock. The lock holds every platform's
// optional packages (biome's, esbuild's); test/unit/lockfile.test.ts keeps it that way, since an
// `npm install` over an existing node_modules drops them and `npm ci` then refuses the lock as out of sync.
if (installed !== lockHash) {
  console.log('Installing the locked dependencies ...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(
      'npm ci failed: check your network access to the npm registry, then run the command again.',
    );
    process.exit(result.status ?? 1);
  }
  writeFileSync(marker, `${lockHash}\n`);
}

// The SDK warns on every start that Node 20 support ends; Lambda runs Node 22, so locally it is noise.
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const child = spawn(tsx, [join(root, script), ...args], { cwd: root, stdio: 'inherit', env });
// Ctrl-C reaches the whole foreground process group already; forwarding keeps `kill <pid>` working too.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
