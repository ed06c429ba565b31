import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes of the local stack's two directories (the Cognito-protocol issuer and the OpenID provider):
 * scrypt with a random salt, stored as `<salt>:<hash>` in base64, compared in constant time.
 */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString('base64')}:${scryptSync(password, salt, 32).toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [salt, hash] = stored.split(':');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(expected, actual);
}
