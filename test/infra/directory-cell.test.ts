import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CellStage } from '../../infra/src/cell-stage.ts';
import { testCellStage } from '../support/test-cell.ts';

/**
 * A cell of county directories (infra/config/cells.json `identity: { kind: "directory" }`, the dev cell's): each
 * county keeps its people in its own partition and its API issues their tokens, so the cell has no user pool, no
 * user-administration service and no price per monthly user (docs/decisions.md).
 */
let stage: CellStage;
let shared: Template;
let county: Template;
let platform: Template;

type Statement = { Action: string | string[]; Resource?: unknown };
const statementsOf = (template: Template): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
        .Statement,
  );

beforeAll(() => {
  stage = testCellStage({ id: 'dir-1', identity: { kind: 'directory' }, tenants: [{ id: 'taihe' }] });
  shared = Template.fromStack(stage.shared);
  county = Template.fromStack(stage.tenants.get('taihe')!);
  platform = Template.fromStack(stage.platform!);
});

describe('a cell of county directories', () => {
  it('has no county user pool and no user-administration service', () => {
    expect(shared.findResources('AWS::Cognito::UserPool')).toEqual({});
    expect(JSON.stringify(shared.toJSON())).not.toContain('gridsafe-user-admin');
  });

  it('gives the county API its own issuer, at its own HTTP API, and no pool or service to call', () => {
    const api = Object.values(county.findResources('AWS::Lambda::Function')).find((fn) =>
      JSON.stringify(fn).includes('"gridsafe-api"'),
    ) as { Properties: { Environment: { Variables: Record<string, unknown> } } };
    const variables = api.Properties.Environment.Variables;
    expect(variables.USER_POOL_ID).toBeUndefined();
    expect(variables.USER_ADMIN_URL).toBeUndefined();
    expect(JSON.stringify(variables.COUNTY_DIRECTORY_ISSUER_BASE)).toContain('ApiEndpoint');
    expect(JSON.stringify(variables.AUTH_ISSUER)).toContain('/t/taihe/api/v1');
    expect(JSON.stringify(variables.AUTH_JWKS_URL)).toContain('/t/taihe/api/v1/.well-known/jwks.json');
    // The gateway checks the county's tokens against the county's own discovery document.
    const [authorizer] = Object.values(county.findResources('AWS::ApiGatewayV2::Authorizer')) as {
      Properties: { JwtConfiguration: { Issuer: unknown; Audience: string[] } };
    }[];
    expect(JSON.stringify(authorizer!.Properties.JwtConfiguration.Issuer)).toContain('/t/taihe/api/v1');
    expect(JSON.stringify(authorizer!.Properties.JwtConfiguration.Issuer)).toContain('ApiEndpoint');
    expect(authorizer!.Properties.JwtConfiguration.Audience).toEqual(['gridsafe-web']);
    const actions = statementsOf(county).flatMap((statement) => [statement.Action].flat());
    expect(actions.some((action) => action.startsWith('cognito-idp:'))).toBe(false);
    expect(actions).not.toContain('execute-api:Invoke');
  });

  it('lets the control plane write first admins only through its seeding transaction, with no pool rights', () => {
    const fn = Object.values(platform.findResources('AWS::Lambda::Function')).find((resource) =>
      JSON.stringify(resource).includes('"gridsafe-platform"'),
    ) as { Properties: { Environment: { Variables: Record<string, unknown> } } };
    expect(fn.Properties.Environment.Variables.USER_POOL_ID).toBeUndefined();
    const admin = statementsOf(platform).filter((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('cognito-idp:Admin')),
    );
    expect(admin).toEqual([]);
    // The operators keep a pool of their own: a handful of people, inside Cognito's free tier.
    expect(Object.keys(platform.findResources('AWS::Cognito::UserPool'))).toHaveLength(1);
  });
});

describe('a Cognito cell moving to county directories (identity.formerPool)', () => {
  it('keeps the pool, and hands the county API its ids for the lazy migration but no pool of its own', () => {
    const moving = testCellStage({
      id: 'mov-1',
      identity: { kind: 'directory', formerPool: true },
      tenants: [{ id: 'taihe' }],
    });
    const movingShared = Template.fromStack(moving.shared);
    expect(Object.keys(movingShared.findResources('AWS::Cognito::UserPool'))).toHaveLength(1);
    const api = Object.values(
      Template.fromStack(moving.tenants.get('taihe')!).findResources('AWS::Lambda::Function'),
    ).find((fn) => JSON.stringify(fn).includes('"gridsafe-api"')) as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    const variables = api.Properties.Environment.Variables;
    expect(variables.USER_POOL_ID).toBeUndefined();
    // The shared stack's SSM parameters /gridsafe/user-pool-id and /gridsafe/user-pool-client-id.
    expect(JSON.stringify(variables.FORMER_USER_POOL_ID)).toContain('SsmParameterValuegridsafeuserpoolid');
    expect(JSON.stringify(variables.FORMER_USER_POOL_CLIENT_ID)).toContain(
      'SsmParameterValuegridsafeuserpoolclientid',
    );
    expect(variables.COUNTY_DIRECTORY_ISSUER_BASE).toBeDefined();
  });
});
