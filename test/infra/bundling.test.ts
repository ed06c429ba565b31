import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCellStage } from '../support/test-cell.ts';

/**
 * The one test that really runs esbuild: a county's stack and the shared stack, as `cdk deploy` bundles
 * them (through scripts/bundle-functions.ts). Every 100 KB a cold start loads adds to it, and init time is
 * billed. The 500 KB / 150 ms per-function budget is measured by `scripts/bundle-functions.ts --measure` and
 * tracked in docs/performance.md; these tests hold every function's cold-start code to the 500 KB half (the
 * import time is left to the measurement: this machine is shared and noisy), keep the parts only some routes
 * need out of it, and keep anything from swallowing node_modules by accident.
 */
/**
 * Everything a function's package holds, lazy chunks included: far below Lambda's 250 MB unzipped, and small
 * enough that a bundle swallowing node_modules fails. 4 MB since the second wave: the county API's lazy chunks
 * now hold the Alibaba Cloud SMS SDK (0.6 MB with its credentials, loaded at the first SMS) and the register
 * jobs' exceljs (0.6 MB with its streams, loaded at the first in-process export; the Lambda runs them in its own
 * function, so this one is dead weight there, docs/decisions.md).
 */
const BUDGET_BYTES = 4 * 1024 * 1024;
/** The per-function budget a cold start is held to (scripts/bundle-functions.ts). */
const INIT_BUDGET_BYTES = 500 * 1024;

/** The bytes a cold start of the function reads: index.mjs and every chunk it imports statically. */
function initBytesOf(bundle: { dir: string }): number {
  return initFiles(bundle.dir).reduce((sum, file) => sum + statSync(file).size, 0);
}

let outdir: string;
let tenantTemplate: Template;
let sharedTemplate: Template;
let platformTemplate: Template;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'gridsafe-bundle-'));
  const app = new App({
    outdir,
    context: {
      'aws:cdk:bundling-stacks': [
        'bundle-1/Gridsafe-Tenant-taihe',
        'bundle-1/Gridsafe-Shared',
        'bundle-1/Gridsafe-Platform',
      ],
    },
  });
  const stage = testCellStage({ id: 'bundle-1', tenants: [{ id: 'taihe' }] }, app);
  app.synth();
  tenantTemplate = Template.fromStack(stage.tenants.get('taihe')!);
  sharedTemplate = Template.fromStack(stage.shared);
  platformTemplate = Template.fromStack(stage.platform!);
  // Five functions through esbuild: a minute on two cores shared with the rest of the suite.
}, 240_000);

/**
 * The files a cold start loads: index.mjs and, transitively, every chunk it imports statically (esbuild writes
 * `from"./chunks/…"`), not the ones behind `import("…")`.
 */
function initFiles(dir: string): string[] {
  const seen = new Set<string>();
  const queue = [join(dir, 'index.mjs')];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(/(?:from\s*|import\s*)"(\.\.?\/[^"]+\.mjs)"/g)) {
      queue.push(resolve(dirname(file), match[1]!));
    }
  }
  return [...seen];
}

/** The staged bundle directory of the function whose POWERTOOLS_SERVICE_NAME is `service`. */
function bundleOf(template: Template, service: string): { dir: string; files: string[]; bytes: number } {
  const functions = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } },
    }),
  );
  expect(functions).toHaveLength(1);
  const key = String(functions[0]?.Properties.Code.S3Key);
  const dir = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    statSync(join(dir, file)).isFile(),
  );
  const bytes = files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
  return { dir, files, bytes };
}

describe('function bundles', () => {
  it('bundles the county API as a minified ESM entry with chunks, far below the Lambda limit', () => {
    const bundle = bundleOf(tenantTemplate, 'gridsafe-api');
    expect(bundle.files).toContain('index.mjs');
    expect(bundle.files.every((file) => file === 'index.mjs' || file.startsWith('chunks/'))).toBe(true);
    expect(bundle.bytes).toBeLessThan(BUDGET_BYTES);
    for (const file of bundle.files) {
      const code = readFileSync(join(bundle.dir, file), 'utf8');
      // The banner that lets CommonJS dependencies call require() inside each ESM file.
      expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
      // The SDK is bundled, not taken from the runtime.
      expect(code).not.toMatch(/from\s*["']@(aws-sdk|smithy)\//);
    }
  });

  it('keeps photos, logins, notice boards and the knowledge base out of the API’s cold start', () => {
    const bundle = bundleOf(tenantTemplate, 'gridsafe-api');
    const init = initFiles(bundle.dir);
    const initCode = init.map((file) => readFileSync(file, 'utf8')).join('\n');
    const initBytes = init.reduce((sum, file) => sum + statSync(file).size, 0);
    expect(initBytes).toBeLessThan(INIT_BUDGET_BYTES);
    // The knowledge base's text, the S3 presigner, the Cognito client and the QR encoder load at first use.
    expect(initCode).not.toContain('危险化学品');
    expect(initCode).not.toContain('AmazonS3');
    expect(initCode).not.toContain('AWSCognitoIdentityProviderService');
    expect(initCode).not.toContain('errorCorrectionLevel');
    expect(initCode).not.toContain('The user-administration service answered');
    // ...but they are in the bundle, in chunks of their own.
    const all = bundle.files.map((file) => readFileSync(join(bundle.dir, file), 'utf8')).join('\n');
    expect(all).toContain('The user-administration service answered');
    expect(all).toContain('危险化学品');
    expect(all).toContain('AWSCognitoIdentityProviderService');
    expect(all).toContain('AmazonS3');
    // Only zod's English messages, no zod compiler or JSON Schema importer, and no credential chain beyond the
    // environment.
    expect(all).not.toContain('Невалидн');
    expect(all).not.toContain('z.compile does not support');
    expect(all).not.toContain('External $ref is not supported');
    expect(all).not.toContain('sso_session');
    // zod/mini, not classic zod (whose schemas carry every method, 145 KB of a cold start): classic zod's
    // constructors are the only ones named without Mini or $.
    expect(all).not.toContain('"ZodString"');
    expect(all).toContain('"ZodMiniString"');
  });

  it('loads less than 500 KB on a cold start of the escalation sweep', () => {
    const bundle = bundleOf(tenantTemplate, 'gridsafe-escalation');
    expect(bundle.bytes).toBeLessThan(BUDGET_BYTES);
    expect(initBytesOf(bundle)).toBeLessThan(INIT_BUDGET_BYTES);
  });

  it('loads less than 500 KB on a cold start of the nightly assessment snapshot', () => {
    const bundle = bundleOf(tenantTemplate, 'gridsafe-assessment');
    expect(bundle.bytes).toBeLessThan(BUDGET_BYTES);
    expect(initBytesOf(bundle)).toBeLessThan(INIT_BUDGET_BYTES);
  });

  it('loads less than 500 KB on a cold start of the user-administration service, without the county API', () => {
    const bundle = bundleOf(sharedTemplate, 'gridsafe-user-admin');
    expect(bundle.bytes).toBeLessThan(BUDGET_BYTES);
    expect(initBytesOf(bundle)).toBeLessThan(INIT_BUDGET_BYTES);
    const all = bundle.files.map((file) => readFileSync(join(bundle.dir, file), 'utf8')).join('\n');
    expect(all).toContain('AdminCreateUser');
    expect(all).not.toContain('/risk-points/{id}/notice-board');
  });

  it('bundles the control plane without the county API or the knowledge base text', () => {
    const bundle = bundleOf(platformTemplate, 'gridsafe-platform');
    expect(bundle.files).toContain('index.mjs');
    expect(bundle.bytes).toBeLessThan(BUDGET_BYTES);
    expect(initBytesOf(bundle)).toBeLessThan(INIT_BUDGET_BYTES);
    const init = initFiles(bundle.dir);
    const code = init.map((file) => readFileSync(file, 'utf8')).join('\n');
    // functions/platform-api.ts imports @gridsafe/api/platform, not the package root with every county route.
    expect(code).not.toContain('/risk-points/{id}/notice-board');
    expect(code).not.toContain('危险化学品');
  });
});
