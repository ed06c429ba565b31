import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LOG_RETENTION } from './node-function.ts';

export interface HttpApiWithStageProps {
  apiName: string;
  description: string;
  /** Steady requests per second and burst for the whole API: one county cannot starve its cell. */
  throttle: { rateLimit: number; burstLimit: number };
  corsPreflight?: apigwv2.CorsPreflightOptions;
  defaultIntegration?: apigwv2.HttpRouteIntegration;
  defaultAuthorizer?: apigwv2.IHttpRouteAuthorizer;
  /** Fixed fields added to every access-log line (a county API's `county`, which its metric filter reads). */
  logFields?: Record<string, string>;
}

/**
 * An HTTP API with a `$default` stage that throttles and writes JSON access logs (who called what, from
 * which address, with what result: the network log the Cybersecurity Law asks operators to keep).
 */
export function createHttpApi(
  scope: Construct,
  id: string,
  props: HttpApiWithStageProps,
): { api: apigwv2.HttpApi; stage: apigwv2.HttpStage; accessLogs: logs.LogGroup } {
  const api = new apigwv2.HttpApi(scope, id, {
    apiName: props.apiName,
    description: props.description,
    createDefaultStage: false,
    ...(props.corsPreflight ? { corsPreflight: props.corsPreflight } : {}),
    ...(props.defaultIntegration ? { defaultIntegration: props.defaultIntegration } : {}),
    ...(props.defaultAuthorizer ? { defaultAuthorizer: props.defaultAuthorizer } : {}),
  });
  const accessLogs = new logs.LogGroup(scope, `${id}AccessLogs`, {
    retention: LOG_RETENTION,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const stage = new apigwv2.HttpStage(scope, `${id}DefaultStage`, {
    httpApi: api,
    stageName: '$default',
    autoDeploy: true,
    throttle: props.throttle,
    accessLogSettings: {
      destination: new apigwv2.LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          time: '$context.requestTime',
          ip: '$context.identity.sourceIp',
          userAgent: '$context.identity.userAgent',
          method: '$context.httpMethod',
          path: '$context.path',
          route: '$context.routeKey',
          status: '$context.status',
          responseBytes: '$context.responseLength',
          latencyMs: '$context.responseLatency',
          integrationLatencyMs: '$context.integrationLatency',
          caller: '$context.identity.userArn',
          sub: '$context.authorizer.claims.sub',
          authorizerError: '$context.authorizer.error',
          integrationError: '$context.integrationErrorMessage',
          ...props.logFields,
        }),
      ),
    },
  });
  return { api, stage, accessLogs };
}
