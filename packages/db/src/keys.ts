import { assertTenantId } from '@gridsafe/core';

/**
 * Key builders. Each takes the tenant id as its first, required argument, so no county key can be built
 * without one. The prefix ends in its delimiter (`T#abc#`), so county `abc` can never match `abcd`'s keys.
 */
export function tenantPrefix(tenant: string): string {
  return `T#${assertTenantId(tenant)}#`;
}

export function tenantKey(tenant: string, ...parts: string[]): string {
  return tenantPrefix(tenant) + parts.join('#');
}

/** Vendor (platform) items live outside every county's prefix. */
export function platformKey(...parts: string[]): string {
  return `P#${parts.join('#')}`;
}

/** Fixed-width numbers sort correctly as strings (audit sequence, shard numbers). */
export function padNumber(value: number, width = 8): string {
  return value.toString().padStart(width, '0');
}
