import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createUserAdminApp, createUserAdminRuntimeDeps } from '@gridsafe/api/user-admin';
import middy from '@middy/core';
import { handle } from 'hono/aws-lambda';
import { readEnv } from './lib/env.ts';
import { domainLogger } from './lib/powertools-logger.ts';

// Runs once per cold start. This function's role alone holds the Cognito admin rights on the cell's pool.
const env = readEnv([
  'GRIDSAFE_CELL',
  'USER_POOL_ID',
  'USER_POOL_CLIENT_ID',
  'CELL_ACCOUNT',
  'COUNTY_ROLE_PREFIX',
]);
const logger = new Logger({ persistentKeys: { cell: env.GRIDSAFE_CELL } });

const app = createUserAdminApp(
  createUserAdminRuntimeDeps({
    userPoolId: env.USER_POOL_ID,
    userPoolClientId: env.USER_POOL_CLIENT_ID,
    callers: { account: env.CELL_ACCOUNT, rolePrefix: env.COUNTY_ROLE_PREFIX },
    logger: domainLogger(logger),
  }),
);

export const handler = middy(handle(app)).use(injectLambdaContext(logger, { resetKeys: true }));
