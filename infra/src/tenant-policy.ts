import * as iam from 'aws-cdk-lib/aws-iam';
import { TENANT_ID_PATTERN } from './cells-config.ts';

/**
 * What a county's functions may do to the table. Every request path is a GetItem, a Query or a write, so
 * there is no Scan (and no PartiQL): a Scan carries no partition key, and a key-less request is exactly what
 * `ForAllValues` would wave through. Transactions need no action of their own: DynamoDB authorizes each
 * Put/Update/Delete inside one by that item's action, and each condition check by `ConditionCheckItem`.
 */
export const TENANT_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * Photos are written through presigned requests signed by this role, and read back; never listed or deleted.
 * `s3:PutObjectRetention` lets the copy of a confirmed photo carry its Object Lock (governance mode); shortening a
 * lock needs `s3:BypassGovernanceRetention`, which the bucket policy denies to everyone.
 */
export const TENANT_EVIDENCE_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:PutObjectRetention'] as const;

/**
 * What the cell's user-administration service does to the county pool for a county API: create a person's
 * account, set or reset a password, edit, enable, disable and look one up. Only that service's role holds
 * them; no county role holds any `cognito-idp` action (IAM has no condition key for a Cognito user's name
 * or attributes, so a grant to a county role could not be confined to that county's users).
 */
export const USER_ADMIN_SERVICE_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminSetUserPassword',
  // A reset also signs the person out everywhere (their refresh tokens), as a directory cell's reset does.
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminGetUser',
] as const;

/** The user-administration service's routes; a county API role may invoke these and nothing else of it. */
export const USER_ADMIN_ROUTE_PATHS = ['/v1/users', '/v1/users/*'] as const;

/**
 * A county API role's name ends in its tenant id, which is how the user-administration service knows the
 * county of a caller (from the assumed-role ARN IAM verified). The region keeps two cells of one account
 * apart; at most 9 + 14 + 8 + 32 = 63 characters, under IAM's 64.
 */
export function countyApiRolePrefix(region: string): string {
  return `gridsafe-${region}-county-`;
}

export function countyApiRoleName(region: string, tenant: string): string {
  return `${countyApiRolePrefix(region)}${checkedTenant(tenant)}`;
}

/**
 * The partition-key prefix of every item of one county, in the base table and in every GSI. It ends in its
 * delimiter, so `T#abc#*` cannot match county `abcd`'s `T#abcd#...`.
 */
export function tenantKeyPattern(tenant: string): string {
  return `T#${checkedTenant(tenant)}#*`;
}

/** Where announced photos wait for confirmation, in every county (one lifecycle rule expires them). */
export const PENDING_UPLOAD_ROOT = 'pending/';

export function tenantEvidencePrefix(tenant: string): string {
  return `t/${checkedTenant(tenant)}/`;
}

/**
 * Leading-key conditions that confine a statement to partition keys matching `patterns`.
 *
 * `ForAllValues:StringLike` checks every partition key a request names (a BatchGetItem with one foreign key
 * fails as a whole), but it is also true when the request names no key at all; the `Null` test makes a
 * key-less request fail instead.
 */
export function leadingKeyConditions(patterns: string[]): Record<string, Record<string, unknown>> {
  return {
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns },
    Null: { 'dynamodb:LeadingKeys': 'false' },
  };
}

/**
 * The one table statement a county's functions get: its own keys, in the base table and in every GSI (a
 * Query on an index is checked against the index's partition key, which also starts with `T#<tenant>#`).
 *
 * @example
 * role.addToPolicy(tenantTableStatement('taihe', 'arn:aws-cn:dynamodb:cn-north-1:123456789012:table/gridsafe'));
 */
export function tenantTableStatement(tenant: string, tableArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'OwnCountyItems',
    actions: [...TENANT_TABLE_ACTIONS],
    resources: [tableArn, `${tableArn}/index/*`],
    conditions: leadingKeyConditions([tenantKeyPattern(tenant)]),
  });
}

/**
 * The county's own evidence prefix and its own pending uploads (`pending/t/<tenant>/`, expired by the bucket's
 * lifecycle unless confirmed and copied to the evidence prefix); nothing else in the bucket, no bucket-level action.
 */
export function tenantEvidenceStatement(tenant: string, bucketArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'OwnCountyEvidence',
    actions: [...TENANT_EVIDENCE_ACTIONS],
    resources: [
      `${bucketArn}/${tenantEvidencePrefix(tenant)}*`,
      `${bucketArn}/${PENDING_UPLOAD_ROOT}${tenantEvidencePrefix(tenant)}*`,
    ],
  });
}

/**
 * A county API may call the cell's user-administration service, which then acts for that county only.
 * `apiArn` is `arn:<partition>:execute-api:<region>:<account>:<api-id>`; the routes live in the `$default` stage.
 */
export function userAdminInvokeStatement(apiArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'CellUserAdministration',
    actions: ['execute-api:Invoke'],
    resources: USER_ADMIN_ROUTE_PATHS.map((path) => `${apiArn}/$default/*${path}`),
  });
}

/** The cell's cursor secret, and nothing else in Secrets Manager: county APIs read it to seal list cursors. */
export function cursorSecretStatement(secretArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'CellCursorSecret',
    actions: ['secretsmanager:GetSecretValue'],
    resources: [secretArn],
  });
}

/** A malformed id (`abc*`, `a#b`) would widen the grant; refuse it rather than trust the caller. */
function checkedTenant(tenant: string): string {
  if (!TENANT_ID_PATTERN.test(tenant))
    throw new Error(`Tenant id "${tenant}" must match ${TENANT_ID_PATTERN}`);
  return tenant;
}
