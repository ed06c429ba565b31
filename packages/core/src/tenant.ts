import { ValidationError } from './errors.ts';

/**
 * Tenant ids are a fixed format because they end up inside IAM conditions (`T#<id>#*`): lowercase, starting
 * with a letter, 2 to 32 characters, no delimiter characters that could widen a prefix match.
 */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9]{1,31}$/;

export function isTenantId(value: string): boolean {
  return TENANT_ID_PATTERN.test(value);
}

export function assertTenantId(value: string): string {
  if (!isTenantId(value)) {
    throw new ValidationError([{ path: 'tenant', message: 'must match ^[a-z][a-z0-9]{1,31}$' }]);
  }
  return value;
}
