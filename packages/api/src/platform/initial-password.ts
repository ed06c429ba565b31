import { randomInt } from 'node:crypto';
import * as z from 'zod/mini';

const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
// Symbols that survive a terminal, a chat message and a URL without quoting.
const SYMBOLS = '-_.%+=@';

/**
 * The user pool's password policy (infra/src/shared-stack.ts): at least 10 characters with a lowercase and an
 * uppercase letter, a digit and a symbol. Checked here so a bad password is a 400 naming the field, not a
 * directory error half-way through onboarding.
 */
export const InitialPasswordSchema = z
  .string()
  .check(
    z.minLength(10, 'must be at least 10 characters'),
    z.maxLength(128),
    z.regex(/[a-z]/, 'must contain a lowercase letter'),
    z.regex(/[A-Z]/, 'must contain an uppercase letter'),
    z.regex(/\d/, 'must contain a digit'),
    z.regex(/[^A-Za-z0-9]/, 'must contain a symbol'),
  );

/**
 * A random 16-character password that meets the pool's policy, without look-alike characters (l/1, O/0).
 * It is shown once, in the onboarding answer; the county admin should change it at first use.
 */
export function generateInitialPassword(length = 16): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const pick = (set: string) => set.charAt(randomInt(set.length));
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}
