import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/**
 * The one way Lambda bundles are built: `npm run build`, the CDK stacks (infra/src/node-function.ts runs this
 * script for each function) and the measurements all use `bundleFunction` below, so what is measured is what
 * is deployed. Budgets: the code a cold start loads under 500 KB and its import under 150 ms.
 *
 *   npm run build            (bundles every function into dist/functions/<name>/, as part of the build)
 *   node scripts/run.mjs scripts/bundle-functions.ts --measure [--runs 5]
 *   node scripts/run.mjs scripts/bundle-functions.ts --entry functions/api.ts --outdir <dir>   (what CDK runs)
 *
 * Each function is an ESM entry `index.mjs` plus chunks: code that only some routes need (the S3 client and
 * presigner, the Cognito client, the QR encoder, the vendor knowledge base) is loaded with `import()` at first
 * use, and esbuild's code splitting turns each into a chunk a cold start never reads.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUDGET_BYTES = 500 * 1024;
export const BUDGET_IMPORT_MS = 150;

/**
 * esbuild's code splitting keeps a module in the chunks the entry imports statically when the entry reaches it
 * at all, and reaching a barrel file (`@aws-sdk/core/protocols`, via the DynamoDB client's runtime config) counts
 * as reaching everything it re-exports (evanw/esbuild#3704): 40 KB of S3-only code (XML serde, checksums, SigV4a)
 * sat in the API's cold start though only the lazy S3 chunk uses it. This rewrites the AWS SDK's named imports
 * from `@aws-sdk/core/*` and `@smithy/core/*` barrels into imports of the files that define each name, so each
 * module lands in the chunk of the code that uses it. Both packages declare their barrels free of side effects
 * (`sideEffects` in their package.json), so not evaluating a barrel changes nothing; a name a barrel defines
 * itself (`export class Uint8ArrayBlobAdapter …`) keeps its original import.
 */
const narrowSdkBarrels: Plugin = {
  name: 'narrow-sdk-barrels',
  setup(b) {
    const barrels = new Map<string, Map<string, { source: string; name: string }>>();
    const bindings = (list: string) =>
      list
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((item) => {
          const [name, alias = name] = item.split(/\s+as\s+/);
          return { name: name!, alias: alias! };
        });
    const exportsOf = (file: string) => {
      if (!barrels.has(file)) {
        const code = readFileSync(file, 'utf8').replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
        const source = (from: string) => (from.startsWith('.') ? resolve(dirname(file), from) : from);
        const names = new Map<string, { source: string; name: string }>();
        for (const [, list, from] of code.matchAll(/export\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
          for (const { name, alias } of bindings(list!)) names.set(alias, { source: source(from!), name });
        }
        // `import { a } from "./a"; export { a };`: re-exported as well.
        const imported = new Map<string, { source: string; name: string }>();
        for (const [, list, from] of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
          for (const { name, alias } of bindings(list!)) imported.set(alias, { source: source(from!), name });
        }
        for (const [, list] of code.matchAll(/export\s*\{([^}]*)\}\s*;/g)) {
          for (const { name, alias } of bindings(list!)) {
            const found = imported.get(name);
            if (found && !found.source.startsWith('node:')) names.set(alias, found);
          }
        }
        barrels.set(file, names);
      }
      return barrels.get(file);
    };
    const origin = async (
      specifier: string,
      name: string,
      resolveDir: string,
    ): Promise<{ file: string; name: string } | undefined> => {
      const resolved = await b.resolve(specifier, { resolveDir, kind: 'import-statement' });
      if (resolved.errors.length > 0 || !resolved.path) return undefined;
      const entry = exportsOf(resolved.path)?.get(name);
      if (!entry) return undefined;
      if (entry.source.startsWith('/') || /^[A-Za-z]:/.test(entry.source))
        return { file: entry.source, name: entry.name };
      return (await origin(entry.source, entry.name, dirname(resolved.path))) ?? undefined;
    };
    const barrelImport = /import\s*\{([^}]*)\}\s*from\s*"(@(?:aws-sdk|smithy)\/core(?:\/[\w-]+)?)"\s*;?/g;
    b.onLoad(
      { filter: /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/].*[\\/]dist-es[\\/].*\.js$/ },
      async (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (!/from\s*"@(aws-sdk|smithy)\/core/.test(code)) return undefined;
        const resolveDir = dirname(args.path);
        const replacements = new Map<string, string>();
        for (const [statement, list, specifier] of code.matchAll(barrelImport)) {
          const kept: string[] = [];
          const direct: string[] = [];
          for (const { name, alias } of bindings(list!)) {
            const found = await origin(specifier!, name, resolveDir);
            if (found)
              direct.push(`import { ${found.name} as ${alias} } from ${JSON.stringify(found.file)};`);
            else kept.push(name === alias ? name : `${name} as ${alias}`);
          }
          if (direct.length === 0) continue;
          if (kept.length > 0) direct.push(`import { ${kept.join(', ')} } from "${specifier}";`);
          replacements.set(statement, direct.join('\n'));
        }
        if (replacements.size === 0) return undefined;
        let contents = code;
        for (const [statement, replacement] of replacements)
          contents = contents.replace(statement, replacement);
        return { contents, loader: 'js', resolveDir };
      },
    );
  },
};

/**
 * The same barrel effect for zod: `toJSONSchema` reached through `zod/v4/core` lands in the cold-start chunk though
 * only the lazy OpenAPI document uses it. packages/api/src/openapi/zod-json-schema.ts re-exports it; this resolves
 * that one file's `zod/v4/core` to the module that defines `toJSONSchema`.
 */
const directZodJsonSchema: Plugin = {
  name: 'direct-zod-json-schema',
  setup(b) {
    b.onResolve({ filter: /^zod\/v4\/core$/ }, async (args) => {
      if (!/[\\/]openapi[\\/]zod-json-schema\.ts$/.test(args.importer)) return undefined;
      const barrel = await b.resolve('zod/v4/core', {
        resolveDir: args.resolveDir,
        kind: 'import-statement',
        pluginData: 'direct',
      });
      return { path: join(dirname(barrel.path), 'json-schema-processors.js') };
    });
  },
};

export function bundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: { index: join(root, entry) },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    treeShaking: true,
    // ESM builds first: they tree-shake; the CommonJS `main` builds mostly do not.
    mainFields: ['module', 'main'],
    legalComments: 'none',
    // Chinese text as UTF-8 (3 bytes a character) rather than \uXXXX escapes (6).
    charset: 'utf8',
    logLevel: 'warning',
    metafile: true,
    // The SDK stays bundled (a pinned version, not whatever the runtime ships that week), except the default
    // credential chain: on Lambda the role's credentials are always in the environment (see the stub).
    alias: { '@aws-sdk/credential-provider-node': join(root, 'functions', 'lib', 'credentials-from-env.ts') },
    plugins: [narrowSdkBarrels, directZodJsonSchema],
    // CommonJS dependencies call require() for Node built-ins; ESM has no require of its own.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  };
}

export interface BundleSize {
  /** index.mjs and every chunk it imports statically: what a cold start reads and evaluates. */
  initBytes: number;
  /** Everything written, lazy chunks included: what is uploaded. */
  totalBytes: number;
  files: number;
}

/** Bundles one entry (`functions/api.ts`) into `outdir` as `index.mjs` plus `chunks/`. */
export async function bundleFunction(
  entry: string,
  outdir: string,
): Promise<BundleSize & { metafile: Metafile }> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { metafile } = await build({ ...bundleOptions(entry, outdir), metafile: true });
  return { ...sizesOf(metafile, join(outdir, 'index.mjs')), metafile };
}

/** The outputs a cold start reads: the entry and, transitively, every chunk it imports statically. */
export function initOutputs(metafile: Metafile, entryFile: string): Metafile['outputs'][string][] {
  const outputs = metafile.outputs;
  const key = (file: string) => relative(root, file).split('\\').join('/');
  const seen = new Set<string>();
  const queue = [key(entryFile)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file) || !outputs[file]) continue;
    seen.add(file);
    for (const imported of outputs[file].imports) {
      if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
    }
  }
  if (seen.size === 0) throw new Error(`${entryFile} is not among esbuild's outputs`);
  return [...seen].map((file) => outputs[file]!);
}

/** Sizes from esbuild's metafile: the entry's static import closure, and everything. */
export function sizesOf(metafile: Metafile, entryFile: string): BundleSize {
  const outputs = metafile.outputs;
  const initBytes = initOutputs(metafile, entryFile).reduce((total, output) => total + output.bytes, 0);
  const all = Object.keys(outputs).filter((file) => !file.endsWith('.map'));
  return {
    initBytes,
    totalBytes: all.reduce((total, file) => total + (outputs[file]?.bytes ?? 0), 0),
    files: all.length,
  };
}

/** Every variable any entry reads at import (as in Lambda); the values only need to be present. */
export const LAMBDA_ENV: Record<string, string> = {
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
  USER_ADMIN_URL: 'https://example.execute-api.ap-east-1.amazonaws.com',
  CELL_ACCOUNT: '123456789012',
  COUNTY_ROLE_PREFIX: 'gridsafe-ap-east-1-county-',
  PUBLIC_ORIGIN: 'https://app.gridsafe.example.cn',
  CURSOR_SECRET_ID: 'gridsafe/page-cursor',
  REGISTER_JOB_FUNCTION: 'gridsafe-taihe-registers',
  WEBHOOK_DELIVERY_FUNCTION: 'gridsafe-taihe-escalation',
  AWS_LAMBDA_FUNCTION_NAME: 'gridsafe-taihe-registers',
  AWS_REGION: 'cn-north-1',
  // As Lambda sets them for the function's role; fake, and never used by an import.
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example',
  AWS_SESSION_TOKEN: 'example',
  POWERTOOLS_DEV: 'false',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Median time a fresh Node process takes to import the bundle (the init work Lambda bills on a cold start). */
export function medianImportMs(file: string, runs: number): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const probe = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
      ],
      { env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENV }, encoding: 'utf8' },
    );
    if (probe.status !== 0) throw new Error(`importing ${file} failed:\n${probe.stderr.slice(-2000)}`);
    samples.push(Number(probe.stdout.trim().split('\n').at(-1)));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

async function main() {
  const args = process.argv.slice(2);
  const flagValue = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const entry = flagValue('--entry');
  if (entry) {
    const outdir = flagValue('--outdir');
    if (!outdir) throw new Error('--entry needs --outdir');
    await bundleFunction(entry, outdir);
    return;
  }

  const outRoot = join(root, 'dist', 'functions');
  rmSync(outRoot, { recursive: true, force: true });
  const measure = args.includes('--measure');
  const runs = Number(flagValue('--runs') ?? 5);
  const rows: { name: string; size: BundleSize; importMs?: number }[] = [];
  for (const file of readdirSync(join(root, 'functions')).filter((name) => name.endsWith('.ts'))) {
    const name = file.replace(/\.ts$/, '');
    const outdir = join(outRoot, name);
    const size = await bundleFunction(`functions/${file}`, outdir);
    rows.push({
      name,
      size,
      ...(measure ? { importMs: medianImportMs(join(outdir, 'index.mjs'), runs) } : {}),
    });
  }

  console.log(
    `function                init KB   all files KB (n)   import median of ${runs} (ms)   within ${BUDGET_BYTES / 1024} KB / ${BUDGET_IMPORT_MS} ms`,
  );
  let failed = false;
  for (const { name, size, importMs } of rows) {
    const ok = size.initBytes < BUDGET_BYTES && (importMs === undefined || importMs < BUDGET_IMPORT_MS);
    failed ||= !ok;
    console.log(
      [
        name.padEnd(22),
        (size.initBytes / 1024).toFixed(1).padStart(9),
        `${(size.totalBytes / 1024).toFixed(1)} (${size.files})`.padStart(18),
        (importMs === undefined ? '-' : importMs.toFixed(1)).padStart(29),
        `   ${ok ? 'yes' : 'NO'}`,
      ].join(' '),
    );
  }
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
