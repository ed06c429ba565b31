import { ALERT_INTAKE_ROUTE, countyApiBasePath, PUBLIC_COUNTY_ROUTES } from '@gridsafe/core/contract';
import { Aws, CfnOutput, Duration, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import {
  ALERT_INTAKE_THROTTLE,
  ASSESSMENT_RESERVED_CONCURRENCY,
  COUNTY_API_INTEGRATION_TIMEOUT,
  COUNTY_API_TIMEOUT,
  stageThrottleFor,
} from './bulkheads.ts';
import {
  API_SERVER_ERRORS_METRIC,
  API_SLOW_REQUESTS_METRIC,
  COUNTY_DIMENSION,
  countyFunctionName,
  SLOW_LATENCY_PATTERN,
} from './cell-alarms.ts';
import { addCountyRoute } from './cell-router.ts';
import type { CellIdentityConfig, TenantConfig } from './cells-config.ts';
import { createHttpApi } from './http-api.ts';
import { acknowledgeWildcardResource, nagArn } from './nag.ts';
import { METRICS_NAMESPACE, NodeFunction } from './node-function.ts';
import {
  CURSOR_SECRET_NAME,
  countyScheduleRoleName,
  cursorSecretArn,
  importSharedResources,
} from './shared-stack.ts';
import { SMS_SECRET_NAME, smsSecretStatement } from './sms-secret.ts';
import {
  countyApiRoleName,
  cursorSecretStatement,
  tenantEvidenceStatement,
  tenantTableStatement,
  USER_ADMIN_ROUTE_PATHS,
  userAdminInvokeStatement,
} from './tenant-policy.ts';
import { importUserAdminService } from './user-admin-service.ts';

export function tenantStackName(tenant: string): string {
  return `Gridsafe-Tenant-${tenant}`;
}

/** The county API's public routes (`@gridsafe/core/contract`), as the gateway's method enum. */
export const PUBLIC_API_ROUTES: ReadonlyArray<{ method: apigwv2.HttpMethod; path: string }> =
  PUBLIC_COUNTY_ROUTES.map((route) => ({ method: apigwv2.HttpMethod[route.method], path: route.path }));

export { countyApiBasePath };

export interface TenantStackProps extends StackProps {
  tenant: TenantConfig;
  tableName: string;
  webOrigins: string[];
  /** The cell's identity provider. Default: the cell's Cognito pool. */
  identity?: CellIdentityConfig;
}

/**
 * One county's compute: its HTTP API, its functions, and roles that reach only its own keys in the shared
 * table and its own prefix in the evidence bucket.
 */
export class TenantStack extends Stack {
  readonly tenant: string;
  readonly api: NodeFunction;
  readonly escalationSweep: NodeFunction;
  readonly assessmentRefresh: NodeFunction;
  readonly registerJobs: NodeFunction;
  readonly httpApi: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: TenantStackProps) {
    const tenant = props.tenant.id;
    super(scope, id, {
      stackName: tenantStackName(tenant),
      description: `Gridsafe county ${tenant}${props.tenant.name ? ` (${props.tenant.name})` : ''}`,
      ...props,
    });
    this.tenant = tenant;
    Tags.of(this).add('gridsafe:tenant', tenant);
    const shared = importSharedResources(this, props.tableName, props.identity);
    // Only a Cognito cell has a directory to administer; an OIDC provider's accounts are its operator's.
    const userAdmin = shared.userPool ? importUserAdminService(this) : undefined;

    const dataEnvironment = {
      GRIDSAFE_TENANT: tenant,
      TABLE_NAME: shared.tableName,
      EVIDENCE_BUCKET: shared.evidenceBucketName,
    };

    this.api = new NodeFunction(this, 'Api', {
      entry: 'functions/api.ts',
      service: 'gridsafe-api',
      description: `Gridsafe county API (${tenant})`,
      // More memory is more CPU: cold starts and JSON work finish sooner, and the bill is per GB-second.
      memorySize: 1024,
      // Bulkheads (docs/deploy.md): with the stage throttle this bounds the concurrency one county can hold.
      timeout: COUNTY_API_TIMEOUT,
      functionName: countyFunctionName(tenant, 'api'),
      // The user-administration service reads the county from this name (tenant-policy.ts).
      roleName: countyApiRoleName(Aws.REGION, tenant),
      environment: {
        ...dataEnvironment,
        ...(shared.userPool ? { USER_POOL_ID: shared.userPool.id } : {}),
        USER_POOL_CLIENT_ID: shared.userPoolClientId,
        // A county directory's issuer is this county's own API: set below, once the HTTP API exists.
        ...(props.identity?.kind === 'directory'
          ? {}
          : { AUTH_ISSUER: shared.authIssuer, AUTH_JWKS_URL: shared.authJwksUrl }),
        // Absolute links (a notice board's QR code) name the web app's origin, never a request's Host.
        PUBLIC_ORIGIN: props.webOrigins[0]!,
        CURSOR_SECRET_ID: CURSOR_SECRET_NAME,
        ...(userAdmin ? { USER_ADMIN_URL: userAdmin.url } : {}),
        // InitiateAuth is public: the lazy migration from the former pool needs no permission.
        ...(shared.formerPool
          ? {
              FORMER_USER_POOL_ID: shared.formerPool.id,
              FORMER_USER_POOL_CLIENT_ID: shared.formerPool.clientId,
            }
          : {}),
        ...(props.identity?.kind === 'oidc'
          ? { AUTH_PROVIDERS: JSON.stringify(oidcAuthProviders(props.identity)) }
          : {}),
      },
    });
    this.api.role.addToPolicy(cursorSecretStatement(cursorSecretArn(this)));
    this.api.role.addToPolicy(tenantTableStatement(tenant, shared.tableArn));
    this.api.role.addToPolicy(tenantEvidenceStatement(tenant, shared.evidenceBucketArn));
    if (userAdmin) {
      this.api.role.addToPolicy(userAdminInvokeStatement(userAdmin.apiArn));
      for (const path of USER_ADMIN_ROUTE_PATHS) {
        acknowledgeWildcardResource(
          this.api.role,
          `${userAdmin.nagApiArn}/$default/*${path}`,
          'Any method on the user-administration routes only; the service acts for the county this role names.',
        );
      }
    }

    this.escalationSweep = new NodeFunction(this, 'EscalationSweep', {
      entry: 'functions/escalation-sweep.ts',
      service: 'gridsafe-escalation',
      description: `Gridsafe escalation sweep (${tenant})`,
      memorySize: 512,
      // Well under the 5-minute schedule, so two sweeps of one county never overlap.
      timeout: Duration.minutes(2),
      functionName: countyFunctionName(tenant, 'escalation'),
      // The origin makes the links in robot messages.
      environment: { ...dataEnvironment, PUBLIC_ORIGIN: props.webOrigins[0]! },
    });
    this.escalationSweep.role.addToPolicy(tenantTableStatement(tenant, shared.tableArn));
    // After a write that queued webhook deliveries the API invokes the sweep function asynchronously with
    // `{ kind: 'webhook-deliveries' }`, which sends them alone (functions/lib/lambda-delivery-kicker.ts): a first
    // delivery within seconds, with no schedule of its own and no further function (docs/decisions.md, "Webhook
    // deliveries are kicked"). This county's sweep function only, by name like the register jobs' function.
    this.api.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'KickWebhookDeliveries',
        actions: ['lambda:InvokeFunction'],
        resources: [
          `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:${countyFunctionName(tenant, 'escalation')}`,
        ],
      }),
    );
    this.api.function.addEnvironment('WEBHOOK_DELIVERY_FUNCTION', countyFunctionName(tenant, 'escalation'));
    // SMS notices (issue 16): the two functions that send them read the cell's AccessKey at the first SMS.
    for (const sender of [this.api, this.escalationSweep]) {
      sender.function.addEnvironment('SMS_SECRET_ID', SMS_SECRET_NAME);
      sender.role.addToPolicy(smsSecretStatement(this));
    }

    this.assessmentRefresh = new NodeFunction(this, 'AssessmentRefresh', {
      entry: 'functions/assessment-refresh.ts',
      service: 'gridsafe-assessment',
      description: `Gridsafe quarterly assessment snapshot (${tenant})`,
      // Reads every unit and risk point of the county: Nanjing-sized counties take minutes and a few hundred MB.
      memorySize: 1769,
      timeout: Duration.minutes(15),
      functionName: countyFunctionName(tenant, 'assessment'),
      reservedConcurrentExecutions: ASSESSMENT_RESERVED_CONCURRENCY,
      environment: dataEnvironment,
    });
    this.assessmentRefresh.role.addToPolicy(tenantTableStatement(tenant, shared.tableArn));

    // Register exports and imports (functions/register-job.ts), invoked asynchronously by the API. It runs under the
    // API's role (the same county-confined table and evidence grants): a role of its own would be the county's
    // fourth and stop a cell short of 300 counties (docs/deploy.md, "Quotas"). A long import continues in a fresh
    // invocation of itself before the 15 minutes are up; API and job invoke it by name (its ARN would make the
    // role's policy depend on the function that depends on the policy).
    const registerJobsName = countyFunctionName(tenant, 'registers');
    this.registerJobs = new NodeFunction(this, 'RegisterJobs', {
      entry: 'functions/register-job.ts',
      service: 'gridsafe-registers',
      description: `Gridsafe register exports and imports (${tenant})`,
      // Streaming spreadsheets are CPU-bound; more memory is more CPU, and a 320,000-row CSV is read whole.
      memorySize: 2048,
      timeout: Duration.minutes(15),
      functionName: registerJobsName,
      environment: dataEnvironment,
      role: this.api.role,
    });
    this.api.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StartAndContinueRegisterJobs',
        actions: ['lambda:InvokeFunction'],
        resources: [
          `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:${registerJobsName}`,
        ],
      }),
    );
    this.api.function.addEnvironment('REGISTER_JOB_FUNCTION', registerJobsName);

    for (const role of [this.api.role, this.escalationSweep.role, this.assessmentRefresh.role]) {
      acknowledgeWildcardResource(
        role,
        nagArn(this, 'dynamodb', `table/${props.tableName}/index/*`),
        `Queries use every GSI; each is confined to partition keys T#${tenant}#* by dynamodb:LeadingKeys with a Null check.`,
      );
    }
    acknowledgeWildcardResource(
      this.api.role,
      // The bucket name is built from pseudo parameters, which cdk-nag never resolves.
      `arn:<AWS::Partition>:s3:::${props.tableName}-evidence-<AWS::AccountId>-<AWS::Region>/t/${tenant}/*`,
      `Photo keys are t/${tenant}/<entity>/<ulid>.jpg, exports t/${tenant}/exports/<ulid>.xlsx; the wildcard stays inside the county's own prefix.`,
    );
    acknowledgeWildcardResource(
      this.api.role,
      `arn:<AWS::Partition>:s3:::${props.tableName}-evidence-<AWS::AccountId>-<AWS::Region>/pending/t/${tenant}/*`,
      `Uploads (photos, spreadsheets to import) wait at pending/t/${tenant}/… until confirmed or imported; the wildcard stays inside the county's own pending prefix.`,
    );

    // EventBridge Scheduler, not rules on the default bus: a bus holds 300 rules by default, which two rules
    // per county exhaust at ~150 counties; Scheduler allows 1,000,000 schedules per account and region and
    // exists in cn-north-1 and cn-northwest-1 (test/fixtures/regions).
    // The cell's one schedule role (shared-stack.ts): a role per county would spend 300 of the account's 1,000.
    const scheduleRole = iam.Role.fromRoleArn(
      this,
      'CellScheduleRole',
      this.formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName: countyScheduleRoleName(),
      }),
      { mutable: false },
    );
    new scheduler.Schedule(this, 'EscalationSchedule', {
      description: `Raises overdue hazards of ${tenant} to the next level`,
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(5)),
      // A missed run is caught up by the next one; retries must not outlive the period.
      target: new schedulerTargets.LambdaInvoke(this.escalationSweep.function, {
        role: scheduleRole,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(4),
      }),
    });

    new scheduler.Schedule(this, 'AssessmentSchedule', {
      description: `Computes the quarterly assessment of ${tenant} overnight`,
      // 02:00 China Standard Time, when nobody is filing. The flexible window lets Scheduler spread hundreds
      // of counties of a cell over two hours, so they do not all read the shared table in the same second.
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '18' }),
      timeWindow: scheduler.TimeWindow.flexible(Duration.hours(2)),
      target: new schedulerTargets.LambdaInvoke(this.assessmentRefresh.function, {
        role: scheduleRole,
        retryAttempts: 2,
      }),
    });

    const { api, stage, accessLogs } = createHttpApi(this, 'HttpApi', {
      apiName: `gridsafe-${tenant}`,
      description: `Gridsafe county API (${tenant})`,
      // The county's share of the cell (docs/deploy.md, "Bulkheads"): its size class sets the token bucket.
      throttle: stageThrottleFor(props.tenant.size),
      logFields: { county: tenant },
      corsPreflight: {
        allowOrigins: props.webOrigins,
        allowMethods: [apigwv2.CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
        exposeHeaders: ['x-request-id'],
        maxAge: Duration.hours(1),
      },
    });
    this.httpApi = api;
    // An OIDC cell's RFC 9068 access tokens carry the API's audience in `aud`, which the authorizer checks
    // before `client_id`; Cognito's carry only `client_id`.
    const audiences =
      props.identity?.kind === 'oidc'
        ? [shared.userPoolClientId, props.identity.audience]
        : [shared.userPoolClientId];
    let issuer = shared.authIssuer;
    if (props.identity?.kind === 'directory') {
      // The county issues its own tokens at its own API: the authorizer reads its discovery document and keys
      // from there (GET …/.well-known/openid-configuration, public), and the function signs with this issuer.
      issuer = `${api.apiEndpoint}${countyApiBasePath(tenant)}`;
      this.api.function.addEnvironment('COUNTY_DIRECTORY_ISSUER_BASE', api.apiEndpoint);
      this.api.function.addEnvironment('AUTH_ISSUER', issuer);
      this.api.function.addEnvironment('AUTH_JWKS_URL', `${issuer}/.well-known/jwks.json`);
    }
    this.addRoutes(api, issuer, audiences);
    // The monitoring systems' door has a throttle of its own: API Gateway applies a route's own limits to that
    // route's requests instead of the stage's, so a storm of alerts never spends the bucket the county's people
    // share (docs/decisions.md, "Monitoring alerts").
    // RouteSettings is a free-form map in CloudFormation: its keys are written as the service names them.
    (stage.node.defaultChild as apigwv2.CfnStage).routeSettings = {
      [`${ALERT_INTAKE_ROUTE.method} ${countyApiBasePath(tenant)}${ALERT_INTAKE_ROUTE.path}`]: {
        ThrottlingRateLimit: ALERT_INTAKE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: ALERT_INTAKE_THROTTLE.burstLimit,
      },
    };
    this.addAlarmMetrics(accessLogs);
    // Browsers reach the county at the cell's domain, same paths as locally (docs/decisions.md).
    addCountyRoute(this, tenant, api.apiEndpoint);

    new CfnOutput(this, 'ApiUrl', { value: `${api.apiEndpoint}${countyApiBasePath(tenant)}` });
  }

  private addRoutes(api: apigwv2.HttpApi, issuer: string, audiences: string[]): void {
    // One resource-based permission for the whole API instead of one per route.
    const integration = new HttpLambdaIntegration('ApiIntegration', this.api.function, {
      scopePermissionToRoute: false,
      timeout: COUNTY_API_INTEGRATION_TIMEOUT,
    });
    // Cognito access tokens carry the app client in `client_id`; HTTP API JWT authorizers accept it as audience.
    const authorizer = new HttpJwtAuthorizer('TokenAuthorizer', issuer, { jwtAudience: audiences });
    const base = countyApiBasePath(this.tenant);
    api.addRoutes({ path: `${base}/{proxy+}`, methods: [apigwv2.HttpMethod.ANY], integration, authorizer });
    for (const route of PUBLIC_API_ROUTES) {
      for (const publicRoute of api.addRoutes({
        path: `${base}${route.path}`,
        methods: [route.method],
        integration,
      })) {
        Validations.of(publicRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (login, token refresh, health, API description).`,
        });
      }
    }
    // Monitoring systems send alerts without a user token: each is signed with its source's secret, which the
    // function checks before it reads anything else (more specific than {proxy+}, so its JWT authorizer is not met).
    for (const intake of api.addRoutes({
      path: `${base}${ALERT_INTAKE_ROUTE.path}`,
      methods: [apigwv2.HttpMethod[ALERT_INTAKE_ROUTE.method]],
      integration,
    })) {
      Validations.of(intake).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'Each alert is authenticated by its source’s HMAC signature, checked by the function.',
      });
    }
  }

  /**
   * No alarm of its own (the cell's alarms watch every county, infra/src/cell-alarms.ts): only the two counts they
   * read from this county's access log, under the county's name.
   */
  private addAlarmMetrics(accessLogs: logs.ILogGroup): void {
    const counted = { metricNamespace: METRICS_NAMESPACE, dimensions: { [COUNTY_DIMENSION]: '$.county' } };
    accessLogs.addMetricFilter('ServerErrorsMetric', {
      ...counted,
      metricName: API_SERVER_ERRORS_METRIC,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '5*'),
    });
    accessLogs.addMetricFilter('SlowRequestsMetric', {
      ...counted,
      metricName: API_SLOW_REQUESTS_METRIC,
      filterPattern: logs.FilterPattern.regexValue('$.latencyMs', '=', SLOW_LATENCY_PATTERN),
    });
  }
}

/**
 * The county API's AUTH_PROVIDERS (core's AuthProvidersConfig, checked by the function at start) for a cell
 * whose people sign in at an OIDC provider: the code flow only, since no directory of ours holds passwords.
 */
export function oidcAuthProviders(identity: Extract<CellIdentityConfig, { kind: 'oidc' }>) {
  return {
    providers: [
      {
        id: 'oidc',
        name: identity.name ?? '统一身份认证登录',
        issuer: identity.issuer,
        clientId: identity.clientId,
        audience: identity.audience,
        ...(identity.jwksUrl ? { jwksUrl: identity.jwksUrl } : {}),
        usernameClaim: identity.usernameClaim,
        passwordLogin: false,
        codeFlow: true,
      },
    ],
    counties: {},
    defaultAccepted: ['oidc'],
  };
}
