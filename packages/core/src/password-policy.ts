import * as z from 'zod/mini';

/** Character classes a chosen password draws from; MLPS level 3 asks for complexity, not one fixed recipe. */
const CLASSES = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/] as const;

/** How many of the four classes (lowercase, uppercase, digit, symbol) a password uses. */
export function passwordClassCount(password: string): number {
  return CLASSES.filter((pattern) => pattern.test(password)).length;
}

/**
 * A password a person chooses (at the first login, after a reset): at least 12 characters from at least three
 * of the four classes. Checked before the directory is called, so a weak choice is a 400 naming the field.
 */
export const ChosenPasswordSchema = z.string().check(
  z.minLength(12, 'must be at least 12 characters'),
  z.maxLength(256),
  z.refine((value) => passwordClassCount(value) >= 3, {
    message: 'must use three of: lowercase, uppercase, digits, symbols',
  }),
);
