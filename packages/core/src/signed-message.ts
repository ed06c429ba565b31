import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The one signature Gridsafe uses between machines: monitoring systems signing the alerts they send in
 * (`POST /alerts`), and Gridsafe signing the webhook deliveries it sends out. Both sides of every exchange use
 * the same two headers, so a team that has implemented one can implement the other:
 *
 *   x-gridsafe-timestamp: <Unix seconds>
 *   x-gridsafe-signature: sha256=<lowercase hex HMAC-SHA256 of "<timestamp>.<raw body bytes>", keyed with the secret>
 *
 * The timestamp is inside the signed text, so a captured request cannot be replayed later than the tolerance.
 */
export const SIGNATURE_HEADER = 'x-gridsafe-signature';
export const TIMESTAMP_HEADER = 'x-gridsafe-timestamp';
/** How far a signed timestamp may be from the receiver's clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A new shared secret: 32 random bytes, base64url, shown to its owner once. */
export function newSigningSecret(): string {
  return `gss_${randomBytes(32).toString('base64url')}`;
}

/** The value of `x-gridsafe-signature` for this body at this time. */
export function signatureOf(secret: string, timestampSeconds: number, rawBody: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestampSeconds}.`);
  hmac.update(rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

/** Both headers for a body signed now: what a sender adds to its request. */
export function signedHeaders(
  secret: string,
  rawBody: string | Uint8Array,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    [TIMESTAMP_HEADER]: String(nowSeconds),
    [SIGNATURE_HEADER]: signatureOf(secret, nowSeconds, rawBody),
  };
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Whether a request's two headers sign its raw body with one of `secrets` (a rotated secret keeps working until
 * its grace period ends, so the caller passes both). Compared in constant time.
 */
export function verifySignature(
  secrets: readonly string[],
  headers: { timestamp: string | undefined | null; signature: string | undefined | null },
  rawBody: string | Uint8Array,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-f]{64}$/.test(signature))
    return { ok: false, reason: 'malformed' };
  const seconds = Number(timestamp);
  if (Math.abs(nowSeconds - seconds) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };
  const given = Buffer.from(signature);
  for (const secret of secrets) {
    const expected = Buffer.from(signatureOf(secret, seconds, rawBody));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return { ok: true };
  }
  return { ok: false, reason: 'mismatch' };
}
