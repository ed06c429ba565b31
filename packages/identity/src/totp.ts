import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 6238 as authenticator apps implement it: HMAC-SHA1, 6 digits, a 30 s step. */
const STEP_SECONDS = 30;
const DIGITS = 6;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A new shared secret, base32 as Cognito's AssociateSoftwareToken answers it (160 bits, RFC 4226's advice). */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/** The code an authenticator app shows for `secret` at `at` (default: now). */
export function totpCode(secret: string, at: Date = new Date()): string {
  return codeForCounter(base32Decode(secret), Math.floor(at.getTime() / 1000 / STEP_SECONDS));
}

/**
 * Whether `code` is right for `secret` at `at`, one step either side allowed: a phone's clock drifts, and a
 * code typed in the last seconds of its step arrives in the next one.
 */
export function verifyTotp(secret: string, code: string, at: Date = new Date()): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const key = base32Decode(secret);
  const counter = Math.floor(at.getTime() / 1000 / STEP_SECONDS);
  let matched = false;
  for (const offset of [-1, 0, 1]) {
    const expected = Buffer.from(codeForCounter(key, counter + offset));
    // Every window is compared, matched or not, so the time taken says nothing about which one matched.
    if (timingSafeEqual(expected, Buffer.from(code))) matched = true;
  }
  return matched;
}

/** The otpauth:// URI that authenticator apps read from a QR code. */
export function otpauthUri(secret: string, account: string, issuer: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`;
}

function codeForCounter(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', key).update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0');
}

function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += BASE32[(value << (5 - bits)) & 31];
  return output;
}

function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/=+$/, '').replace(/\s+/g, '');
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('The TOTP secret is not base32.');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}
