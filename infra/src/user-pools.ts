import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';

/** What differs between the cell's county pool and the vendor operators' pool; everything else is shared. */
export interface PasswordPoolOptions {
  userPoolName: string;
  /** Attributes a person has besides the username (the county pool keeps a display name). */
  standardAttributes?: cognito.StandardAttributes;
  passwordMinLength: number;
  tempPasswordValidity: Duration;
  mfa: cognito.Mfa;
  /** Why the pool stays on the Lite plan, for cdk-nag's AwsSolutions-COG8. */
  litePlanReason: string;
}

/**
 * A user pool people sign in to with a username and password (TOTP as the only second factor), created only by
 * an administrator and never recovered by e-mail or SMS. Tokens carry identity only (authorization comes from
 * each county's records), so there is no token trigger and the Lite plan suffices (docs/decisions.md).
 */
export function createPasswordPool(
  scope: Construct,
  id: string,
  options: PasswordPoolOptions,
): cognito.UserPool {
  const pool = new cognito.UserPool(scope, id, {
    userPoolName: options.userPoolName,
    // Usernames are `<tenant>:<name>`; administrators create users, nobody signs up.
    signInAliases: { username: true },
    signInCaseSensitive: false,
    selfSignUpEnabled: false,
    ...(options.standardAttributes ? { standardAttributes: options.standardAttributes } : {}),
    customAttributes: {
      // A user never moves county: immutable, so not even an admin call can rewrite it.
      tenant: new cognito.StringAttribute({ minLen: 2, maxLen: 32, mutable: false }),
      role: new cognito.StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
      scopes: new cognito.StringAttribute({ maxLen: 2048, mutable: true }),
    },
    passwordPolicy: {
      minLength: options.passwordMinLength,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: options.tempPasswordValidity,
    },
    mfa: options.mfa,
    mfaSecondFactor: { otp: true, sms: false },
    // Administrators reset passwords; there is no e-mail or SMS channel to recover through.
    accountRecovery: cognito.AccountRecovery.NONE,
    featurePlan: cognito.FeaturePlan.LITE,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(pool).acknowledge({ id: 'AwsSolutions-COG8', reason: options.litePlanReason });
  return pool;
}

/**
 * The app client an API's login route calls InitiateAuth through (CDK adds ALLOW_REFRESH_TOKEN_AUTH with any
 * flow): no secret, no hosted UI, one-hour tokens unless told. Tenant, role and scopes are never writable by a user:
 * nobody may move into another county or role.
 */
export function addPasswordClient(
  pool: cognito.UserPool,
  id: string,
  options: { userPoolClientName: string; refreshTokenValidity: Duration; accessTokenValidity?: Duration },
): cognito.UserPoolClient {
  const attributes = new cognito.ClientAttributes().withStandardAttributes({ fullname: true });
  return pool.addClient(id, {
    userPoolClientName: options.userPoolClientName,
    generateSecret: false,
    authFlows: { userPassword: true },
    disableOAuth: true,
    accessTokenValidity: options.accessTokenValidity ?? Duration.hours(1),
    idTokenValidity: Duration.hours(1),
    refreshTokenValidity: options.refreshTokenValidity,
    enableTokenRevocation: true,
    preventUserExistenceErrors: true,
    readAttributes: attributes.withCustomAttributes('tenant', 'role', 'scopes'),
    writeAttributes: attributes,
  });
}
