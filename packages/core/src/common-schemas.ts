import * as z from 'zod/mini';
// config, globalRegistry and the coerce builder by name from zod's core: reached through zod/mini's nested
// namespaces (z.globalRegistry, z.coerce.*) they keep the whole namespace object, and with it zod's JSON Schema
// writer (20 KB), in every Lambda's cold start (scripts/bundle-functions.ts). Anything of zod/mini's iso module
// does the same (measured with esbuild 0.25), hence dateTimeWithOffset below instead of z.iso.datetime.
import { _coercedNumber, config, globalRegistry } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

// zod/mini loads no locale (classic zod sets English on first use). Our problem answers pass zod's messages
// through where a schema gives none of its own, so English is set here, where every schema of core and api
// starts; config is zod's one global setting and this is its only caller.
config(en());

/**
 * A copy of `schema` carrying OpenAPI metadata, as classic zod's `.meta()` made one: an `id` makes it a named
 * component of the document (`#/components/schemas/<id>`); `description` and `example` describe it where it is
 * used. A copy, so a shared schema (UlidSchema) is never relabelled for everyone, and not a check (zod/mini's
 * `z.meta()` is one), so `z.pick` and `z.omit` still accept the object.
 */
export function described<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = schema.clone();
  globalRegistry.add(copy, meta);
  return copy;
}

/** `z.coerce.number()`, built without the z.coerce namespace (see the imports). */
export const coercedNumber = (): z.ZodMiniNumber<unknown> => _coercedNumber(z.ZodMiniNumber);

const RFC3339_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/**
 * A date-time as RFC 3339 writes it, with its offset (`2026-12-06T08:30:00+08:00` or `…Z`), naming a real moment:
 * what `z.iso.datetime({ offset: true })` accepts, plus a calendar check (no 31 February).
 */
export function dateTimeWithOffset() {
  return described(
    z
      .string()
      .check(
        z.refine(
          (value) => RFC3339_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value)),
          'must be a date-time with its offset, like 2026-12-06T08:30:00+08:00',
        ),
      ),
    { format: 'date-time' },
  );
}

/** Shared field schemas, so every endpoint says the same thing about the same kind of value. */
export const UlidSchema = z
  .string()
  .check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID (26 characters)'));

/**
 * DynamoDB stores numbers between 1e-130 and 1e126 in magnitude and refuses the rest with a ValidationException,
 * so a number the schema admits must be one the table can hold. Below a ten-millionth of a degree (about a
 * centimetre) a coordinate is noise, so anything closer to zero than that (but not zero) is refused by name.
 */
export const SMALLEST_COORDINATE = 1e-7;
const coordinate = (limit: number) =>
  z.number().check(
    z.minimum(-limit),
    z.maximum(limit),
    z.refine(
      (value) => value === 0 || Math.abs(value) >= SMALLEST_COORDINATE,
      `must be 0 or at least ${SMALLEST_COORDINATE} away from it`,
    ),
  );

/** WGS-84; China spans roughly 3.8–53.6 N and 73.5–135.1 E, but counties' data may be imported from anywhere. */
export const LocationSchema = described(
  z.strictObject({
    lat: coordinate(90),
    lng: coordinate(180),
  }),
  { id: 'Location' },
);
export type Location = z.infer<typeof LocationSchema>;

// Tab, newline and carriage return are allowed (addresses and notes are pasted from spreadsheets); the rest
// of C0 and DEL are not, since they break CSV exports and printed notice boards.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Names a person types: trimmed, not empty, no control characters, a sane upper bound. */
export function textField(max: number) {
  return z.string().check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters'),
  );
}

export const VersionSchema = z.number().check(z.int(), z.minimum(1));

export const PHONE_PATTERN = /^[0-9+\-() ]{5,20}$/;
export const PhoneSchema = z.string().check(z.trim(), z.regex(PHONE_PATTERN, 'must be a phone number'));

export const ContactSchema = described(
  z.strictObject({
    name: z.optional(textField(50)),
    phone: z.optional(PhoneSchema),
  }),
  { id: 'Contact' },
);
