import { PLATFORM_API_BASE } from '@gridsafe/core/contract';
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ALARM_PERIOD, addAlarm } from './alarms.ts';
import type { CellIdentityConfig } from './cells-config.ts';
import { createHttpApi } from './http-api.ts';
import { acknowledgeWildcardResource, nagArn } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { importSharedResources } from './shared-stack.ts';
import { leadingKeyConditions } from './tenant-policy.ts';
import { PUBLIC_API_ROUTES } from './tenant-stack.ts';
import { addPasswordClient, createPasswordPool } from './user-pools.ts';

export const PLATFORM_STACK_NAME = 'Gridsafe-Platform';

/** The vendor API's base path, declared once in `@gridsafe/core/contract`. */
export const PLATFORM_API_BASE_PATH = PLATFORM_API_BASE;

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

/**
 * What onboarding and offboarding need from the user pool, and nothing more: create a county's first admin
 * (AdminCreateUser + AdminSetUserPassword), and disable every user of an offboarded county (ListUsers by the
 * `<county>:` username prefix, then AdminDisableUser, which also revokes the user's tokens). Suspension does
 * not touch users, so there is no enable and no attribute update.
 */
export const PLATFORM_USER_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminDisableUser',
  // ListUsers filters on the username, never on custom attributes: hence the `<county>:` prefix.
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
  /** Every cell of the configuration: a county may be registered into any of them. Default: this cell. */
  knownCells?: string[];
  /** The cell's identity. Default: the cell's Cognito pool. */
  identity?: CellIdentityConfig;
}

/**
 * The vendor's control plane: the tenant registry, onboarding, suspension and offboarding, behind an HTTP API
 * whose gateway checks JWTs as a county API's does, and whose function admits only tenant `@platform` with
 * role `vendor_operator`.
 *
 * Vendor operators (`@platform:<name>`) live in a user pool of their own, not in the cell's shared pool: the
 * cell's user-administration service creates accounts in the shared pool, and a pool an operator shares with
 * counties is one mistake away from a county minting itself an operator. No county role can touch the
 * operators' pool, and a county pool's token fails this gateway's issuer check.
 */
export class PlatformStack extends Stack {
  readonly api: NodeFunction;
  readonly httpApi: apigwv2.HttpApi;
  readonly operatorPool: cognito.UserPool;
  readonly operatorClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, { stackName: PLATFORM_STACK_NAME, ...props });
    const identity = props.identity ?? { kind: 'cognito' };
    if (identity.kind === 'oidc')
      throw new Error(
        "The control plane makes counties' first admins: its cell needs a pool or county directories.",
      );
    const shared = importSharedResources(this, props.tableName, identity);
    // A cell of county directories has no pool: first admins are written into the county's own partition, in
    // the seeding transaction the control plane may already write.
    const cellPool = shared.userPool;
    this.operatorPool = this.createOperatorPool();
    this.operatorClient = this.createOperatorClient(this.operatorPool);
    const operatorIssuer = `https://cognito-idp.${this.region}.${this.urlSuffix}/${this.operatorPool.userPoolId}`;

    this.api = new NodeFunction(this, 'PlatformApi', {
      entry: 'functions/platform-api.ts',
      service: 'gridsafe-platform',
      description: 'Gridsafe control plane: tenant registry, onboarding, suspension, offboarding',
      timeout: Duration.seconds(25),
      memorySize: 512,
      environment: {
        GRIDSAFE_CELL: props.cellId,
        GRIDSAFE_CELLS: (props.knownCells ?? [props.cellId]).join(','),
        TABLE_NAME: shared.tableName,
        // The cell's pool, where counties' users are created and disabled.
        ...(cellPool ? { USER_POOL_ID: cellPool.id } : {}),
        USER_POOL_CLIENT_ID: shared.userPoolClientId,
        // The operators' pool, whose tokens this API accepts.
        OPERATOR_POOL_ID: this.operatorPool.userPoolId,
        OPERATOR_CLIENT_ID: this.operatorClient.userPoolClientId,
        AUTH_ISSUER: operatorIssuer,
        AUTH_JWKS_URL: `${operatorIssuer}/.well-known/jwks.json`,
      },
    });
    this.api.role.addToPolicy(platformRegistryStatement(shared.tableArn));
    this.api.role.addToPolicy(platformSeedStatement(shared.tableArn));
    if (cellPool) this.api.role.addToPolicy(platformUserAdminStatement(cellPool.arn));
    acknowledgeWildcardResource(
      this.api.role,
      nagArn(this, 'dynamodb', `table/${props.tableName}/index/*`),
      'Registry queries may use any index; the statement is confined to P# partition keys by a ' +
        'dynamodb:LeadingKeys condition with a Null check.',
    );

    const { api } = createHttpApi(this, 'HttpApi', {
      apiName: 'gridsafe-platform',
      description: 'Gridsafe control plane (JWT-authorized, vendor operators only)',
      throttle: { rateLimit: 10, burstLimit: 20 },
    });
    this.httpApi = api;
    this.addRoutes(api, operatorIssuer, this.operatorClient.userPoolClientId);

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

    new CfnOutput(this, 'PlatformApiUrl', { value: `${api.apiEndpoint}${PLATFORM_API_BASE_PATH}` });
    new CfnOutput(this, 'OperatorPoolId', { value: this.operatorPool.userPoolId });
    new CfnOutput(this, 'OperatorClientId', { value: this.operatorClient.userPoolClientId });
  }

  /**
   * A handful of vendor staff, each able to onboard, suspend or offboard any county: a password alone is not
   * enough, so every operator signs in with a TOTP code as well (an authenticator app; never SMS, which can be
   * redirected and costs per message).
   */
  private createOperatorPool(): cognito.UserPool {
    return createPasswordPool(this, 'OperatorPool', {
      userPoolName: 'gridsafe-operators',
      // Longer than a county user's: one operator account can suspend or onboard any county.
      passwordMinLength: 14,
      tempPasswordValidity: Duration.days(1),
      mfa: cognito.Mfa.REQUIRED,
      litePlanReason:
        'Lite, not Plus: the pool holds a handful of vendor staff who sign in with a password and a TOTP code ' +
        'behind a rate-limited API; threat protection would add a per-user charge for no new signal.',
    });
  }

  private createOperatorClient(pool: cognito.UserPool): cognito.UserPoolClient {
    // A working day: an operator logs in again each morning.
    return addPasswordClient(pool, 'OperatorClient', {
      userPoolClientName: 'gridsafe-operators',
      refreshTokenValidity: Duration.hours(12),
    });
  }

  /**
   * The same scheme as a county API: the gateway verifies every token (signature, issuer, expiry, app client)
   * before the function runs, except on login, refresh, health and the API description; the function then
   * requires tenant `@platform` and role `vendor_operator`.
   */
  private addRoutes(api: apigwv2.HttpApi, issuer: string, clientId: string): void {
    const integration = new HttpLambdaIntegration('PlatformIntegration', this.api.function, {
      scopePermissionToRoute: false,
    });
    const authorizer = new HttpJwtAuthorizer('TokenAuthorizer', issuer, { jwtAudience: [clientId] });
    api.addRoutes({
      path: `${PLATFORM_API_BASE_PATH}/{proxy+}`,
      methods: [apigwv2.HttpMethod.ANY],
      integration,
      authorizer,
    });
    for (const route of PUBLIC_API_ROUTES) {
      for (const publicRoute of api.addRoutes({
        path: `${PLATFORM_API_BASE_PATH}${route.path}`,
        methods: [route.method],
        integration,
      })) {
        Validations.of(publicRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} of the control plane is public by design (operator login, refresh, health, API description).`,
        });
      }
    }
  }
}
