import {
  DEFAULT_TABLE_NAME as DB_TABLE_NAME,
  TTL_ATTRIBUTE as DB_TTL_ATTRIBUTE,
  tableDefinition,
} from '@gridsafe/db';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAME, EVIDENCE_RETENTION, SSM_PARAMETERS } from '../../infra/src/shared-stack.ts';
import { testCellStage } from '../support/test-cell.ts';

let template: Template;

beforeAll(() => {
  template = Template.fromStack(
    testCellStage({ id: 'test-1', alarmEmail: 'ops@gridsafe.example.cn', tenants: [{ id: 'taihe' }] }).shared,
  );
});

function onlyResource(type: string, properties?: Record<string, unknown>) {
  const found = Object.values(
    template.findResources(type, properties ? { Properties: properties } : undefined),
  );
  expect(found).toHaveLength(1);
  return found[0] as {
    Properties: Record<string, unknown>;
    DeletionPolicy?: string;
    UpdateReplacePolicy?: string;
  };
}

describe('the shared table', () => {
  it('has point-in-time recovery and deletion protection and survives stack deletion', () => {
    const table = onlyResource('AWS::DynamoDB::Table');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('matches the table the local stack creates from @gridsafe/db, GSIs and TTL included', () => {
    const expected = tableDefinition(DB_TABLE_NAME);
    expect(DEFAULT_TABLE_NAME).toBe(DB_TABLE_NAME);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: expected.TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: expected.KeySchema,
      AttributeDefinitions: Match.arrayEquals(expected.AttributeDefinitions),
      GlobalSecondaryIndexes: expected.GlobalSecondaryIndexes,
      TimeToLiveSpecification: { AttributeName: DB_TTL_ATTRIBUTE, Enabled: true },
    });
    const indexes = onlyResource('AWS::DynamoDB::Table').Properties.GlobalSecondaryIndexes as {
      IndexName: string;
    }[];
    expect(indexes.map((index) => index.IndexName)).toEqual([
      'gsi1',
      'gsi2',
      'gsi3',
      'gsi4',
      'due',
      'changed',
      'map',
    ]);
  });

  it('projects only what the map draws into the map index, and whole items into the others', () => {
    const indexes = onlyResource('AWS::DynamoDB::Table').Properties.GlobalSecondaryIndexes as {
      IndexName: string;
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }[];
    const map = indexes.find((index) => index.IndexName === 'map')!;
    expect(map.Projection.ProjectionType).toBe('INCLUDE');
    expect(map.Projection.NonKeyAttributes).toEqual(
      expect.arrayContaining(['id', 'location', 'color', 'level']),
    );
    expect(map.Projection.NonKeyAttributes).not.toContain('name');
    for (const index of indexes.filter((candidate) => candidate.IndexName !== 'map'))
      expect(index.Projection.ProjectionType, index.IndexName).toBe('ALL');
  });
});

describe('the evidence bucket', () => {
  const evidence = () => onlyResource('AWS::S3::Bucket', { VersioningConfiguration: Match.anyValue() });

  it('is versioned, encrypted, blocks public access, enforces bucket ownership and is retained', () => {
    const bucket = evidence();
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('has a name every stack of the cell can derive from the table name, account and region', () => {
    expect(evidence().Properties.BucketName).toEqual({
      'Fn::Join': ['', ['gridsafe-evidence-', { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]],
    });
  });

  it('refuses requests without TLS 1.2 or later', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Evidence') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      },
    });
  });

  it('moves photos to cheaper storage over time, keeps replaced versions for the retention and cleans up abandoned uploads', () => {
    const rules = (evidence().Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] })
      .Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Id: 'evidence-tiering',
          Status: 'Enabled',
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: 90 },
            { StorageClass: 'GLACIER_IR', TransitionInDays: 365 },
          ],
        }),
        expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 1825 } }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      ]),
    );
    // Evidence itself never expires: a county must be able to show a filing's photos at any audit.
    expect(rules.filter((rule) => 'ExpirationInDays' in rule).map((rule) => rule.Prefix)).toEqual([
      'pending/',
    ]);
  });

  it('expires uploads nobody confirmed within a day, under their own prefix outside every county’s evidence', () => {
    const rules = (evidence().Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] })
      .Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Id: 'expire-unconfirmed-uploads',
        Status: 'Enabled',
        Prefix: 'pending/',
        ExpirationInDays: 1,
      }),
    );
  });

  it('enables DynamoDB TTL on the attribute that unconfirmed photos’ waiting items expire by', () => {
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as {
      Properties: { TimeToLiveSpecification: unknown };
    };
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('writes server access logs to a separate bucket and allows browser uploads only from the web app', () => {
    const bucket = evidence();
    expect(bucket.Properties.LoggingConfiguration).toMatchObject({ LogFilePrefix: 'evidence/' });
    expect(bucket.Properties.CorsConfiguration).toMatchObject({
      CorsRules: [expect.objectContaining({ AllowedOrigins: ['https://app.gridsafe.example.cn'] })],
    });
  });
});

describe('the user pool', () => {
  it('keeps tenant, role and scopes out of what the app client may write', () => {
    const client = onlyResource('AWS::Cognito::UserPoolClient');
    const writable = client.Properties.WriteAttributes as string[];
    expect(writable).toEqual(['name']);
    expect(writable.some((attribute) => attribute.startsWith('custom:'))).toBe(false);
    expect(client.Properties.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:tenant', 'custom:role', 'custom:scopes']),
    );
  });

  it('defines the custom attributes, with an immutable tenant and room for 2048 characters of scopes', () => {
    const schema = onlyResource('AWS::Cognito::UserPool').Properties.Schema as Record<string, unknown>[];
    expect(schema).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: 'tenant', Mutable: false, AttributeDataType: 'String' }),
        expect.objectContaining({ Name: 'role', Mutable: true, AttributeDataType: 'String' }),
        expect.objectContaining({
          Name: 'scopes',
          Mutable: true,
          StringAttributeConstraints: { MaxLength: '2048' },
        }),
      ]),
    );
  });

  it('is on the Lite plan with no token trigger: tokens carry identity, authorization comes from records', () => {
    const pool = onlyResource('AWS::Cognito::UserPool');
    expect(pool.Properties.UserPoolTier).toBe('LITE');
    expect(pool.Properties.LambdaConfig).toBeUndefined();
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'cognito-idp.amazonaws.com' },
      0,
    );
  });

  it('lets only admins create users, and is protected from deletion', () => {
    const pool = onlyResource('AWS::Cognito::UserPool');
    expect(pool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(pool.DeletionPolicy).toBe('Retain');
  });

  it('signs in with password and refresh token, without a client secret, for 5 minutes (shorter than any idle time) and 30 days', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
      AccessTokenValidity: 5,
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
  });

  it('publishes the pool and client ids where the tenant stacks read them', () => {
    for (const name of Object.values(SSM_PARAMETERS)) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: name, Type: 'String' });
    }
  });
});

describe('the cursor secret', () => {
  it('is one generated secret per cell, kept when the stack is deleted, in the shape the API reads', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret', {
      Properties: { Name: 'gridsafe/page-cursor' },
    });
    expect(Object.keys(secrets)).toHaveLength(1);
    const secret = Object.values(secrets)[0]!;
    expect(secret.DeletionPolicy).toBe('Retain');
    expect(secret.Properties.Name).toBe('gridsafe/page-cursor');
    expect(secret.Properties.GenerateSecretString).toMatchObject({
      GenerateStringKey: 'current',
      SecretStringTemplate: JSON.stringify({ previous: [] }),
    });
    expect(secret.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(32);
  });
});

describe('the user-administration service', () => {
  type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };
  const statementsOf = (policies: Record<string, Record<string, any>>) =>
    Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

  it('answers only IAM-signed requests, on its user routes and nowhere else', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties as { RouteKey: string; AuthorizationType?: string },
    );
    expect(routes.map((route) => [route.RouteKey, route.AuthorizationType]).sort()).toEqual([
      ['ANY /v1/users', 'AWS_IAM'],
      ['ANY /v1/users/{proxy+}', 'AWS_IAM'],
    ]);
  });

  it("alone holds the pool's admin actions, on the county pool only, and knows how county roles are named", () => {
    const withCognito = statementsOf(template.findResources('AWS::IAM::Policy')).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('cognito-idp:')),
    );
    expect(withCognito).toHaveLength(1);
    expect(withCognito[0]).toMatchObject({
      Sid: 'CountyPoolAdministration',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^UserPool/), 'Arn'] },
    });
    expect([withCognito[0]!.Action].flat().sort()).toEqual([
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminSetUserPassword',
      'cognito-idp:AdminUpdateUserAttributes',
      'cognito-idp:AdminUserGlobalSignOut',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'gridsafe-user-admin',
          CELL_ACCOUNT: { Ref: 'AWS::AccountId' },
          COUNTY_ROLE_PREFIX: { 'Fn::Join': ['', ['gridsafe-', { Ref: 'AWS::Region' }, '-county-']] },
        }),
      },
    });
  });

  it('publishes its API id where the tenant stacks read it', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gridsafe/user-admin-api-id' });
  });
});

describe('evidence that cannot be overwritten or deleted', () => {
  const evidence = () => onlyResource('AWS::S3::Bucket', { VersioningConfiguration: Match.anyValue() });

  it('keeps every version a photo replaced for five years, outside unconfirmed uploads', () => {
    const rules = (evidence().Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] })
      .Rules;
    const expiringVersions = rules.filter((rule) => 'NoncurrentVersionExpiration' in rule);
    for (const rule of expiringVersions.filter((rule) => rule.Prefix !== 'pending/')) {
      expect(rule.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: EVIDENCE_RETENTION.toDays() });
    }
    expect(EVIDENCE_RETENTION.toDays()).toBeGreaterThanOrEqual(5 * 365);
    expect(evidence().Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it("refuses deleting a version of any county's evidence to every principal", () => {
    const policy = onlyResource('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Evidence') },
    });
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const denial = statements.find((statement) => statement.Sid === 'EvidenceVersionsAreNeverDeleted');
    expect(denial).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:DeleteObjectVersion',
    });
    expect(JSON.stringify(denial!.Resource)).toMatch(/\/t\/\*"\]\]\}$/);
  });
});

describe("the table's backups beyond point-in-time recovery", () => {
  it('backs the table up daily (kept a week) and monthly (kept a year, cold after a month), into a retained vault', () => {
    const plan = onlyResource('AWS::Backup::BackupPlan').Properties.BackupPlan as {
      BackupPlanRule: Record<string, unknown>[];
    };
    expect(
      plan.BackupPlanRule.map((rule) => [rule.RuleName, rule.ScheduleExpression, rule.Lifecycle]),
    ).toEqual([
      ['daily', 'cron(30 19 * * ? *)', { DeleteAfterDays: 7 }],
      ['monthly', 'cron(0 19 1 * ? *)', { DeleteAfterDays: 366, MoveToColdStorageAfterDays: 30 }],
    ]);
    for (const rule of plan.BackupPlanRule) {
      expect(rule.TargetBackupVault).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^BackupVault/), 'BackupVaultName'],
      });
    }
    const vault = onlyResource('AWS::Backup::BackupVault');
    expect(vault.Properties.BackupVaultName).toBe('gridsafe-table');
    expect(vault.DeletionPolicy).toBe('Retain');
  });

  it('lets nobody delete a backup before its rule expires it', () => {
    const vault = onlyResource('AWS::Backup::BackupVault');
    expect(vault.Properties.AccessPolicy).toMatchObject({
      Statement: [
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: expect.arrayContaining(['backup:DeleteRecoveryPoint']),
        }),
      ],
    });
  });

  it('selects the table and nothing else', () => {
    const selection = onlyResource('AWS::Backup::BackupSelection').Properties.BackupSelection as {
      Resources: unknown[];
    };
    expect(selection.Resources).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Table/), 'Arn'] }]);
    onlyResource('AWS::DynamoDB::Table');
  });
});

describe('the cell router', () => {
  it('is an HTTP API with access logs and no route of its own, whose id the county stacks read', () => {
    const router = onlyResource('AWS::ApiGatewayV2::Api', { Name: 'gridsafe-router' });
    expect(router.Properties.ProtocolType).toBe('HTTP');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(
      routes.filter((route) => JSON.stringify(route.Properties.ApiId).includes('RouterHttpApi')),
    ).toEqual([]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: Match.stringLikeRegexp('^RouterHttpApi') },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/gridsafe/router-api-id' });
  });
});

describe('alarms of the shared stack', () => {
  it('alerts the alarm topic when user administration fails or the table throttles', () => {
    for (const name of [
      'gridsafe-user-admin-errors',
      'gridsafe-table-throttles',
      'gridsafe-table-system-errors',
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: name,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
      });
    }
  });

  it('requires TLS to publish and lets CloudWatch of this account publish', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'gridsafe-alarms' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@gridsafe.example.cn',
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });
});
