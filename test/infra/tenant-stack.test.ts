import { ALERT_INTAKE_ROUTE } from '@gridsafe/core/contract';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERT_INTAKE_THROTTLE } from '../../infra/src/bulkheads.ts';
import { SLOW_LATENCY_PATTERN } from '../../infra/src/cell-alarms.ts';
import type { CellStage } from '../../infra/src/cell-stage.ts';
import { PUBLIC_API_ROUTES } from '../../infra/src/tenant-stack.ts';
import { testCellStage } from '../support/test-cell.ts';

let stage: CellStage;
let template: Template;

beforeAll(() => {
  stage = testCellStage({
    id: 'test-1',
    tenants: [
      { id: 'taihe', name: '太和县' },
      { id: 'linquan', size: 'large' },
    ],
  });
  template = Template.fromStack(stage.tenants.get('taihe')!);
});

type Resource = { Properties: Record<string, unknown> };

function functionWithService(service: string): Resource {
  const found = Object.values(
    template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: service } } },
    }),
  );
  expect(found).toHaveLength(1);
  return found[0] as Resource;
}

describe('a county stack', () => {
  it('is named Gridsafe-Tenant-<id> and depends on the shared stack of its cell', () => {
    const stack = stage.tenants.get('taihe')!;
    expect(stack.stackName).toBe('Gridsafe-Tenant-taihe');
    expect(stack.dependencies).toContain(stage.shared);
    expect([...stage.tenants.keys()]).toEqual(['taihe', 'linquan']);
  });

  it('runs its functions on Node.js 22 on ARM64 with JSON logs kept for a year', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    // The API, the escalation sweep, the nightly assessment snapshot and the register jobs.
    expect(functions).toHaveLength(4);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      });
    }
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup')) as Resource[];
    // Four function log groups and the API's access log.
    expect(logGroups).toHaveLength(5);
    for (const group of logGroups) expect(group.Properties.RetentionInDays).toBe(365);
  });

  it("gives the API function the county, its data and the token issuer's addresses", () => {
    const variables = (
      functionWithService('gridsafe-api').Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(variables).toMatchObject({
      GRIDSAFE_TENANT: 'taihe',
      TABLE_NAME: 'gridsafe',
      POWERTOOLS_SERVICE_NAME: 'gridsafe-api',
      POWERTOOLS_METRICS_NAMESPACE: 'Gridsafe',
    });
    for (const name of [
      'EVIDENCE_BUCKET',
      'USER_POOL_ID',
      'USER_POOL_CLIENT_ID',
      'AUTH_ISSUER',
      'AUTH_JWKS_URL',
    ]) {
      expect(variables[name], name).toBeDefined();
    }
    // Absolute links come from the configured web origin; the DynamoDB call count is the benchmark's only.
    expect(variables.PUBLIC_ORIGIN).toMatch(/^https:\/\//);
    expect(variables.CURSOR_SECRET_ID).toBe('gridsafe/page-cursor');
    expect(Object.keys(variables).some((name) => name.includes('DYNAMODB_CALLS'))).toBe(false);
    expect(JSON.stringify(variables.AUTH_ISSUER)).toContain('https://cognito-idp.');
    expect(JSON.stringify(variables.AUTH_JWKS_URL)).toContain('/.well-known/jwks.json');
    expect(JSON.stringify(variables.USER_ADMIN_URL)).toMatch(
      /"https:\/\/",\{"Ref":"SsmParameterValuegridsafeuseradminapiid\w+"\},".execute-api."/,
    );
  });

  it('names the API role after its county and lets it invoke only the routes of the user-administration service', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: { 'Fn::Join': ['', ['gridsafe-', { Ref: 'AWS::Region' }, '-county-taihe']] },
      Description: Match.stringLikeRegexp('^Gridsafe county API'),
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as { Sid?: string; Action: unknown; Resource: unknown }[],
    );
    const invoke = statements.filter((statement) => JSON.stringify(statement.Action).includes('execute-api'));
    expect(invoke).toHaveLength(1);
    expect(invoke[0]!.Action).toBe('execute-api:Invoke');
    const resources = JSON.stringify(invoke[0]!.Resource);
    expect(resources).toContain('/$default/*/v1/users"');
    expect(resources).toContain('/$default/*/v1/users/*"');
    expect(resources).toContain(':execute-api:');
    expect(statements.some((statement) => JSON.stringify(statement.Action).includes('cognito-idp'))).toBe(
      false,
    );
  });

  it("lets the API invoke its own county's sweep function, and no other, to send webhook deliveries at once", () => {
    const sweepName = functionWithService('gridsafe-escalation').Properties.FunctionName;
    expect(sweepName).toBe('gridsafe-taihe-escalation');
    const api = functionWithService('gridsafe-api').Properties;
    const variables = (api.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.WEBHOOK_DELIVERY_FUNCTION).toBe(sweepName);

    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
    const invokes = (roleRef: unknown) =>
      policies
        .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([roleRef]))
        .flatMap(
          (policy) =>
            (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
        )
        .filter((statement) => JSON.stringify(statement.Action).includes('lambda:'));
    const apiRole = { Ref: (api.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0] };
    const kick = invokes(apiRole).filter((statement) =>
      JSON.stringify(statement.Resource).includes('escalation'),
    );
    expect(kick).toEqual([
      {
        Sid: 'KickWebhookDeliveries',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':lambda:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':function:gridsafe-taihe-escalation',
            ],
          ],
        },
      },
    ]);
    // Every function the API may invoke is one of its own county's: the sweep and the register jobs, no wildcard.
    expect(
      invokes(apiRole).map((statement) => JSON.stringify(statement.Resource).match(/function:([^"]*)"/)?.[1]),
    ).toEqual(expect.arrayContaining(['gridsafe-taihe-escalation', 'gridsafe-taihe-registers']));
    expect(invokes(apiRole)).toHaveLength(2);
    expect(JSON.stringify(policies)).not.toContain('linquan');
  });

  it('gives the escalation sweep the data variables but nothing about authentication', () => {
    const variables = (
      functionWithService('gridsafe-escalation').Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(Object.keys(variables).sort()).toEqual([
      'EVIDENCE_BUCKET',
      'GRIDSAFE_TENANT',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      // The links in group-robot messages.
      'PUBLIC_ORIGIN',
      // The cell's SMS AccessKey, by name (issue 16).
      'SMS_SECRET_ID',
      'TABLE_NAME',
    ]);
  });

  it('computes the quarterly assessment from 02:00 China Standard Time, spread over two hours, with time to read a large county', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 18 * * ? *)',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 120 },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AssessmentRefreshFunction'), 'Arn'] },
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('assessment'),
      Timeout: 900,
      Environment: {
        Variables: Match.objectLike({ GRIDSAFE_TENANT: Match.anyValue(), TABLE_NAME: Match.anyValue() }),
      },
    });
  });

  it('runs the escalation sweep every five minutes', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EscalationSweepFunction'), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 240, MaximumRetryAttempts: 2 },
      }),
    });
  });

  it("adds no rule to the cell's default event bus, whose 300-rule quota would stop a cell at 150 counties", () => {
    template.resourceCountIs('AWS::Events::Rule', 0);
  });
});

describe("a county's HTTP API", () => {
  it("checks the pool's tokens at the gateway for everything under /t/<id>/api/v1/", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('userpoolclientid') }],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.',
              { Ref: 'AWS::URLSuffix' },
              '/',
              { Ref: Match.stringLikeRegexp('userpoolid') },
            ],
          ],
        },
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /t/taihe/api/v1/{proxy+}',
      AuthorizationType: 'JWT',
    });
  });

  it('leaves only the login door, the login options, the token issuer, health, the API description, the notice board and the signed alert intake public', () => {
    const routes = (Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[]).filter(
      (route) => !JSON.stringify(route.Properties.ApiId).includes('routerapiid'),
    );
    const open = routes
      .filter((route) => route.Properties.AuthorizationType === 'NONE' || !route.Properties.AuthorizationType)
      .map((route) => route.Properties.RouteKey)
      .sort();
    expect(open).toEqual(
      [...PUBLIC_API_ROUTES, ALERT_INTAKE_ROUTE]
        .map((route) => `${route.method} /t/taihe/api/v1${route.path}`)
        .sort(),
    );
    expect(open).toEqual([
      'GET /t/taihe/api/v1/.well-known/jwks.json',
      'GET /t/taihe/api/v1/.well-known/openid-configuration',
      'GET /t/taihe/api/v1/auth-config',
      'GET /t/taihe/api/v1/health',
      'GET /t/taihe/api/v1/openapi.json',
      'GET /t/taihe/api/v1/public/risk-points/{id}',
      'POST /t/taihe/api/v1/alerts',
      'POST /t/taihe/api/v1/session',
      'POST /t/taihe/api/v1/session/challenge',
      'POST /t/taihe/api/v1/session/logout',
      'POST /t/taihe/api/v1/session/refresh',
    ]);
    expect(routes).toHaveLength(12);
  });

  it('throttles the alert intake on a bucket of its own, apart from the county’s people', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
    expect(stage.Properties.RouteSettings).toEqual({
      'POST /t/taihe/api/v1/alerts': {
        ThrottlingRateLimit: ALERT_INTAKE_THROTTLE.rateLimit,
        ThrottlingBurstLimit: ALERT_INTAKE_THROTTLE.burstLimit,
      },
    });
    // The county's people keep the stage's own bucket (its size class), which the intake's route does not draw on.
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: expect.any(Number),
      ThrottlingBurstLimit: expect.any(Number),
    });
  });

  it('writes JSON access logs with the caller address and the county', () => {
    const stageResource = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
    expect(stageResource.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
    const format = JSON.parse((stageResource.Properties.AccessLogSettings as { Format: string }).Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      county: 'taihe',
    });
  });

  it('allows the web app origin in CORS', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'gridsafe-taihe',
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.gridsafe.example.cn'] }),
    });
  });
});

describe("a county's route at the cell router", () => {
  it('sends every path under /t/<id>/ to its own API with the path unchanged, and nothing else', () => {
    const routerRoutes = (
      Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[]
    ).filter((route) => JSON.stringify(route.Properties.ApiId).includes('routerapiid'));
    expect(routerRoutes.map((route) => route.Properties.RouteKey)).toEqual(['ANY /t/taihe/{proxy+}']);
    const integrations = Object.values(
      template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: { IntegrationType: 'HTTP_PROXY' },
      }),
    ) as Resource[];
    expect(integrations).toHaveLength(1);
    const uri = integrations[0]!.Properties.IntegrationUri as { 'Fn::Join': [string, unknown[]] };
    const parts = uri['Fn::Join'][1];
    expect(parts).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^HttpApi[0-9A-F]{8}$/), 'ApiEndpoint'] },
      '/t/taihe/{proxy}',
    ]);
    expect(integrations[0]!.Properties).toMatchObject({ IntegrationMethod: 'ANY', TimeoutInMillis: 12_000 });
  });
});

describe("a county's bulkheads", () => {
  function stageThrottle(stack: Template) {
    const stage = Object.values(stack.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
    return stage.Properties.DefaultRouteSettings as {
      ThrottlingRateLimit: number;
      ThrottlingBurstLimit: number;
    };
  }

  it('throttles a county by its size class: a small county by default, a large one with more room', () => {
    expect(stageThrottle(template)).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 20 });
    expect(stageThrottle(Template.fromStack(stage.tenants.get('linquan')!))).toEqual({
      ThrottlingRateLimit: 25,
      ThrottlingBurstLimit: 50,
    });
  });

  it("cannot hold more than a tenth of the account's default Lambda concurrency when every request hangs", () => {
    const api = functionWithService('gridsafe-api').Properties;
    const integration = Object.values(
      template.findResources('AWS::ApiGatewayV2::Integration'),
    )[0] as Resource;
    const timeout = api.Timeout as number;
    // The gateway waits longer than the function, so a slow request ends (and frees its concurrency) at Lambda.
    expect(timeout).toBe(10);
    expect(integration.Properties.TimeoutInMillis).toBe(12_000);
    const { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst } = stageThrottle(template);
    expect(burst + rate * timeout).toBeLessThanOrEqual(1000 / 10);
  });

  it('runs one nightly assessment of a county at a time', () => {
    expect(functionWithService('gridsafe-assessment').Properties.ReservedConcurrentExecutions).toBe(1);
    expect(functionWithService('gridsafe-api').Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe("a county's alarm metrics", () => {
  it('has no alarm of its own', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it('names its functions after the county, which is how the cell alarms name it', () => {
    expect(
      ['gridsafe-api', 'gridsafe-escalation', 'gridsafe-assessment'].map(
        (service) => functionWithService(service).Properties.FunctionName,
      ),
    ).toEqual(['gridsafe-taihe-api', 'gridsafe-taihe-escalation', 'gridsafe-taihe-assessment']);
  });

  it('counts server errors and slow requests from its access log under the county dimension', () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')) as Resource[];
    const byMetric = new Map(
      filters.map((filter) => {
        const [transformation] = filter.Properties.MetricTransformations as Record<string, unknown>[];
        return [transformation!.MetricName as string, { filter, transformation: transformation! }];
      }),
    );
    expect([...byMetric.keys()].sort()).toEqual(['ApiServerErrors', 'ApiSlowRequests']);
    for (const { transformation } of byMetric.values()) {
      expect(transformation).toMatchObject({
        MetricNamespace: 'Gridsafe',
        MetricValue: '1',
        Dimensions: [{ Key: 'County', Value: '$.county' }],
      });
    }
    expect(byMetric.get('ApiServerErrors')!.filter.Properties.FilterPattern).toBe('{ $.status = "5*" }');
    expect(byMetric.get('ApiSlowRequests')!.filter.Properties.FilterPattern).toBe(
      `{ $.latencyMs = %${SLOW_LATENCY_PATTERN}% }`,
    );
  });

  it('counts as slow exactly the latencies of 3,000 ms and more', () => {
    const slow = new RegExp(SLOW_LATENCY_PATTERN);
    expect(['3000', '3001', '9999', '10000', '120000'].filter((ms) => !slow.test(ms))).toEqual([]);
    expect(['0', '42', '999', '2999', '-', ''].filter((ms) => slow.test(ms))).toEqual([]);
  });
});
