import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles every Lambda entry in functions/ the way the CDK stacks do (minified ESM for Node 22, AWS SDK
 * bundled) and measures what decides cold start here: each bundle's size, and the time a fresh Node process
 * takes to import it (the init work Lambda bills). Budgets: under 500 KB and under 150 ms each.
 *
 *   npm run build            (bundles, as part of the build)
 *   node scripts/run.mjs scripts/bundle-functions.ts --measure [--runs 5]
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'functions');
const BUDGET_BYTES = 500 * 1024;
const BUDGET_IMPORT_MS = 150;

const entries = readdirSync(join(root, 'functions')).filter((name) => name.endsWith('.ts'));
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const results: { name: string; bytes: number; importMs?: number }[] = [];
for (const entry of entries) {
  const name = entry.replace(/\.ts$/, '');
  const outfile = join(outDir, name, 'index.mjs');
  await build({
    entryPoints: [join(root, 'functions', entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  results.push({ name, bytes: statSync(outfile).size });
}

if (process.argv.includes('--measure')) {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  // The entries read their configuration at import, as in Lambda; these values only need to be present.
  const env = {
    ...process.env,
    GRIDSAFE_TENANT: 'taihe',
    TABLE_NAME: 'gridsafe',
    EVIDENCE_BUCKET: 'gridsafe-evidence',
    USER_POOL_ID: 'cn-north-1_example',
    USER_POOL_CLIENT_ID: 'example',
    AUTH_ISSUER: 'https://cognito-idp.cn-north-1.amazonaws.com/cn-north-1_example',
    AUTH_JWKS_URL: 'https://cognito-idp.cn-north-1.amazonaws.com/cn-north-1_example/.well-known/jwks.json',
    AWS_REGION: 'cn-north-1',
    GRIDSAFE_CELL: 'dev-1',
    POWERTOOLS_DEV: 'false',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const result of results) {
    const file = join(outDir, result.name, 'index.mjs');
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const probe = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`],
        { env, encoding: 'utf8' },
      );
      if (probe.status !== 0) throw new Error(`importing ${result.name} failed:\n${probe.stderr}`);
      samples.push(Number(probe.stdout.trim().split('\n').at(-1)));
    }
    samples.sort((a, b) => a - b);
    result.importMs = samples[Math.floor(samples.length / 2)];
  }
}

console.log('function                    size (KB)   import median (ms)   within budget');
let failed = false;
for (const r of results) {
  const ok = r.bytes < BUDGET_BYTES && (r.importMs === undefined || r.importMs < BUDGET_IMPORT_MS);
  failed ||= !ok;
  console.log(
    `${r.name.padEnd(26)}  ${(r.bytes / 1024).toFixed(1).padStart(9)}   ${r.importMs === undefined ? '        -' : r.importMs.toFixed(1).padStart(9)}            ${ok ? 'yes' : 'NO'}`,
  );
}
if (failed) process.exitCode = 1;
