import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CellStage } from '../../infra/src/cell-stage.ts';
import { parseCellsConfig } from '../../infra/src/cells-config.ts';

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
        { id: 'east-1', account: '111111111111', region: 'cn-north-1', tenants: [{ id: 'taihe' }] },
        { id: 'west-1', account: '222222222222', region: 'cn-northwest-1', tenants: [{ id: 'linquan' }] },
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
    expect(west!.shared.region).toBe('cn-northwest-1');
    expect(west!.shared.stackName).toBe('Gridsafe-Shared');
    expect(west!.tenants.get('linquan')?.stackName).toBe('Gridsafe-Tenant-linquan');
    expect(west!.tenants.get('linquan')?.node.path).toBe('west-1/Gridsafe-Tenant-linquan');
  });

  it('accepts only SigV4-signed calls', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes).toHaveLength(1);
    expect(routes[0]?.Properties).toMatchObject({ RouteKey: '$default', AuthorizationType: 'AWS_IAM' });
  });

  it('offers operators a managed policy that invokes this API and nothing else', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'GridsafePlatformOperator',
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: {
              'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^HttpApi') }, '/*/*/*'])],
            },
          },
        ],
      },
    });
  });

  it('knows its cell and reaches the shared table and user pool', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: Match.objectLike({
          GRIDSAFE_CELL: 'east-1',
          TABLE_NAME: 'gridsafe',
          POWERTOOLS_SERVICE_NAME: 'gridsafe-platform',
        }),
      },
    });
  });

  it('alarms on control-plane failures', () => {
    for (const name of ['gridsafe-platform-errors', 'gridsafe-platform-api-5xx']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: name });
    }
  });
});
