import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CellStage } from '../../infra/src/cell-stage.ts';
import { parseCellsConfig } from '../../infra/src/cells-config.ts';
import { PUBLIC_API_ROUTES } from '../../infra/src/tenant-stack.ts';

let stage: CellStage;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const config = parseCellsConfig(
    {
      tableName: 'gridsafe',
      platformCell: 'test-1',
      webOrigins: ['https://app.gridsafe.example.cn'],
      cells: [{ id: 'test-1', tenants: [{ id: 'taihe', name: '太和县' }, { id: 'linquan' }] }],
    },
    {},
  );
  stage = new CellStage(app, { config, cell: config.cells[0]! });
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
    // The API, the escalation sweep and the nightly assessment snapshot.
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      });
    }
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup')) as Resource[];
    // Three function log groups and the API's access log.
    expect(logGroups).toHaveLength(4);
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

  it('leaves only login, refresh, the login options, health and the API description public', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const open = routes
      .filter((route) => route.Properties.AuthorizationType === 'NONE' || !route.Properties.AuthorizationType)
      .map((route) => route.Properties.RouteKey)
      .sort();
    expect(open).toEqual(
      PUBLIC_API_ROUTES.map((route) => `${route.method} /t/taihe/api/v1${route.path}`).sort(),
    );
    expect(open).toEqual([
      'GET /t/taihe/api/v1/auth-config',
      'GET /t/taihe/api/v1/health',
      'GET /t/taihe/api/v1/openapi.json',
      'POST /t/taihe/api/v1/session',
      'POST /t/taihe/api/v1/session/refresh',
    ]);
    expect(routes).toHaveLength(6);
  });

  it('throttles the county and writes JSON access logs with the caller address', () => {
    const stageResource = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0] as Resource;
    expect(stageResource.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const format = JSON.parse((stageResource.Properties.AccessLogSettings as { Format: string }).Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', ip: '$context.identity.sourceIp' });
  });

  it('allows the web app origin in CORS', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'gridsafe-taihe',
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://app.gridsafe.example.cn'] }),
    });
  });
});

describe("a county's alarms", () => {
  it('notify the cell topic about server errors, latency, throttling and a stalled escalation sweep', () => {
    const names = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[])
      .map((alarm) => alarm.Properties.AlarmName)
      .sort();
    expect(names).toEqual([
      'gridsafe-taihe-api-5xx',
      'gridsafe-taihe-api-latency',
      'gridsafe-taihe-api-throttles',
      'gridsafe-taihe-escalation-errors',
      'gridsafe-taihe-escalation-stopped',
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'gridsafe-taihe-escalation-stopped',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [
        {
          'Fn::Join': [
            '',
            Match.arrayWith([
              ':sns:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':gridsafe-alarms',
            ]),
          ],
        },
      ],
    });
  });
});
