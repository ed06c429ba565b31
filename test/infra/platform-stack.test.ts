import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CellStage } from '../../infra/src/cell-stage.ts';
import { parseCellsConfig } from '../../infra/src/cells-config.ts';
import { PUBLIC_API_ROUTES } from '../../infra/src/tenant-stack.ts';

let stages: CellStage[];
let template: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const config = parseCellsConfig(
    {
      tableName: 'gridsafe',
      platformCell: 'east-1',
      webOrigins: ['https://app.gridsafe.example.cn'],
      cells: [
        { id: 'east-1', account: '111111111111', region: 'ap-east-1', tenants: [{ id: 'taihe' }] },
        { id: 'west-1', account: '222222222222', region: 'ap-southeast-1', tenants: [{ id: 'linquan' }] },
      ],
    },
    {},
  );
  stages = config.cells.map((cell) => new CellStage(app, { config, cell }));
  template = Template.fromStack(stages[0]!.platform!);
});

describe('the control plane', () => {
  it('exists once, as Gridsafe-Platform in the platform cell, after that cell’s shared stack', () => {
    const [east, west] = stages;
    expect(east!.platform?.stackName).toBe('Gridsafe-Platform');
    expect(east!.platform?.dependencies).toContain(east!.shared);
    expect(west!.platform).toBeUndefined();
  });

  it('puts each cell in its own account and region, with the same stack names', () => {
    const [east, west] = stages;
    expect(east!.shared.account).toBe('111111111111');
    expect(west!.shared.region).toBe('ap-southeast-1');
    expect(west!.shared.stackName).toBe('Gridsafe-Shared');
    expect(west!.tenants.get('linquan')?.stackName).toBe('Gridsafe-Tenant-linquan');
    expect(west!.tenants.get('linquan')?.node.path).toBe('west-1/Gridsafe-Tenant-linquan');
  });

  it("checks the operators' pool's tokens at the gateway for everything under /platform/api/v1/", () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('^OperatorPoolOperatorClient') }],
        Issuer: {
          'Fn::Join': [
            '',
            Match.arrayWith([
              Match.stringLikeRegexp('^https://cognito-idp\\.'),
              { Ref: Match.stringLikeRegexp('^OperatorPool') },
            ]),
          ],
        },
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /platform/api/v1/{proxy+}',
      AuthorizationType: 'JWT',
    });
  });

  it("keeps vendor operators out of the cell's pool, which no county role may administer", () => {
    const authorizer = JSON.stringify(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer).not.toContain('SsmParameterValuegridsafeuserpoolid');
    const county = Template.fromStack(stages[0]!.tenants.get('taihe')!);
    expect(JSON.stringify(county.findResources('AWS::IAM::Policy'))).not.toContain('cognito-idp:');
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'gridsafe-operators',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
      DeletionProtection: 'ACTIVE',
      LambdaConfig: Match.absent(),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH']),
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      WriteAttributes: Match.not(Match.arrayWith(['custom:tenant'])),
    });
  });

  it('requires every operator to sign in with a TOTP code as well, never an SMS', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'gridsafe-operators',
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      SmsConfiguration: Match.absent(),
    });
  });

  it('leaves the missing-MFA finding (cdk-nag COG2) unacknowledged on the operator pool', () => {
    const pool = stages[0]!.platform!.operatorPool;
    const acknowledged = pool.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.map((entry) => JSON.stringify(entry.data)));
    expect(acknowledged.join('\n')).not.toContain('AwsSolutions-COG2');
    expect(acknowledged.join('\n')).toContain('AwsSolutions-COG8');
  });

  it('leaves only operator login, refresh, health and the API description public, with no catch-all route', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as {
      Properties: { RouteKey: string; AuthorizationType?: string };
    }[];
    const open = routes
      .filter((route) => !route.Properties.AuthorizationType || route.Properties.AuthorizationType === 'NONE')
      .map((route) => route.Properties.RouteKey)
      .sort();
    expect(open).toEqual(
      PUBLIC_API_ROUTES.map((route) => `${route.method} /platform/api/v1${route.path}`).sort(),
    );
    expect(routes.map((route) => route.Properties.RouteKey)).not.toContain('$default');
    expect(routes).toHaveLength(PUBLIC_API_ROUTES.length + 1);
  });

  it('grants no IAM principal a way around the login: no operator policy, no IAM authorizer', () => {
    expect(Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))).toEqual([]);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.every((route) => route.Properties.AuthorizationType !== 'AWS_IAM')).toBe(true);
  });

  it('may create a county admin and disable users, but not enable them, edit them or sign them out', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as { Sid?: string; Action: string | string[] }[],
    );
    const cognito = statements.find((statement) => statement.Sid === 'CountyUserLifecycle');
    expect([cognito?.Action].flat().sort()).toEqual([
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminSetUserPassword',
      'cognito-idp:ListUsers',
    ]);
  });

  it('knows its cell and reaches the shared table and user pool', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          GRIDSAFE_CELL: 'east-1',
          // Counties may be registered into every cell of the configuration.
          GRIDSAFE_CELLS: 'east-1,west-1',
          TABLE_NAME: 'gridsafe',
          POWERTOOLS_SERVICE_NAME: 'gridsafe-platform',
          USER_POOL_ID: Match.anyValue(),
          USER_POOL_CLIENT_ID: Match.anyValue(),
          OPERATOR_POOL_ID: { Ref: Match.stringLikeRegexp('^OperatorPool') },
          OPERATOR_CLIENT_ID: { Ref: Match.stringLikeRegexp('^OperatorPoolOperatorClient') },
          AUTH_ISSUER: Match.anyValue(),
          AUTH_JWKS_URL: Match.anyValue(),
        }),
      },
    });
  });

  it('outputs the vendor API base URL', () => {
    const outputs = template.findOutputs('PlatformApiUrl');
    expect(JSON.stringify(outputs.PlatformApiUrl?.Value)).toContain('/platform/api/v1');
  });

  it('alarms on control-plane failures', () => {
    for (const name of ['gridsafe-platform-errors', 'gridsafe-platform-api-5xx']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: name });
    }
  });
});
