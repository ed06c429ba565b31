import { readFileSync } from 'node:fs';
import { loginOptions, parseAuthProvidersConfig } from '@gridsafe/core';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { CellStage } from '../../infra/src/cell-stage.ts';
import {
  type CellConfig,
  type CellsConfig,
  CHINA_REGION_PATTERN,
  loadCellsConfig,
  parseCellsConfig,
} from '../../infra/src/cells-config.ts';

/**
 * The committed example China cell, synthesized as `cdk synth -c cell=cn-nx-1` would, and checked against
 * the resource types its region offers (test/fixtures/regions/<region>.json, vendored with its date).
 */
interface RegionalResourceTypes {
  region: string;
  schemasDate: string;
  resourceTypes: string[];
}

function regionalTypes(region: string): Set<string> {
  const fixture = JSON.parse(
    readFileSync(new URL(`../fixtures/regions/${region}.json`, import.meta.url), 'utf8'),
  ) as RegionalResourceTypes;
  expect(fixture.region).toBe(region);
  return new Set(fixture.resourceTypes);
}

/** Every resource type of a cell's templates that its region does not offer, as `<stack>: <type>`. */
function typesMissingInRegion(templates: Map<string, Template>, region: string): string[] {
  const offered = regionalTypes(region);
  return [...templates].flatMap(([stack, template]) =>
    [...new Set(Object.values(template.toJSON().Resources ?? {}).map((r) => (r as { Type: string }).Type))]
      .filter((type) => !offered.has(type) && !type.startsWith('Custom::'))
      .map((type) => `${stack}: ${type}`),
  );
}

function synthesizeCell(config: CellsConfig, cell: CellConfig, withNag = false) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stage = new CellStage(app, { config, cell });
  if (withNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stacks = [stage.shared, ...(stage.platform ? [stage.platform] : []), ...stage.tenants.values()];
  const templates = new Map(stacks.map((stack) => [stack.stackName, Template.fromStack(stack)]));
  return { app, stage, templates };
}

let config: CellsConfig;
let chinaCells: CellConfig[];
let synthesized: Map<string, ReturnType<typeof synthesizeCell>>;

beforeAll(() => {
  config = loadCellsConfig(undefined, { GRIDSAFE_CN_NX_1_ACCOUNT: '210987654321' });
  chinaCells = config.cells.filter((cell) => CHINA_REGION_PATTERN.test(cell.region ?? ''));
  synthesized = new Map(chinaCells.map((cell) => [cell.id, synthesizeCell(config, cell, true)]));
});

describe('the example China cell of infra/config/cells.json', () => {
  it('is in cn-northwest-1, in an account of its own, and signs people in at an OIDC provider', () => {
    expect(chinaCells.map((cell) => [cell.id, cell.region, cell.account])).toEqual([
      ['cn-nx-1', 'cn-northwest-1', '210987654321'],
    ]);
    expect(chinaCells[0]!.identity).toMatchObject({ kind: 'oidc', issuer: expect.stringMatching(/^https:/) });
    expect(config.platformCell).not.toBe('cn-nx-1');
  });

  it('uses only resource types its region offers, and no Cognito user pool', () => {
    for (const cell of chinaCells) {
      const { templates } = synthesized.get(cell.id)!;
      expect(templates.size).toBe(1 + cell.tenants.length);
      expect(typesMissingInRegion(templates, cell.region!)).toEqual([]);
      for (const template of templates.values()) template.resourceCountIs('AWS::Cognito::UserPool', 0);
    }
  });

  it('names no ARN in the aws partition: every ARN takes its partition from the stack', () => {
    for (const cell of chinaCells) {
      for (const [stack, template] of synthesized.get(cell.id)!.templates) {
        expect(JSON.stringify(template.toJSON()), stack).not.toMatch(/arn:aws:/);
      }
    }
  });

  it("checks each county's tokens at the gateway against the cell's OIDC issuer and client", () => {
    for (const cell of chinaCells) {
      const identity = cell.identity as Extract<CellConfig['identity'], { kind: 'oidc' }>;
      for (const tenant of cell.tenants) {
        const template = synthesized.get(cell.id)!.templates.get(`Gridsafe-Tenant-${tenant.id}`)!;
        template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          AuthorizerType: 'JWT',
          JwtConfiguration: { Issuer: identity.issuer, Audience: [identity.clientId, identity.audience] },
        });
        const api = Object.values(
          template.findResources('AWS::Lambda::Function', {
            Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'gridsafe-api' } } },
          }),
        )[0] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
        expect(api.Properties.Environment.Variables).toMatchObject({
          AUTH_ISSUER: identity.issuer,
          AUTH_JWKS_URL: identity.jwksUrl,
          USER_POOL_CLIENT_ID: identity.clientId,
        });
        // The function's own check of the provider list (as functions/api.ts runs it at start) accepts it.
        const providers = parseAuthProvidersConfig(
          String(api.Properties.Environment.Variables.AUTH_PROVIDERS),
        );
        expect(providers.providers).toEqual([
          expect.objectContaining({
            issuer: identity.issuer,
            audience: identity.audience,
            usernameClaim: identity.usernameClaim,
            passwordLogin: false,
            codeFlow: true,
          }),
        ]);
        expect(loginOptions(providers, tenant.id).passwordLogin).toBe(false);
        expect(api.Properties.Environment.Variables).not.toHaveProperty('USER_ADMIN_URL');
        expect(api.Properties.Environment.Variables).not.toHaveProperty('USER_POOL_ID');
      }
    }
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    for (const cell of chinaCells) expect(() => synthesized.get(cell.id)!.app.synth()).not.toThrow();
  });

  it('would fail the regional check with a Cognito user pool, which China regions lack', () => {
    // The configuration refuses it...
    expect(() =>
      parseCellsConfig(
        {
          tableName: 'gridsafe',
          platformCell: 'cn-1',
          webOrigins: ['https://app.gridsafe.example.cn'],
          cells: [{ id: 'cn-1', region: 'cn-north-1', tenants: [{ id: 'taihe' }] }],
        },
        {},
      ),
    ).toThrow(/cn-north-1 has no Cognito user pools/);
    // ...and a cell built around the configuration still fails the check of its region's resource types.
    const cell: CellConfig = { id: 'cn-1', region: 'cn-north-1', identity: { kind: 'cognito' }, tenants: [] };
    const { templates } = synthesizeCell({ ...config, platformCell: 'elsewhere', cells: [cell] }, cell);
    expect(typesMissingInRegion(templates, 'cn-north-1')).toContain(
      'Gridsafe-Shared: AWS::Cognito::UserPool',
    );
  });
});

describe('the vendored regional resource-type lists', () => {
  it.each(['cn-north-1', 'cn-northwest-1'])(
    'lists what %s offers, dated, without Cognito user pools',
    (region) => {
      const fixture = JSON.parse(
        readFileSync(new URL(`../fixtures/regions/${region}.json`, import.meta.url), 'utf8'),
      ) as RegionalResourceTypes;
      expect(fixture.schemasDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(fixture.resourceTypes).toContain('AWS::Lambda::Function');
      expect(fixture.resourceTypes).toContain('AWS::ApiGatewayV2::Api');
      expect(fixture.resourceTypes).not.toContain('AWS::Cognito::UserPool');
    },
  );
});
