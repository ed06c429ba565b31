import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { COUNTY_API_INTEGRATION_TIMEOUT } from './bulkheads.ts';
import { createHttpApi } from './http-api.ts';

export const ROUTER_API_ID_PARAMETER = '/gridsafe/router-api-id';

/**
 * The cell's one entry for browsers (docs/decisions.md, "Routing a browser to its county"): an HTTP API with one
 * route per county, `ANY /t/<county>/{proxy+}`, that forwards the request with its path unchanged to that county's
 * own API, where the token is checked and the county's throttle applies. Each county stack adds its own route (its
 * `addCountyRoute`), so onboarding a county never changes this stack. The cell's domain (CloudFront in the global
 * regions, an API Gateway custom domain on an ICP-filed name in China) points at it.
 */
export class CellRouter extends Construct {
  readonly httpApi: apigwv2.HttpApi;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { api } = createHttpApi(this, 'HttpApi', {
      apiName: 'gridsafe-router',
      description: "Gridsafe cell router: /t/<county>/… to the county's own API",
      // The whole cell's browsers: under the account's 10,000 requests a second for all APIs of the region; each
      // county's own stage throttles it to its share behind this.
      throttle: { rateLimit: 2000, burstLimit: 4000 },
    });
    this.httpApi = api;
    new ssm.StringParameter(this, 'ApiIdParameter', {
      parameterName: ROUTER_API_ID_PARAMETER,
      stringValue: api.apiId,
      description: 'Gridsafe cell router API id, read by the tenant stacks to add their route',
    });
    new CfnOutput(this, 'Url', { value: api.apiEndpoint });
  }
}

/**
 * Adds the county's route to the cell router: every path under `/t/<county>/` goes to `countyApiEndpoint` with the
 * same path. No authorizer here: the county API behind checks the token on every route but its public ones.
 */
export function addCountyRoute(
  scope: Construct,
  tenant: string,
  countyApiEndpoint: string,
): apigwv2.HttpRoute {
  const router = apigwv2.HttpApi.fromHttpApiAttributes(scope, 'CellRouter', {
    httpApiId: ssm.StringParameter.valueForStringParameter(scope, ROUTER_API_ID_PARAMETER),
  });
  const route = new apigwv2.HttpRoute(scope, 'CellRouterRoute', {
    httpApi: router,
    routeKey: apigwv2.HttpRouteKey.with(`/t/${tenant}/{proxy+}`, apigwv2.HttpMethod.ANY),
    integration: new HttpUrlIntegration('CellRouterIntegration', `${countyApiEndpoint}/t/${tenant}/{proxy}`, {
      timeout: COUNTY_API_INTEGRATION_TIMEOUT,
    }),
  });
  Validations.of(route).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason: `The router only forwards /t/${tenant}/… to the county API, whose JWT authorizer checks every route but the public ones.`,
  });
  return route;
}
