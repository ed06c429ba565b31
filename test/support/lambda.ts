import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
  ScheduledEvent,
} from 'aws-lambda';
import { vi } from 'vitest';
import { bundleFunction, LAMBDA_ENV } from '../../scripts/bundle-functions.ts';
import { tempDir } from './temp-dirs.ts';

/**
 * Lambda entry points run as Lambda runs them: bundled by scripts/bundle-functions.ts (what CDK uploads),
 * imported once with the function's environment in place (they read their configuration at import), then
 * invoked with the event their trigger sends and a Lambda context. The events below follow AWS's documented
 * payloads (HTTP API payload format 2.0; EventBridge Scheduler's scheduled event), typed by @types/aws-lambda.
 */

export const CELL_ACCOUNT = '000000000000';
const REGION = 'cn-north-1';

export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * The function's bundle, imported with `env` over LAMBDA_ENV in process.env (restored by vi.unstubAllEnvs).
 * The variables stay set for the invocations too: the AWS SDK reads its credentials, and AWS_ENDPOINT_URL_*
 * (the SDK's own way to point a client at another endpoint, which the functions never set in AWS), on use.
 */
export function importBundledHandler<E, R>(
  entry: string,
  env: Record<string, string>,
): Promise<LambdaHandler<E, R>> {
  // One bundle and one import per entry and test file, as one warm Lambda environment serves many events.
  let imported = bundles.get(entry);
  if (!imported) {
    imported = bundleAndImport(entry, env);
    bundles.set(entry, imported);
  }
  return imported as Promise<LambdaHandler<E, R>>;
}

const bundles = new Map<string, Promise<LambdaHandler<never, unknown>>>();

async function bundleAndImport(entry: string, env: Record<string, string>) {
  const outdir = tempDir('gridsafe-entry-');
  await bundleFunction(entry, outdir);
  for (const [name, value] of Object.entries({ ...LAMBDA_ENV, ...env })) vi.stubEnv(name, value);
  const module = (await import(/* @vite-ignore */ pathToFileURL(join(outdir, 'index.mjs')).href)) as {
    handler: LambdaHandler<never, unknown>;
  };
  if (typeof module.handler !== 'function') throw new Error(`${entry} exports no handler`);
  return module.handler;
}

/** What the Lambda runtime hands a handler as its second argument. */
export function lambdaContext(functionName: string, { timeoutMs = 30_000 } = {}): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error('callback-style completion is not used by these handlers');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws-cn:lambda:${REGION}:${CELL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

interface HttpRequest {
  method: string;
  /** The path with its query, as the browser asked for it. */
  path: string;
  /** The route that matched, as infra declares it (`ANY /t/taihe/api/v1/{proxy+}`). */
  routeKey: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The part of a payload-2.0 event every HTTP API route gets, before its authorizer adds its own. */
function httpApiEventBase(
  request: HttpRequest,
): Omit<APIGatewayProxyEventV2, 'requestContext'> & { requestContext: APIGatewayEventRequestContextV2 } {
  const url = new URL(request.path, 'https://api.invalid');
  const now = new Date();
  const domainName = 'abcdef1234.execute-api.cn-north-1.amazonaws.com.cn';
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const query = Object.fromEntries(url.searchParams);
  const proxy = /\{proxy\+\}$/.test(request.routeKey)
    ? url.pathname.slice(request.routeKey.split(' ')[1]!.replace('{proxy+}', '').length)
    : undefined;
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    // HTTP APIs lower-case header names and join repeated ones with commas.
    headers: {
      accept: 'application/json',
      host: domainName,
      'user-agent': 'gridsafe-entry-point-test',
      'x-amzn-trace-id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(body !== undefined
        ? { 'content-type': 'application/json', 'content-length': String(body.length) }
        : {}),
      ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(proxy !== undefined ? { pathParameters: { proxy } } : {}),
    requestContext: {
      accountId: CELL_ACCOUNT,
      apiId: 'abcdef1234',
      domainName,
      domainPrefix: 'abcdef1234',
      http: {
        method: request.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'gridsafe-entry-point-test',
      },
      requestId: randomUUID().slice(0, 18),
      routeKey: request.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

/** A request on a public route (no authorizer): login, health, the API description. */
export function publicHttpApiEvent(request: HttpRequest): APIGatewayProxyEventV2 {
  return httpApiEventBase(request);
}

/**
 * A request that passed the HTTP API's JWT authorizer: API Gateway checked the token's signature, issuer,
 * audience (`client_id`) and expiry, and hands the function the token's claims, each as a string, beside the
 * unchanged Authorization header.
 */
export function jwtHttpApiEvent(
  request: HttpRequest & { token: string },
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const base = httpApiEventBase({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${request.token}` },
  });
  const claims = JSON.parse(Buffer.from(request.token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  const scope = typeof claims.scope === 'string' ? (claims.scope as string).split(' ') : null;
  return {
    ...base,
    requestContext: {
      ...base.requestContext,
      authorizer: {
        jwt: {
          claims: Object.fromEntries(
            Object.entries(claims as Record<string, unknown>).map(([name, value]) => [
              name,
              typeof value === 'string' ? value : JSON.stringify(value),
            ]),
          ),
          scopes: scope,
        },
      },
    },
  };
}

/** A request an AWS_IAM route let through: IAM checked its SigV4 signature and names the role that signed. */
export function iamHttpApiEvent(
  request: HttpRequest & { roleName: string; account?: string },
): APIGatewayProxyEventV2WithIAMAuthorizer {
  const base = httpApiEventBase(request);
  const account = request.account ?? CELL_ACCOUNT;
  const roleId = 'AROAEXAMPLEROLEID1234';
  return {
    ...base,
    requestContext: {
      ...base.requestContext,
      authorizer: {
        iam: {
          accessKey: 'ASIAEXAMPLEACCESSKEY',
          accountId: account,
          callerId: `${roleId}:${request.roleName}-fn`,
          cognitoIdentity: null,
          principalOrgId: '',
          userArn: `arn:aws-cn:sts::${account}:assumed-role/${request.roleName}/${request.roleName}-fn`,
          userId: `${roleId}:${request.roleName}-fn`,
        },
      },
    },
  };
}

/** What EventBridge Scheduler sends a Lambda target of a schedule with no input of its own. */
export function scheduledEvent(scheduleName: string): ScheduledEvent<string> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: CELL_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: [`arn:aws-cn:scheduler:${REGION}:${CELL_ACCOUNT}:schedule/default/${scheduleName}`],
    detail: '{}',
  };
}

/** An HTTP API answer, its JSON body parsed. */
export function httpAnswer(result: APIGatewayProxyStructuredResultV2): {
  status: number;
  headers: Record<string, string>;
  body: any;
} {
  const text = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64').toString('utf8')
    : (result.body ?? '');
  return {
    status: result.statusCode ?? 0,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: text ? JSON.parse(text) : undefined,
  };
}
