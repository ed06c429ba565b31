import { GSI_INCLUDED_FIELDS, GSI_NAMES } from '@gridsafe/core/contract';
import {
  ArnFormat,
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { ALARM_PERIOD, addAlarm } from './alarms.ts';
import { addCountyAlarms, countyFunctionName } from './cell-alarms.ts';
import { CellRouter } from './cell-router.ts';
import type { CellIdentityConfig } from './cells-config.ts';
import { acknowledgeWildcardResource, nagArn } from './nag.ts';
import { createSmsSecret } from './sms-secret.ts';
import { PENDING_UPLOAD_ROOT } from './tenant-policy.ts';
import { UserAdminService } from './user-admin-service.ts';
import { addPasswordClient, createPasswordPool } from './user-pools.ts';

export const SHARED_STACK_NAME = 'Gridsafe-Shared';
export const DEFAULT_TABLE_NAME = 'gridsafe';
export { GSI_NAMES };
/** DynamoDB TTL removes idempotency records and unconfirmed photos' waiting items once `expiresAt` (epoch s) passed. */
export const TTL_ATTRIBUTE = 'expiresAt';
/** Critical alarms: someone is paged. */
export const ALARM_TOPIC_NAME = 'gridsafe-alarms';
/** Warnings: read in working hours. */
export const WARNING_TOPIC_NAME = 'gridsafe-warnings';

/**
 * How long a photo a record has taken in, and every version it replaced, is kept: five years, the span a county
 * bureau's inspection and audit cycles look back over (docs/deploy.md, "Evidence and backups"). Change it only with
 * the bureaus' sign-off; shortening it lets S3 delete replaced versions sooner.
 */
export const EVIDENCE_RETENTION = Duration.days(5 * 365);

/**
 * The table's backups beyond point-in-time recovery (docs/deploy.md, "Evidence and backups"), in a locked vault
 * nobody can delete recovery points from: PITR lives and dies with the table, these do not. Each is a full copy
 * billed per GB-month (`npm run cost`), so a week of dailies (PITR already restores any second of the last 35 days)
 * and a year of monthlies, moved to cold storage (a tenth of the price) after their first month.
 */
export const TABLE_BACKUP_RULES: ReadonlyArray<{
  ruleName: string;
  schedule: events.CronOptions;
  keep: Duration;
  coldAfter?: Duration;
}> = [
  { ruleName: 'daily', schedule: { hour: '19', minute: '30' }, keep: Duration.days(7) },
  {
    ruleName: 'monthly',
    schedule: { day: '1', hour: '19', minute: '0' },
    keep: Duration.days(366),
    coldAfter: Duration.days(30),
  },
];
/**
 * The vault's lock (AWS Backup Vault Lock, governance mode): no recovery point may be kept shorter than the daily
 * rule's week or longer than 400 days, and none can be deleted before its retention ends.
 */
export const BACKUP_VAULT_LOCK = {
  minRetention: Duration.days(7),
  maxRetention: Duration.days(400),
} as const;
export const BACKUP_VAULT_NAME = 'gridsafe-table';
/**
 * The cell's page-cursor secret (packages/db/src/page-cursor.ts): `{"current": "...", "previous": [...]}`. One per
 * cell, read by every county API of the cell; rotated by the operator (docs/deploy.md).
 */
export const CURSOR_SECRET_NAME = 'gridsafe/page-cursor';

/**
 * The ARN of the cell's cursor secret as another stack names it: Secrets Manager appends six random characters to
 * a secret's name, and `??????` matches exactly those, so no other secret's ARN fits.
 */
export function cursorSecretArn(scope: Construct): string {
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${CURSOR_SECRET_NAME}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * Values the tenant and platform stacks need but cannot derive from a name. They are read from SSM at
 * deploy time rather than imported from CloudFormation exports: an export cannot change while a few hundred
 * tenant stacks import it, and a tenant stack then deploys without touching this one.
 */
export const SSM_PARAMETERS = {
  userPoolId: '/gridsafe/user-pool-id',
  userPoolClientId: '/gridsafe/user-pool-client-id',
} as const;

/** Bucket names are global: the account and region make this one unique and derivable by every stack. */
/** The cell's schedule role, by name: each county stack refers to it without a cross-stack export. */
export function countyScheduleRoleName(): string {
  return `gridsafe-county-schedules-${Aws.REGION}`;
}

export function evidenceBucketName(tableName: string): string {
  return `${tableName}-evidence-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** The shared resources as another stack of the same cell sees them: names, ARNs and SSM-resolved ids. */
export interface SharedResources {
  tableName: string;
  tableArn: string;
  evidenceBucketName: string;
  evidenceBucketArn: string;
  /** The cell's Cognito pool; undefined in a cell whose people sign in at an OIDC provider (China). */
  userPool?: { id: string; arn: string };
  /** The pool a cell of county directories moves from (identity.formerPool): its ids, for the lazy migration. */
  formerPool?: { id: string; clientId: string };
  /** The web app's client at the cell's provider: the audience the gateway accepts. */
  userPoolClientId: string;
  /** The `iss` of the provider's tokens: `https://cognito-idp.<region>.amazonaws.com/<poolId>`, or the OIDC issuer. */
  authIssuer: string;
  authJwksUrl: string;
  alarmTopic: sns.ITopic;
}

/** The `client_id` a county directory's access tokens carry, which API Gateway's JWT authorizer checks. */
export const COUNTY_DIRECTORY_CLIENT_ID = 'gridsafe-web';

export function importSharedResources(
  scope: Construct,
  tableName: string,
  identity: CellIdentityConfig = { kind: 'cognito' },
): SharedResources {
  const stack = Stack.of(scope);
  const bucketName = evidenceBucketName(tableName);
  const data = {
    tableName,
    tableArn: stack.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName }),
    evidenceBucketName: bucketName,
    evidenceBucketArn: stack.formatArn({ service: 's3', region: '', account: '', resource: bucketName }),
    alarmTopic: sns.Topic.fromTopicArn(
      scope,
      'AlarmTopic',
      stack.formatArn({ service: 'sns', resource: ALARM_TOPIC_NAME }),
    ),
  };
  if (identity.kind === 'directory') {
    // Each county issues its own tokens: its issuer is its own API's base, known only once the county's HTTP API
    // exists, so the tenant stack sets AUTH_ISSUER and AUTH_JWKS_URL itself.
    return {
      ...data,
      userPoolClientId: COUNTY_DIRECTORY_CLIENT_ID,
      authIssuer: '',
      authJwksUrl: '',
      ...(identity.formerPool
        ? {
            formerPool: {
              id: ssm.StringParameter.valueForStringParameter(scope, SSM_PARAMETERS.userPoolId),
              clientId: ssm.StringParameter.valueForStringParameter(scope, SSM_PARAMETERS.userPoolClientId),
            },
          }
        : {}),
    };
  }
  if (identity.kind === 'oidc') {
    return {
      ...data,
      userPoolClientId: identity.clientId,
      authIssuer: identity.issuer,
      authJwksUrl: identity.jwksUrl ?? `${identity.issuer}/.well-known/jwks.json`,
    };
  }
  const userPoolId = ssm.StringParameter.valueForStringParameter(scope, SSM_PARAMETERS.userPoolId);
  const authIssuer = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${userPoolId}`;
  return {
    ...data,
    userPool: {
      id: userPoolId,
      arn: stack.formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: userPoolId }),
    },
    // A getter: a stack that never reads the client id must not declare an unused SSM parameter.
    get userPoolClientId() {
      return ssm.StringParameter.valueForStringParameter(scope, SSM_PARAMETERS.userPoolClientId);
    },
    authIssuer,
    authJwksUrl: `${authIssuer}/.well-known/jwks.json`,
  };
}

export interface SharedStackProps extends StackProps {
  /** @default 'gridsafe' */
  tableName?: string;
  /** Origins allowed to upload photos straight to the bucket with presigned requests. */
  webOrigins: string[];
  alarmEmail?: string;
  /** The cell's id, for the user-administration service's logs. */
  cellId: string;
  /** Default: a Cognito user pool and the user-administration service in front of it. */
  identity?: CellIdentityConfig;
}

/**
 * The pooled resources of one cell: the single table, the evidence bucket, the alarm topic and, where
 * Cognito exists, the county user pool with its user-administration service. Everything that holds county
 * data is retained when the stack is deleted.
 */
export class SharedStack extends Stack {
  readonly table: dynamodb.Table;
  readonly evidenceBucket: s3.Bucket;
  /** Undefined in a cell whose people sign in at an external OIDC provider (the China regions). */
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;
  readonly userAdmin?: UserAdminService;
  readonly alarmTopic: sns.Topic;
  readonly warningTopic: sns.Topic;
  readonly backupPlan: backup.BackupPlan;
  readonly router: CellRouter;
  readonly cursorSecret: secretsmanager.Secret;
  readonly smsSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: SharedStackProps) {
    super(scope, id, { stackName: SHARED_STACK_NAME, ...props });
    const tableName = props.tableName ?? DEFAULT_TABLE_NAME;

    this.alarmTopic = this.createAlarmTopic('Alarms', ALARM_TOPIC_NAME, props.alarmEmail);
    this.warningTopic = this.createAlarmTopic('Warnings', WARNING_TOPIC_NAME, props.alarmEmail);
    this.table = this.createTable(tableName);
    this.backupPlan = this.createTableBackups(this.table);
    this.router = new CellRouter(this, 'Router');
    this.evidenceBucket = this.createEvidenceBucket(tableName, props.webOrigins);
    const identity = props.identity ?? { kind: 'cognito' };
    // A cell moving to county directories keeps its pool until its people have signed in once.
    if (identity.kind === 'cognito' || (identity.kind === 'directory' && identity.formerPool)) {
      const userPool = this.createUserPool();
      const userPoolClient = this.createUserPoolClient(userPool);
      this.userPool = userPool;
      this.userPoolClient = userPoolClient;
      new ssm.StringParameter(this, 'UserPoolIdParameter', {
        parameterName: SSM_PARAMETERS.userPoolId,
        stringValue: userPool.userPoolId,
        description: 'Gridsafe user pool id, read by the tenant and platform stacks',
      });
      new ssm.StringParameter(this, 'UserPoolClientIdParameter', {
        parameterName: SSM_PARAMETERS.userPoolClientId,
        stringValue: userPoolClient.userPoolClientId,
        description: 'Gridsafe user pool app client id, read by the tenant and platform stacks',
      });
      this.userAdmin = new UserAdminService(this, 'UserAdmin', {
        cellId: props.cellId,
        userPool,
        userPoolClient,
      });
      addAlarm(this, 'UserAdminErrorsAlarm', this.alarmTopic, {
        name: 'user-admin-errors',
        description: 'The user-administration service failed: county admins cannot create or reset people.',
        metric: this.userAdmin.function.function.metricErrors({ period: ALARM_PERIOD }),
        threshold: 1,
      });
      new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId });
      new CfnOutput(this, 'UserAdminApiUrl', { value: this.userAdmin.httpApi.apiEndpoint });
    }

    this.cursorSecret = new secretsmanager.Secret(this, 'CursorSecret', {
      secretName: CURSOR_SECRET_NAME,
      description: 'Gridsafe: seals list cursors of every county API in this cell (current + previous keys)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ previous: [] }),
        generateStringKey: 'current',
        passwordLength: 48,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.cursorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation keeps the old key readable (cursors already handed out stay valid until the next rotation), which ' +
        'Secrets Manager rotation lambdas do not do; the operator rotates it as docs/deploy.md describes.',
    });

    this.smsSecret = createSmsSecret(this);

    this.createAlarms();
    addCountyAlarms(this, { critical: this.alarmTopic, warning: this.warningTopic });
    this.createCountyScheduleRole();

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidenceBucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /**
   * The one role EventBridge Scheduler assumes to start every county's sweep and assessment. One per cell, not per
   * county: IAM allows 1,000 roles per account by default, and each county's own roles (its API, sweep and
   * assessment functions) already take three of them (docs/deploy.md, "Quotas"). It may invoke only the two
   * scheduled functions of each county, by their fixed names, and only Scheduler of this account may assume it.
   */
  private createCountyScheduleRole(): void {
    const role = new iam.Role(this, 'CountyScheduleRole', {
      roleName: countyScheduleRoleName(),
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description:
        "Lets EventBridge Scheduler invoke every county's escalation sweep and assessment in this cell",
    });
    for (const job of ['escalation', 'assessment'] as const) {
      const name = countyFunctionName('*', job);
      const functions = this.formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: name,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [functions, `${functions}:*`],
        }),
      );
      for (const resource of [name, `${name}:*`]) {
        acknowledgeWildcardResource(
          role,
          nagArn(this, 'lambda', `function:${resource}`),
          `Scheduler may invoke each county's ${job} function (any version) by its fixed name, nothing else.`,
        );
      }
    }
  }

  private createTable(tableName: string): dynamodb.Table {
    const key = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    const table = new dynamodb.Table(this, 'Table', {
      tableName,
      partitionKey: key('pk'),
      sortKey: key('sk'),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    // `due` is sparse: only open items with a deadline carry `duepk`, so the escalation sweep reads only them.
    // `map` is sparse and narrow: only what the map draws is projected (docs/decisions.md).
    for (const indexName of GSI_NAMES) {
      table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: key(`${indexName}pk`),
        sortKey: key(`${indexName}sk`),
        ...(GSI_INCLUDED_FIELDS[indexName]
          ? {
              projectionType: dynamodb.ProjectionType.INCLUDE,
              nonKeyAttributes: [...GSI_INCLUDED_FIELDS[indexName]],
            }
          : { projectionType: dynamodb.ProjectionType.ALL }),
      });
    }
    return table;
  }

  private createEvidenceBucket(tableName: string, webOrigins: string[]): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the evidence bucket; logging it into itself would loop.',
    });

    const bucket = new s3.Bucket(this, 'Evidence', {
      bucketName: evidenceBucketName(tableName),
      versioned: true,
      // Each confirmed photo is locked for EVIDENCE_RETENTION when the API copies it out of pending/ (governance
      // mode, per object): no default retention, which would lock pending/ uploads and exports that must expire.
      objectLockEnabled: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'evidence/',
      // Phones upload with presigned PUT/POST straight from the web app, so the browser needs CORS here.
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.POST, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedOrigins: webOrigins,
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        {
          // Photos are looked at while a hazard is open and at the quarterly assessment, then mostly at
          // audits; Glacier Instant Retrieval keeps old photos one click away for those.
          id: 'evidence-tiering',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(365) },
          ],
        },
        {
          // A replaced photo stays readable as a noncurrent version for the whole retention, never less: an
          // overwrite cannot destroy evidence, and the bucket policy below refuses deleting a version.
          id: 'expire-replaced-versions',
          noncurrentVersionExpiration: EVIDENCE_RETENTION,
        },
        { id: 'abort-abandoned-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        {
          // Announced photos nobody confirmed (their waiting items expire by TTL the same day); a confirmed one is
          // copied to its county's evidence prefix, which never expires.
          id: 'expire-unconfirmed-uploads',
          prefix: PENDING_UPLOAD_ROOT,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
    });
    // No principal, whatever its IAM policy says, deletes a version of a county's evidence; only lifecycle rules
    // (which bucket policies do not govern) remove versions, after EVIDENCE_RETENTION. Deleting a county's data at
    // offboarding is a deliberate step that removes this statement first (docs/deploy.md).
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceVersionsAreNeverDeleted',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObjectVersion'],
        // Every county's evidence, `t/<county>/…` (tenantEvidencePrefix); unconfirmed uploads under pending/ expire.
        resources: [bucket.arnForObjects('t/*')],
      }),
    );
    // Governance-mode locks hold against everyone: nobody may bypass them, so no IAM policy (not even the account's
    // administrators') shortens a photo's lock or deletes a locked version without first removing this statement.
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EvidenceLocksAreNeverBypassed',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:BypassGovernanceRetention'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    return bucket;
  }

  private createTableBackups(table: dynamodb.Table): backup.BackupPlan {
    const vault = new backup.BackupVault(this, 'BackupVault', {
      backupVaultName: BACKUP_VAULT_NAME,
      // Refuses backup:DeleteRecoveryPoint to everyone: a backup leaves the vault only when its rule expires it.
      blockRecoveryPointDeletion: true,
      lockConfiguration: { ...BACKUP_VAULT_LOCK },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new backup.BackupPlan(this, 'TableBackupPlan', {
      backupPlanName: 'gridsafe-table',
      backupVault: vault,
      backupPlanRules: TABLE_BACKUP_RULES.map(
        (rule) =>
          new backup.BackupPlanRule({
            ruleName: rule.ruleName,
            // 03:00 and 03:30 China Standard Time, after the nightly assessments' window.
            scheduleExpression: events.Schedule.cron(rule.schedule),
            deleteAfter: rule.keep,
            ...(rule.coldAfter ? { moveToColdStorageAfter: rule.coldAfter } : {}),
          }),
      ),
    });
    const selection = plan.addSelection('Table', {
      resources: [backup.BackupResource.fromDynamoDbTable(table)],
      allowRestores: true,
    });
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      Validations.of(selection).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        reason:
          "AWS Backup's own service-role policy, which AWS keeps in step with each service's backup API; the role " +
          'is assumed by AWS Backup only, and the selection limits the plan to the one table.',
      });
    }
    return plan;
  }

  private createUserPool(): cognito.UserPool {
    const pool = createPasswordPool(this, 'UserPool', {
      userPoolName: 'gridsafe',
      standardAttributes: { fullname: { required: false, mutable: true } },
      passwordMinLength: 10,
      tempPasswordValidity: Duration.days(7),
      mfa: cognito.Mfa.OPTIONAL,
      // US$0.0055 per monthly active user after 10,000 free (docs/decisions.md).
      litePlanReason:
        'Lite, not Plus: threat protection is billed per monthly active user at several times the Lite price; ' +
        'logins go through the county API, which throttles and locks out repeated wrong passwords itself.',
    });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP): grid members sign in on shared, basic phones in villages where a second factor ' +
        'would stop field work; accounts are created and reset only by county admins.',
    });
    return pool;
  }

  private createUserPoolClient(pool: cognito.UserPool): cognito.UserPoolClient {
    // The county API's /session calls InitiateAuth.
    return addPasswordClient(pool, 'WebClient', {
      userPoolClientName: 'gridsafe-web',
      refreshTokenValidity: Duration.days(30),
      // Idle sessions end only at a refresh, so access tokens must live shorter than the shortest idle time a
      // county may set (5 minutes: Cognito's minimum too). docs/decisions.md, "MLPS level 3 at the login".
      accessTokenValidity: Duration.minutes(5),
    });
  }

  private createAlarmTopic(id: string, topicName: string, alarmEmail: string | undefined): sns.Topic {
    const topic = new sns.Topic(this, id, { topicName, enforceSSL: true });
    // enforceSSL replaces the topic's default policy, so CloudWatch needs an explicit grant to publish.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    if (alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    return topic;
  }

  private createAlarms(): void {
    const operations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.BATCH_GET_ITEM,
      dynamodb.Operation.QUERY,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.DELETE_ITEM,
      dynamodb.Operation.BATCH_WRITE_ITEM,
      dynamodb.Operation.TRANSACT_WRITE_ITEMS,
    ];
    addAlarm(this, 'TableThrottlesAlarm', this.alarmTopic, {
      name: 'table-throttles',
      description:
        'The table throttled requests: a hot partition (counters, the registry) or a runaway client.',
      metric: this.table.metricThrottledRequestsForOperations({ operations, period: ALARM_PERIOD }),
      threshold: 10,
    });
    addAlarm(this, 'TableSystemErrorsAlarm', this.alarmTopic, {
      name: 'table-system-errors',
      description: 'DynamoDB answered with internal errors.',
      metric: this.table.metricSystemErrorsForOperations({ operations, period: ALARM_PERIOD }),
      threshold: 5,
    });
  }
}
