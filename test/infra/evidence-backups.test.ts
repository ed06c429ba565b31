import { EVIDENCE_LOCK_DAYS } from '@gridsafe/evidence';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_RETENTION } from '../../infra/src/shared-stack.ts';
import { testCellStage } from '../support/test-cell.ts';

let shared: Template;
let county: Template;

beforeAll(() => {
  const stage = testCellStage({ id: 'test-1', tenants: [{ id: 'taihe' }] });
  shared = Template.fromStack(stage.shared);
  county = Template.fromStack(stage.tenants.get('taihe')!);
});

function evidenceBucket() {
  const found = Object.values(
    shared.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: Match.anyValue() } }),
  );
  expect(found).toHaveLength(1);
  return found[0] as { Properties: Record<string, unknown> };
}

function evidencePolicy(): Record<string, unknown>[] {
  const [policy] = Object.values(
    shared.findResources('AWS::S3::BucketPolicy', {
      Properties: { Bucket: { Ref: Match.stringLikeRegexp('^Evidence') } },
    }),
  ) as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }[];
  return policy!.Properties.PolicyDocument.Statement;
}

describe('evidence that is written once', () => {
  it('is a versioned bucket with S3 Object Lock enabled', () => {
    expect(evidenceBucket().Properties).toMatchObject({
      ObjectLockEnabled: true,
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('sets no default retention, so unconfirmed uploads and exports still expire', () => {
    // A bucket-wide default would lock pending/ uploads and export files for years; the API locks each confirmed
    // photo as it copies it into the county's prefix (PhotoStore.promote), for the bucket's retention.
    expect(evidenceBucket().Properties.ObjectLockConfiguration).toBeUndefined();
    expect(EVIDENCE_LOCK_DAYS).toBe(EVIDENCE_RETENTION.toDays());
    const rules = (evidenceBucket().Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] })
      .Rules;
    expect(rules.find((rule) => rule.Prefix === 'pending/')).toMatchObject({ ExpirationInDays: 1 });
  });

  it('lets no principal bypass a photo’s lock or delete one of its versions', () => {
    const statements = evidencePolicy();
    expect(statements.find((s) => s.Sid === 'EvidenceLocksAreNeverBypassed')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:BypassGovernanceRetention',
    });
    expect(statements.find((s) => s.Sid === 'EvidenceVersionsAreNeverDeleted')).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:DeleteObjectVersion',
    });
  });

  it('gives the county roles no delete, no bypass and no lock configuration of their own', () => {
    const text = JSON.stringify(county.findResources('AWS::IAM::Policy'));
    for (const action of [
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:BypassGovernanceRetention',
      's3:PutBucketObjectLockConfiguration',
      's3:PutObjectLegalHold',
      's3:*',
    ]) {
      expect(text, action).not.toContain(`"${action}"`);
    }
  });
});

describe('the table’s locked backup vault', () => {
  it('is locked: every recovery point kept between a week and 400 days, none deleted before its time', () => {
    const [vault] = Object.values(shared.findResources('AWS::Backup::BackupVault')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(vault!.Properties.LockConfiguration).toEqual({ MinRetentionDays: 7, MaxRetentionDays: 400 });
    const [plan] = Object.values(shared.findResources('AWS::Backup::BackupPlan')) as {
      Properties: { BackupPlan: { BackupPlanRule: { Lifecycle: { DeleteAfterDays: number } }[] } };
    }[];
    for (const rule of plan!.Properties.BackupPlan.BackupPlanRule) {
      expect(rule.Lifecycle.DeleteAfterDays).toBeGreaterThanOrEqual(7);
      expect(rule.Lifecycle.DeleteAfterDays).toBeLessThanOrEqual(400);
    }
  });
});

describe('the cell’s SMS AccessKey (issue 16)', () => {
  it('is one retained secret per cell, created empty for the operator to fill', () => {
    const secrets = Object.values(
      shared.findResources('AWS::SecretsManager::Secret', { Properties: { Name: 'gridsafe/sms-aliyun' } }),
    ) as {
      DeletionPolicy?: string;
      Properties: { GenerateSecretString: { SecretStringTemplate: string } };
    }[];
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.DeletionPolicy).toBe('Retain');
    expect(JSON.parse(secrets[0]!.Properties.GenerateSecretString.SecretStringTemplate)).toEqual({
      accessKeyId: '',
      accessKeySecret: '',
    });
  });

  it('is named to the API and the escalation sweep, the two functions that send notices, and to no other', () => {
    const functions = Object.values(county.findResources('AWS::Lambda::Function')) as {
      Properties: { FunctionName: string; Environment?: { Variables?: Record<string, unknown> } };
    }[];
    const named = functions
      .filter((fn) => fn.Properties.Environment?.Variables?.SMS_SECRET_ID === 'gridsafe/sms-aliyun')
      .map((fn) => fn.Properties.FunctionName)
      .sort();
    expect(named).toEqual(['gridsafe-taihe-api', 'gridsafe-taihe-escalation']);
  });
});
