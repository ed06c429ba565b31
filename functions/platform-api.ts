import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createPlatformApp, createPlatformRuntimeDeps, PLATFORM_TENANT } from '@gridsafe/api/platform';
import middy from '@middy/core';
import { handle } from 'hono/aws-lambda';
import { readEnv } from './lib/env.ts';
import { domainLogger } from './lib/powertools-logger.ts';

// Everything below runs once per cold start; warm invocations reuse the clients and the cached JWKS.
const env = readEnv([
  'GRIDSAFE_CELL',
  'TABLE_NAME',
  'USER_POOL_CLIENT_ID',
  'OPERATOR_POOL_ID',
  'OPERATOR_CLIENT_ID',
  'AUTH_ISSUER',
  'AUTH_JWKS_URL',
]);
const logger = new Logger({ persistentKeys: { tenant: PLATFORM_TENANT, cell: env.GRIDSAFE_CELL } });

const app = createPlatformApp(
  createPlatformRuntimeDeps({
    tableName: env.TABLE_NAME,
    // Absent in a cell of county directories: first admins are then written into the county's own partition.
    ...(process.env.USER_POOL_ID ? { userPoolId: process.env.USER_POOL_ID } : {}),
    userPoolClientId: env.USER_POOL_CLIENT_ID,
    operatorPoolId: env.OPERATOR_POOL_ID,
    operatorClientId: env.OPERATOR_CLIENT_ID,
    authIssuer: env.AUTH_ISSUER,
    authJwksUrl: env.AUTH_JWKS_URL,
    // Every cell of the configuration (GRIDSAFE_CELLS, set by the stack) may be registered; only this cell's
    // table and pool can be seeded.
    cells: {
      known: (process.env.GRIDSAFE_CELLS ?? env.GRIDSAFE_CELL).split(','),
      seedable: [env.GRIDSAFE_CELL],
    },
    logger: domainLogger(logger),
  }),
);

export const handler = middy(handle(app)).use(injectLambdaContext(logger, { resetKeys: true }));
