import { z } from 'zod';

/** Shared field schemas, so every endpoint says the same thing about the same kind of value. */
export const UlidSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID (26 characters)');

/** WGS-84; China spans roughly 3.8–53.6 N and 73.5–135.1 E, but counties' data may be imported from anywhere. */
export const LocationSchema = z
  .strictObject({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
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
