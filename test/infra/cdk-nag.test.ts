import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCellStage } from '../support/test-cell.ts';

/** Every kind of finding the stacks accept, each acknowledged next to its resource with a reason. */
const ACCEPTED_RULES = [
  'AwsSolutions-APIG4', // public routes of a county API: login, refresh, health, API description
  'AwsSolutions-COG2', // MFA optional for field phones
  'AwsSolutions-COG8', // Essentials, not Plus
  'AwsSolutions-IAM4', // AWS Backup's service-role policies on the table's backup selection, nothing else
  'AwsSolutions-IAM5', // index/* and t/<id>/* under leading-key conditions; execute-api for operators and user admin
  'AwsSolutions-L1', // Node.js 22 pinned
  'AwsSolutions-S1', // the access-log bucket does not log itself
  'AwsSolutions-SMG4', // the cursor secret is rotated by the operator, keeping the previous key readable
];

let app: App;
let synthError: unknown;

beforeAll(() => {
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  testCellStage(
    {
      id: 'nag-1',
      alarmEmail: 'ops@gridsafe.example.cn',
      tenants: ['abc', 'abcd', 'taihe'].map((id) => ({ id })),
    },
    app,
  );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
});

function acknowledgments(): { path: string; id: string; reason: string }[] {
  return app.node.findAll().flatMap((construct: IConstruct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('pass for a cell with three counties and the control plane', () => {
    expect(synthError).toBeUndefined();
  });

  it('leave no finding or warning in the validation report', () => {
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    for (const plugin of report.pluginReports) expect(plugin.violations, plugin.pluginName).toEqual([]);
  });

  it('acknowledge only the accepted rules, each with a reason a reviewer can check', () => {
    const found = acknowledgments();
    expect(found.length).toBeGreaterThan(0);
    for (const { path, id, reason } of found) {
      expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(40);
    }
    const rules = new Set(found.map(({ id }) => id.replace(/^Annotation::/, '').replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual(ACCEPTED_RULES);
  });

  it('acknowledge wildcard resources only where a leading-key condition, a county prefix or the counties’ two scheduled functions bound them', () => {
    const wildcards = acknowledgments()
      .filter(({ id }) => id.includes('AwsSolutions-IAM5'))
      .map(({ id }) => id.replace(/^Annotation::AwsSolutions-IAM5\[Resource::/, '').replace(/\]$/, ''));
    for (const resource of wildcards) {
      expect(resource).toMatch(
        /(:table\/gridsafe\/index\/\*|\/t\/[a-z][a-z0-9]+\/\*|:execute-api:.*\/\*\/\*\/\*|:execute-api:.*\/\$default\/\*\/v1\/users(\/\*)?|:lambda:.*:function:gridsafe-\*-(escalation|assessment)(:\*)?)$/,
      );
    }
  });
});
