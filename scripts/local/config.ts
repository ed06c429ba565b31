import { join } from 'node:path';

/** The local stack's settings: every port can be moved with an environment variable. */
export function localStackConfig(root: string) {
  const port = (name: string, fallback: number) => {
    const value = process.env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) {
      throw new Error(`${name}=${value} is not a port number (1-65535).`);
    }
    return parsed;
  };
  const dataDir = process.env.GRIDSAFE_DATA_DIR ?? join(root, '.data');
  return {
    host: '127.0.0.1',
    port: port('GRIDSAFE_PORT', 3000),
    dynamoPort: port('GRIDSAFE_DYNAMODB_PORT', 8000),
    s3Port: port('GRIDSAFE_S3_PORT', 4569),
    issuerPort: port('GRIDSAFE_ISSUER_PORT', 9230),
    // The local OpenID provider (scripts/local/oidc-provider.ts), next to the Cognito-protocol issuer.
    oidcPort: port('GRIDSAFE_OIDC_PORT', 9231),
    dataDir,
    dynamoDir: join(dataDir, 'dynamodb'),
    s3Dir: join(dataDir, 's3'),
    issuerDir: join(dataDir, 'issuer'),
    oidcDir: join(dataDir, 'oidc'),
    tableName: 'gridsafe',
    bucket: 'gridsafe-evidence',
    region: 'cn-north-1',
  };
}
