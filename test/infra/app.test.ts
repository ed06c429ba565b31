import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dirs.ts';

const run = promisify(execFile);

/** Runs infra/app.ts the way the CDK CLI does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR. */
async function synthesize(context: Record<string, unknown>): Promise<string> {
  const outdir = tempDir('gridsafe-app-');
  await run('node_modules/.bin/tsx', ['infra/app.ts'], {
    env: {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:bundling-stacks': [], ...context }),
      GRIDSAFE_DEV_1_ACCOUNT: '123456789012',
      GRIDSAFE_DEV_1_REGION: 'ap-east-1',
    },
  });
  return outdir;
}

describe('the CDK app', () => {
  it('synthesizes the selected cell from infra/config/cells.json, cdk-nag included', async () => {
    const outdir = await synthesize({ cell: 'dev-1' });
    const manifest = JSON.parse(readFileSync(join(outdir, 'assembly-dev-1', 'manifest.json'), 'utf8')) as {
      artifacts: Record<
        string,
        { type: string; displayName?: string; environment?: string; properties?: { stackName?: string } }
      >;
    };
    const stacks = Object.values(manifest.artifacts).filter((a) => a.type === 'aws:cloudformation:stack');
    expect(stacks.map((s) => [s.displayName, s.properties?.stackName]).sort()).toEqual([
      ['dev-1/Gridsafe-Platform', 'Gridsafe-Platform'],
      ['dev-1/Gridsafe-Shared', 'Gridsafe-Shared'],
      ['dev-1/Gridsafe-Tenant-linquan', 'Gridsafe-Tenant-linquan'],
      ['dev-1/Gridsafe-Tenant-nanjing', 'Gridsafe-Tenant-nanjing'],
      ['dev-1/Gridsafe-Tenant-taihe', 'Gridsafe-Tenant-taihe'],
    ]);
    for (const stack of stacks) expect(stack.environment).toBe('aws://123456789012/ap-east-1');
  });

  it('refuses a cell that is not in the configuration', async () => {
    await expect(synthesize({ cell: 'nowhere-9' })).rejects.toThrow(/Unknown cell "nowhere-9"/);
  });
});
