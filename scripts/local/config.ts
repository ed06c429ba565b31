import { join } from 'node:path';
import type { AuthProvider, AuthProvidersConfig } from '@gridsafe/core';

/** The Cognito-protocol local issuer (local-issuer.ts): the password form, as Cognito in AWS. */
export const LOCAL_PROVIDER_ID = 'local';
/** The local certified OpenID provider (oidc-provider.ts): the code-flow button "统一身份认证登录". */
export const LOCAL_OIDC_PROVIDER_ID = 'local-oidc';
/** What the local OIDC provider's JWT access tokens carry for the county APIs (RFC 9068 `aud`, `client_id`). */
export const LOCAL_OIDC_AUDIENCE = 'urn:gridsafe:county-api';
export const LOCAL_OIDC_CLIENT_ID = 'gridsafe-web';
/** The demo counties that accept the local OIDC provider (each gets its redirect URI registered there). */
export const LOCAL_OIDC_COUNTIES = ['taihe'];

/**
 * The local stack's identity providers, in one place: `taihe` accepts both (password form and code flow),
 * `linquan` only the password issuer, like a county whose province runs no 统一身份认证 platform. Without the
 * OIDC provider's issuer (a stack or test that does not start it) only the password issuer is listed.
 */
export function localAuthProviders(
  passwordIssuer: { issuer: string; clientId: string; jwksUrl: string },
  oidc?: { issuer: string; jwksUrl?: string },
): AuthProvidersConfig {
  const providers: AuthProvider[] = [
    {
      id: LOCAL_PROVIDER_ID,
      name: '账号密码',
      issuer: passwordIssuer.issuer,
      clientId: passwordIssuer.clientId,
      jwksUrl: passwordIssuer.jwksUrl,
      usernameClaim: 'username',
      passwordLogin: true,
      codeFlow: false,
    },
  ];
  if (oidc) {
    providers.push({
      id: LOCAL_OIDC_PROVIDER_ID,
      name: '统一身份认证登录',
      issuer: oidc.issuer,
      clientId: LOCAL_OIDC_CLIENT_ID,
      audience: LOCAL_OIDC_AUDIENCE,
      ...(oidc.jwksUrl ? { jwksUrl: oidc.jwksUrl } : {}),
      usernameClaim: 'username',
      passwordLogin: false,
      codeFlow: true,
    });
  }
  return {
    providers,
    counties: {
      ...Object.fromEntries(
        LOCAL_OIDC_COUNTIES.map((county) => [
          county,
          oidc ? [LOCAL_PROVIDER_ID, LOCAL_OIDC_PROVIDER_ID] : [LOCAL_PROVIDER_ID],
        ]),
      ),
      linquan: [LOCAL_PROVIDER_ID],
    },
    defaultAccepted: [LOCAL_PROVIDER_ID],
  };
}

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
