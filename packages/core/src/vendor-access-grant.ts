import * as z from 'zod/mini';
import { described } from './common-schemas.ts';

/**
 * A county admin's permission for the vendor's operators to read the county (support, a data question) for a
 * few hours. Reads only, whole county, every read logged in the county's login log (MLPS level 3: the vendor
 * never reads a county's data unless the county lets it).
 */
export interface VendorAccessGrant {
  id: string;
  reason: string;
  /** The root grid of the county, so the operator's reads cover the whole county by the usual scope rules. */
  rootGridId: string;
  createdAt: string;
  expiresAt: string;
  grantedBy: { userId: string; username: string };
  revokedAt?: string;
  revokedBy?: { userId: string; username: string };
  version: number;
}

export const MAX_VENDOR_GRANT_HOURS = 72;

export const CreateVendorAccessGrantSchema = described(
  z.strictObject({
    hours: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_VENDOR_GRANT_HOURS)),
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  }),
  { id: 'CreateVendorAccessGrant' },
);

export function isGrantActive(grant: VendorAccessGrant, now: Date): boolean {
  return grant.revokedAt === undefined && Date.parse(grant.expiresAt) > now.getTime();
}
