import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUDGET_BYTES,
  BUDGET_IMPORT_MS,
  bundleFunction,
  initOutputs,
  medianImportMs,
} from '../bundle-functions.ts';

/**
 * Where each Lambda bundle's cold-start bytes come from: bundles every entry in functions/ with
 * scripts/bundle-functions.ts into a temporary directory and sums, over index.mjs and the chunks it imports
 * statically, each input's bytes by package (lazy chunks are left out: a cold start does not read them). With `--measure` it also times a
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
const BUDGET_KB = BUDGET_BYTES / 1024;
const summary: string[] = [];
const outDir = mkdtempSync(join(tmpdir(), 'gridsafe-bundles-'));

try {
  for (const entry of readdirSync(join(root, 'functions')).filter((name) => name.endsWith('.ts'))) {
    const name = entry.replace(/\.ts$/, '');
    const outfile = join(outDir, name, 'index.mjs');
    const { metafile, initBytes } = await bundleFunction(`functions/${entry}`, join(outDir, name));
    const byPackage = new Map<string, number>();
    for (const output of initOutputs(metafile, outfile)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      }
    }
    const total = initBytes;
    console.log(`\n${name}: ${(total / 1024).toFixed(1)} KB minified, loaded at a cold start`);
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
    const importMs = measure ? medianImportMs(outfile, runs) : undefined;
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
