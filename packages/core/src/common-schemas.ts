import { z } from 'zod';

/** Shared field schemas, so every endpoint says the same thing about the same kind of value. */
export const UlidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID (26 characters)');

/**
 * DynamoDB stores numbers between 1e-130 and 1e126 in magnitude and refuses the rest with a ValidationException,
 * so a number the schema admits must be one the table can hold. Below a ten-millionth of a degree (about a
 * centimetre) a coordinate is noise, so anything closer to zero than that (but not zero) is refused by name.
 */
export const SMALLEST_COORDINATE = 1e-7;
const coordinate = (limit: number) =>
  z
    .number()
    .min(-limit)
    .max(limit)
    .refine(
      (value) => value === 0 || Math.abs(value) >= SMALLEST_COORDINATE,
      `must be 0 or at least ${SMALLEST_COORDINATE} away from it`,
    );

/** WGS-84; China spans roughly 3.8–53.6 N and 73.5–135.1 E, but counties' data may be imported from anywhere. */
export const LocationSchema = z
  .strictObject({
    lat: coordinate(90),
    lng: coordinate(180),
  })
  .meta({ id: 'Location' });
export type Location = z.infer<typeof LocationSchema>;

// Tab, newline and carriage return are allowed (addresses and notes are pasted from spreadsheets); the rest
// of C0 and DEL are not, since they break CSV exports and printed notice boards.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Names a person types: trimmed, not empty, no control characters, a sane upper bound. */
export function textField(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters');
}

export const VersionSchema = z.number().int().min(1);

export const PHONE_PATTERN = /^[0-9+\-() ]{5,20}$/;
export const PhoneSchema = z.string().trim().regex(PHONE_PATTERN, 'must be a phone number');

export const ContactSchema = z
  .strictObject({
    name: textField(50).optional(),
    phone: PhoneSchema.optional(),
  })
  .meta({ id: 'Contact' });
