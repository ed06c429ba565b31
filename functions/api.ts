import { fromEnv } from '@aws-sdk/credential-provider-env';
import { createApp, createRuntimeDeps } from '@gridsafe/api';
import { parseAuthProvidersConfig } from '@gridsafe/core';
import middy from '@middy/core';
import { handle } from 'hono/aws-lambda';
import { cursorSecretFromSecretsManager } from './lib/cursor-secret-source.ts';
import { readEnv } from './lib/env.ts';
import { lambdaDeliveryKicker } from './lib/lambda-delivery-kicker.ts';
import { lambdaJobLauncher } from './lib/lambda-job-launcher.ts';
import { lambdaJsonLogger } from './lib/lambda-json-logger.ts';
import { transportsFromEnv } from './lib/outbound.ts';

// Everything below runs once per cold start; warm invocations reuse the clients and the cached JWKS.
const env = readEnv([
  'GRIDSAFE_TENANT',
  'TABLE_NAME',
  'EVIDENCE_BUCKET',
  'USER_POOL_CLIENT_ID',
  'AUTH_ISSUER',
  'AUTH_JWKS_URL',
  'PUBLIC_ORIGIN',
  'CURSOR_SECRET_ID',
  'AWS_REGION',
  'REGISTER_JOB_FUNCTION',
  'WEBHOOK_DELIVERY_FUNCTION',
]);
// A cell with a Cognito pool has both; a China cell signs its people in at an OpenID provider and has neither.
// A cell of county directories has neither either: the county's people and keys are in its partition, and
// COUNTY_DIRECTORY_ISSUER_BASE is this county API's own base, where its tokens' issuer sits.
const { USER_POOL_ID, USER_ADMIN_URL, COUNTY_DIRECTORY_ISSUER_BASE } = process.env;
// A cell moving from its Cognito pool to county directories: people without an account yet sign in there once.
const { FORMER_USER_POOL_ID, FORMER_USER_POOL_CLIENT_ID } = process.env;
// The function role's credentials, which Lambda puts in the environment: the user-administration service
// reads this county from the role that signed.
const roleCredentials = fromEnv();
const { logger, middleware: logContext } = lambdaJsonLogger({ tenant: env.GRIDSAFE_TENANT });
// The cell's identity providers as JSON (core: AuthProvidersConfig), checked here so a mistyped list stops the
// function at start. Absent: the pool above (AUTH_ISSUER, AUTH_JWKS_URL) is the one provider.
const authProviders = process.env.AUTH_PROVIDERS
  ? parseAuthProvidersConfig(process.env.AUTH_PROVIDERS)
  : undefined;

const app = createApp({
  ...createRuntimeDeps({
    tableName: env.TABLE_NAME,
    evidenceBucket: env.EVIDENCE_BUCKET,
    ...(USER_POOL_ID ? { userPoolId: USER_POOL_ID } : {}),
    userPoolClientId: env.USER_POOL_CLIENT_ID,
    authIssuer: env.AUTH_ISSUER,
    authJwksUrl: env.AUTH_JWKS_URL,
    ...(authProviders ? { authProviders } : {}),
    // Access tokens live half the county's idle time, at most 15 minutes (core accessTokenSecondsFor).
    ...(COUNTY_DIRECTORY_ISSUER_BASE
      ? {
          countyDirectory: {
            issuerBase: COUNTY_DIRECTORY_ISSUER_BASE,
            ...(FORMER_USER_POOL_ID && FORMER_USER_POOL_CLIENT_ID
              ? { formerPool: { userPoolId: FORMER_USER_POOL_ID, clientId: FORMER_USER_POOL_CLIENT_ID } }
              : {}),
          },
        }
      : {}),
    // A provider id of AUTH_PROVIDERS whose `@platform:` accounts may read this county under its admin's grant.
    ...(process.env.OPERATOR_PROVIDER ? { operatorProvider: process.env.OPERATOR_PROVIDER } : {}),
    // The service is the cell's, in this function's region: IAM refuses a signature scoped to any other.
    ...(USER_ADMIN_URL
      ? {
          userAdministration: {
            endpoint: USER_ADMIN_URL,
            region: env.AWS_REGION,
            credentials: () => roleCredentials(),
          },
        }
      : {}),
    // This stack serves exactly one county; its IAM role could not reach another's data anyway.
    servesTenant: (tenant) => tenant === env.GRIDSAFE_TENANT,
    publicOrigin: env.PUBLIC_ORIGIN,
    cursorSecrets: cursorSecretFromSecretsManager(env.CURSOR_SECRET_ID, env.AWS_REGION),
    // No x-dynamodb-calls in AWS: only the benchmark asks for it.
    reportDynamoCalls: false,
    logger,
  }),
  // Register exports and imports run in the county's job function (functions/register-job.ts).
  jobs: lambdaJobLauncher(env.REGISTER_JOB_FUNCTION, env.AWS_REGION),
  outbound: transportsFromEnv(),
  // In AWS a webhook must be https at a public address: nothing turns it off but an explicit WEBHOOK_PUBLIC_ONLY=0
  // (the local stack runs the app without this entry, so it never sets it).
  webhooks: { publicOnly: process.env.WEBHOOK_PUBLIC_ONLY !== '0' },
  // Webhook deliveries a write queued are sent at once by the county's sweep function, invoked for them alone.
  deliveries: lambdaDeliveryKicker(env.WEBHOOK_DELIVERY_FUNCTION, env.AWS_REGION),
});

export const handler = middy(handle(app)).use(logContext);
