import { type CfnElement, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ALARM_PERIOD, addAlarm } from './alarms.ts';
import { createHttpApi } from './http-api.ts';
import { acknowledgeWildcardResource, nagArn } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { importSharedResources } from './shared-stack.ts';
import { leadingKeyConditions } from './tenant-policy.ts';

export const PLATFORM_STACK_NAME = 'Gridsafe-Platform';

/** Vendor items (the tenant registry) live under `P#`, outside every county's `T#<id>#` prefix. */
export const PLATFORM_KEY_PATTERN = 'P#*';
/** Any county's prefix: only ever granted for writes inside a transaction (see platformSeedStatement). */
export const ANY_TENANT_KEY_PATTERN = 'T#*';

/** The registry: read, register, update (suspend); no deletes, no Scan (listing is a Query on `P#TENANT`). */
export const PLATFORM_REGISTRY_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * Onboarding writes a new county's first items (its grid root, first admin, knowledge base) with
 * TransactWriteItems. IAM has no TransactWriteItems action: each Put in a transaction is authorized as
 * PutItem and each condition check as ConditionCheckItem.
 */
export const PLATFORM_SEED_ACTIONS = ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'] as const;

/** Create a county's first admin; suspend (disable + sign out) and resume its users. */
export const PLATFORM_USER_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminUserGlobalSignOut',
  // Finds a county's users by the `<tenant>:` username prefix (ListUsers filters on username, not on custom attributes).
  'cognito-idp:ListUsers',
] as const;

export function platformRegistryStatement(tableArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'VendorRegistry',
    actions: [...PLATFORM_REGISTRY_ACTIONS],
    resources: [tableArn, `${tableArn}/index/*`],
    conditions: leadingKeyConditions([PLATFORM_KEY_PATTERN]),
  });
}

/**
 * Seeding any county: puts and condition checks only, on the base table only, and only inside a
 * TransactWriteItems call. The role can therefore never read, update or delete a county's data, nor write
 * one outside a transaction; that its puts do not overwrite is up to the onboarding code's
 * `attribute_not_exists` conditions (IAM cannot require a condition expression).
 */
export function platformSeedStatement(tableArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'SeedCountyInTransaction',
    actions: [...PLATFORM_SEED_ACTIONS],
    resources: [tableArn],
    conditions: {
      ...leadingKeyConditions([ANY_TENANT_KEY_PATTERN]),
      StringEquals: { 'dynamodb:EnclosingOperation': 'TransactWriteItems' },
    },
  });
}

export function platformUserAdminStatement(userPoolArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'CountyUserLifecycle',
    actions: [...PLATFORM_USER_ADMIN_ACTIONS],
    resources: [userPoolArn],
  });
}

export interface PlatformStackProps extends StackProps {
  tableName: string;
  /** The cell this control plane runs in; the registry records each county's own cell. */
  cellId: string;
}

/**
 * The vendor's control plane: the tenant registry, onboarding and suspension, behind an HTTP API that only
 * IAM principals with the operator policy can call (SigV4). No county user can reach it.
 */
export class PlatformStack extends Stack {
  readonly api: NodeFunction;
  readonly operatorPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, { stackName: PLATFORM_STACK_NAME, ...props });
    const shared = importSharedResources(this, props.tableName);

    this.api = new NodeFunction(this, 'PlatformApi', {
      entry: 'functions/platform-api.ts',
      service: 'gridsafe-platform',
      description: 'Gridsafe control plane: tenant registry, onboarding, suspension',
      timeout: Duration.seconds(25),
      memorySize: 512,
      environment: {
        GRIDSAFE_CELL: props.cellId,
        TABLE_NAME: shared.tableName,
        USER_POOL_ID: shared.userPoolId,
      },
    });
    this.api.role.addToPolicy(platformRegistryStatement(shared.tableArn));
    this.api.role.addToPolicy(platformSeedStatement(shared.tableArn));
    this.api.role.addToPolicy(platformUserAdminStatement(shared.userPoolArn));
    acknowledgeWildcardResource(
      this.api.role,
      nagArn(this, 'dynamodb', `table/${props.tableName}/index/*`),
      'Registry queries may use any index; the statement is confined to P# partition keys by a ' +
        'dynamodb:LeadingKeys condition with a Null check.',
    );

    const { api, stage } = createHttpApi(this, 'HttpApi', {
      apiName: 'gridsafe-platform',
      description: 'Gridsafe control plane (IAM-authorized)',
      throttle: { rateLimit: 10, burstLimit: 20 },
      defaultIntegration: new HttpLambdaIntegration('PlatformIntegration', this.api.function),
      defaultAuthorizer: new HttpIamAuthorizer(),
    });

    this.operatorPolicy = new iam.ManagedPolicy(this, 'OperatorPolicy', {
      managedPolicyName: 'GridsafePlatformOperator',
      description: 'Call the Gridsafe control-plane API (attach to the vendor operators group or role)',
      statements: [
        new iam.PolicyStatement({
          actions: ['execute-api:Invoke'],
          resources: [api.arnForExecuteApi()],
        }),
      ],
    });
    acknowledgeWildcardResource(
      this.operatorPolicy,
      nagArn(this, 'execute-api', `<${this.getLogicalId(api.node.defaultChild as CfnElement)}>/*/*/*`),
      'Every stage, method and route of the control-plane API, and nothing else: operators use all of it.',
    );

    addAlarm(this, 'PlatformErrorsAlarm', shared.alarmTopic, {
      name: 'platform-errors',
      description: 'The control-plane function failed: onboarding or suspension may be half done.',
      metric: this.api.function.metricErrors({ period: ALARM_PERIOD }),
      threshold: 1,
    });

    addAlarm(this, 'PlatformServerErrorsAlarm', shared.alarmTopic, {
      name: 'platform-api-5xx',
      description: 'The control-plane API answered with server errors.',
      metric: api.metricServerError({ period: ALARM_PERIOD }),
      threshold: 1,
    });

    new CfnOutput(this, 'PlatformApiUrl', { value: stage.url });
    new CfnOutput(this, 'OperatorPolicyArn', { value: this.operatorPolicy.managedPolicyArn });
  }
}
