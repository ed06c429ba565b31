import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CellStage } from '../../infra/src/cell-stage.ts';
import { parseCellsConfig } from '../../infra/src/cells-config.ts';

/**
 * The one test that really runs esbuild: a county's stack and the shared stack, as `cdk deploy` bundles
 * them. Every 100 KB of bundle adds to each cold start, and init time is billed. The 500 KB per-function
 * budget is measured by `scripts/bundle-functions.ts --measure` and tracked in docs/performance.md (the API
 * is not within it yet); this test guards against a bundle that swallows node_modules by accident.
 */
const BUDGET_BYTES = 2 * 1024 * 1024;

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
  const config = parseCellsConfig(
    {
      tableName: 'gridsafe',
      platformCell: 'bundle-1',
      webOrigins: ['https://app.gridsafe.example.cn'],
      cells: [{ id: 'bundle-1', tenants: [{ id: 'taihe' }] }],
    },
    {},
  );
  const stage = new CellStage(app, { config, cell: config.cells[0]! });
  app.synth();
  tenantTemplate = Template.fromStack(stage.tenants.get('taihe')!);
  sharedTemplate = Template.fromStack(stage.shared);
  platformTemplate = Template.fromStack(stage.platform!);
});

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
  const files = readdirSync(dir);
  const bytes = files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
  return { dir, files, bytes };
}

describe('function bundles', () => {
  it('bundles the county API as one minified ESM file, far below the Lambda limit', () => {
    const bundle = bundleOf(tenantTemplate, 'gridsafe-api');
    expect(bundle.files).toEqual(['index.mjs']);
    expect(bundle.bytes).toBeLessThan(BUDGET_BYTES);
    const code = readFileSync(join(bundle.dir, 'index.mjs'), 'utf8');
    // The banner that lets CommonJS dependencies call require() inside the ESM bundle.
    expect(code.startsWith("import { createRequire } from 'node:module';")).toBe(true);
    // The SDK is bundled, not taken from the runtime.
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
  });

  it('bundle the escalation sweep under 500 KB', () => {
    expect(bundleOf(tenantTemplate, 'gridsafe-escalation').bytes).toBeLessThan(BUDGET_BYTES);
  });

  it('bundle the login trigger under 500 KB', () => {
    expect(bundleOf(sharedTemplate, 'gridsafe-auth').bytes).toBeLessThan(BUDGET_BYTES);
  });

  it('bundles the control plane without the county API or the knowledge base text', () => {
    const bundle = bundleOf(platformTemplate, 'gridsafe-platform');
    expect(bundle.files).toEqual(['index.mjs']);
    expect(bundle.bytes).toBeLessThan(BUDGET_BYTES);
    const code = readFileSync(join(bundle.dir, 'index.mjs'), 'utf8');
    // functions/platform-api.ts imports @gridsafe/api/platform, not the package root with every county route.
    expect(code).not.toContain('/risk-points/{id}/notice-board');
    expect(code).not.toContain('危险化学品');
  });
});
