import { countyOfCaller } from '@gridsafe/api/user-admin';
import { ForbiddenError } from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const policy = { account: '123456789012', rolePrefix: 'gridsafe-cn-northwest-1-county-' };
const role = (name: string, account = '123456789012', partition = 'aws-cn') =>
  `arn:${partition}:sts::${account}:assumed-role/${name}/gridsafe-api-session`;

describe('countyOfCaller', () => {
  it('reads the county from a county API role of its own account, in any partition', () => {
    expect(countyOfCaller(role('gridsafe-cn-northwest-1-county-taihe'), policy)).toBe('taihe');
    expect(countyOfCaller(role('gridsafe-cn-northwest-1-county-abcd', '123456789012', 'aws'), policy)).toBe(
      'abcd',
    );
  });

  it.each([
    ['a role of another account', role('gridsafe-cn-northwest-1-county-taihe', '210987654321')],
    ['a role of another region or cell', role('gridsafe-ap-east-1-county-taihe')],
    ['a role that is not a county API role', role('Gridsafe-Platform-PlatformApiRole')],
    ['a county role name with a widened tenant', role('gridsafe-cn-northwest-1-county-taihe*')],
    ['an IAM user instead of a role', 'arn:aws-cn:iam::123456789012:user/alice'],
    ['no identity at all (an unauthenticated route)', undefined],
  ])('refuses %s', (_, arn) => {
    expect(() => countyOfCaller(arn, policy)).toThrow(ForbiddenError);
  });
});
