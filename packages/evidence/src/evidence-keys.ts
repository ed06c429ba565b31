import { assertTenantId } from '@gridsafe/core';

/** Every county's objects live under `t/<tenant>/`, the prefix its IAM role is limited to. */
export function evidencePrefix(tenant: string): string {
  return `t/${assertTenantId(tenant)}/`;
}

/**
 * Uploads wait here until the API has read them back and hashed them: `pending/t/<tenant>/`, outside every
 * county's evidence, so one lifecycle rule on `pending/` expires what nobody confirmed (a day) for every county,
 * and nothing unconfirmed is ever mistaken for evidence. A confirmed photo is copied to `t/<tenant>/`.
 */
export const PENDING_UPLOAD_ROOT = 'pending/';

export function pendingUploadPrefix(tenant: string): string {
  return `${PENDING_UPLOAD_ROOT}${evidencePrefix(tenant)}`;
}

/**
 * How long a confirmed photo is locked against deletion and overwrite (S3 Object Lock, governance mode): five years,
 * the same span the bucket keeps a replaced version (infra's EVIDENCE_RETENTION, checked equal by the infra tests).
 */
export const EVIDENCE_LOCK_DAYS = 5 * 365;
