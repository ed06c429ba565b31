import { Aws, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { createHttpApi } from './http-api.ts';
import { nagArn } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { countyApiRolePrefix, USER_ADMIN_SERVICE_ACTIONS } from './tenant-policy.ts';

/** Where the tenant stacks read the service's API id at deploy time (as they read the pool id). */
export const USER_ADMIN_API_ID_PARAMETER = '/gridsafe/user-admin-api-id';

export interface UserAdminServiceProps {
  cellId: string;
  userPool: cognito.IUserPool;
  userPoolClient: cognito.IUserPoolClient;
}

/**
 * The cell's user-administration service: an HTTP API whose every route requires IAM (SigV4) authorization,
 * in front of the only function with admin rights on the county pool. API Gateway passes the calling role's
 * ARN to the function, which acts for the county that role belongs to and no other.
 */
export class UserAdminService extends Construct {
  readonly function: NodeFunction;
  readonly httpApi: apigwv2.HttpApi;

  constructor(scope: Construct, id: string, props: UserAdminServiceProps) {
    super(scope, id);
    this.function = new NodeFunction(this, 'Function', {
      entry: 'functions/user-admin.ts',
      service: 'gridsafe-user-admin',
      description: 'Gridsafe user administration: county people in the cell pool, for their own county only',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: {
        GRIDSAFE_CELL: props.cellId,
        USER_POOL_ID: props.userPool.userPoolId,
        USER_POOL_CLIENT_ID: props.userPoolClient.userPoolClientId,
        CELL_ACCOUNT: Aws.ACCOUNT_ID,
        COUNTY_ROLE_PREFIX: countyApiRolePrefix(Aws.REGION),
      },
    });
    this.function.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CountyPoolAdministration',
        actions: [...USER_ADMIN_SERVICE_ACTIONS],
        resources: [props.userPool.userPoolArn],
      }),
    );

    const integration = new HttpLambdaIntegration('Integration', this.function.function, {
      scopePermissionToRoute: false,
    });
    const { api } = createHttpApi(this, 'HttpApi', {
      apiName: 'gridsafe-user-admin',
      description: 'Gridsafe user administration (IAM-authorized; county API roles only)',
      // People are created and reset by hand, a few a minute per county at most.
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
    this.httpApi = api;
    const authorizer = new HttpIamAuthorizer();
    for (const path of ['/v1/users', '/v1/users/{proxy+}']) {
      api.addRoutes({ path, methods: [apigwv2.HttpMethod.ANY], integration, authorizer });
    }

    new ssm.StringParameter(this, 'ApiIdParameter', {
      parameterName: USER_ADMIN_API_ID_PARAMETER,
      stringValue: api.apiId,
      description: 'Gridsafe user-administration API id, read by the tenant stacks',
    });
  }
}

/**
 * The service as a tenant stack sees it: its URL, the ARN its invoke grant names, and that ARN as cdk-nag
 * spells it (the API id is an SSM-resolved parameter, which cdk-nag shows as `<LogicalId>`).
 */
export function importUserAdminService(scope: Construct): { url: string; apiArn: string; nagApiArn: string } {
  const stack = Stack.of(scope);
  const apiId = ssm.StringParameter.valueForStringParameter(scope, USER_ADMIN_API_ID_PARAMETER);
  const parameter = stack.node.findAll().find(
    (construct): construct is CfnParameter =>
      construct instanceof CfnParameter &&
      // CDK names the parameter after the SSM name, its slashes spelled `--`.
      construct.node.id.startsWith(`SsmParameterValue:${USER_ADMIN_API_ID_PARAMETER.replaceAll('/', '--')}:`),
  );
  if (!parameter) throw new Error('The user-administration API id parameter was not declared.');
  return {
    url: `https://${apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    apiArn: stack.formatArn({ service: 'execute-api', resource: apiId }),
    nagApiArn: nagArn(scope, 'execute-api', `<${stack.getLogicalId(parameter)}>`),
  };
}
