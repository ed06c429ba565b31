import { ForbiddenError } from '@gridsafe/core';

/** Which callers the service serves: county API roles of its own account, named `<rolePrefix><tenant>`. */
export interface CountyCallerPolicy {
  /** The cell's account: a role of any other account is refused, whatever its name. */
  account: string;
  /** infra names each county API role `<prefix><tenant>` (infra/src/tenant-policy.ts, countyApiRoleName). */
  rolePrefix: string;
}

/** The same pattern as infra's and core's tenant ids: no wildcard or delimiter can ride in on a role name. */
const TENANT_ID = /^[a-z][a-z0-9]{1,31}$/;
const ASSUMED_ROLE_ARN = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/[\w+=,.@-]{2,64}$/;

/**
 * The county a request acts for, read from the identity IAM verified (API Gateway's
 * `requestContext.authorizer.iam.userArn`, an STS assumed-role ARN): a county API role's name ends in its
 * tenant id. Nothing the caller sends in the body or path takes part, so a county role can only ever act
 * for its own county.
 *
 * @example
 * countyOfCaller('arn:aws-cn:sts::123456789012:assumed-role/gridsafe-cn-northwest-1-county-taihe/fn', policy) // 'taihe'
 */
export function countyOfCaller(userArn: unknown, policy: CountyCallerPolicy): string {
  const match = typeof userArn === 'string' ? ASSUMED_ROLE_ARN.exec(userArn) : null;
  if (!match) throw new ForbiddenError('The caller is not an IAM role.');
  const [, account, roleName = ''] = match;
  if (account !== policy.account) throw new ForbiddenError('The caller belongs to another account.');
  const tenant = roleName.startsWith(policy.rolePrefix) ? roleName.slice(policy.rolePrefix.length) : '';
  if (!TENANT_ID.test(tenant)) throw new ForbiddenError('The caller is not a county API role.');
  return tenant;
}
