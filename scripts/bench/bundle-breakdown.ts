import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Where each Lambda bundle's bytes come from: bundles every entry in functions/ with the options of
 * scripts/bundle-functions.ts (minified ESM for Node 22, AWS SDK bundled) into a temporary directory, with an
 * esbuild metafile, and sums each input's bytes in the output by package. With `--measure` it also times a
 * fresh Node process importing each bundle (median of `--runs`), the init work Lambda bills on a cold start.
 * Read-only: it never touches dist/.
 *
 *   node scripts/run.mjs scripts/bench/bundle-breakdown.ts [--top 15] [--measure] [--runs 5]
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const topArg = process.argv.indexOf('--top');
const top = topArg > 0 ? Number(process.argv[topArg + 1]) : 15;
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const measure = process.argv.includes('--measure');
const BUDGET_KB = 500;
const BUDGET_IMPORT_MS = 150;
/** Every variable any entry reads at import (as in Lambda); the values only need to be present. */
const LAMBDA_ENV = {
  ...process.env,
  GRIDSAFE_TENANT: 'taihe',
  GRIDSAFE_CELL: 'dev-1',
  TABLE_NAME: 'gridsafe',
  EVIDENCE_BUCKET: 'gridsafe-evidence',
  USER_POOL_ID: 'cn-north-1_example',
  USER_POOL_CLIENT_ID: 'example',
  OPERATOR_POOL_ID: 'cn-north-1_operators',
  OPERATOR_CLIENT_ID: 'operators',
  AUTH_ISSUER: 'https://cognito-idp.cn-north-1.amazonaws.com/cn-north-1_example',
  AUTH_JWKS_URL: 'https://cognito-idp.cn-north-1.amazonaws.com/cn-north-1_example/.well-known/jwks.json',
  AWS_REGION: 'cn-north-1',
  POWERTOOLS_DEV: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const summary: string[] = [];
const outDir = mkdtempSync(join(tmpdir(), 'gridsafe-bundles-'));

try {
  for (const entry of readdirSync(join(root, 'functions')).filter((name) => name.endsWith('.ts'))) {
    const name = entry.replace(/\.ts$/, '');
    const outfile = join(outDir, name, 'index.mjs');
    const result = await build({
      entryPoints: [join(root, 'functions', entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      mainFields: ['module', 'main'],
      legalComments: 'none',
      logLevel: 'error',
      metafile: true,
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    const output = Object.values(result.metafile.outputs)[0]!;
    const byPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
    const total = output.bytes;
    console.log(`\n${name}: ${(total / 1024).toFixed(1)} KB minified`);
    console.log('| package | KB | share |');
    console.log('|---|--:|--:|');
    const sorted = [...byPackage.entries()].sort((a, b) => b[1] - a[1]);
    for (const [pkg, bytes] of sorted.slice(0, top)) {
      console.log(`| ${pkg} | ${(bytes / 1024).toFixed(1)} | ${((bytes / total) * 100).toFixed(1)}% |`);
    }
    const rest = sorted.slice(top).reduce((sum, [, bytes]) => sum + bytes, 0);
    if (rest > 0)
      console.log(
        `| ${sorted.length - top} more packages | ${(rest / 1024).toFixed(1)} | ${((rest / total) * 100).toFixed(1)}% |`,
      );
    const importMs = measure ? medianImportMs(outfile) : undefined;
    const ok = total / 1024 < BUDGET_KB && (importMs === undefined || importMs < BUDGET_IMPORT_MS);
    summary.push(
      `| ${name} | ${(total / 1024).toFixed(1)} | ${importMs === undefined ? '-' : importMs.toFixed(0)} | ${ok ? 'yes' : 'NO'} |`,
    );
  }
  console.log(
    `\n| function | minified KB | import ms (median of ${runs}, fresh process) | within ${BUDGET_KB} KB / ${BUDGET_IMPORT_MS} ms |`,
  );
  console.log('|---|--:|--:|---|');
  for (const line of summary) console.log(line);
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

function medianImportMs(file: string): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
      ],
      { env: LAMBDA_ENV, encoding: 'utf8' },
    );
    if (probe.status !== 0) throw new Error(`importing ${file} failed:\n${probe.stderr.slice(-2000)}`);
    samples.push(Number(probe.stdout.trim().split('\n').at(-1)));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/**
 * The package an input belongs to: `node_modules/@scope/name/...` → `@scope/name`, the workspace packages by
 * their folder (`packages/core/src/knowledge/...` → `@gridsafe/core (knowledge)` for the knowledge base, which
 * is data rather than code), anything else by its first folder.
 */
function packageOf(input: string): string {
  const modules = input.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = input.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const workspace = /^packages\/([^/]+)\/src\/(knowledge\/)?/.exec(input);
  if (workspace) return `@gridsafe/${workspace[1]}${workspace[2] ? ' (knowledge base)' : ''}`;
  return input.split('/')[0] ?? input;
}
