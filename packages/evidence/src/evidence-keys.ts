import { assertTenantId } from '@gridsafe/core';

/** Every county's objects live under `t/<tenant>/`, the prefix its IAM role is limited to. */
export function evidencePrefix(tenant: string): string {
  return `t/${assertTenantId(tenant)}/`;
}
