import { ConflictError, coercedNumber, described, ValidationError } from '@gridsafe/core';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from './app-env.ts';
import { ProblemSchema } from './problem.ts';

export const PageQuerySchema = z.object({
  limit: described(z._default(coercedNumber().check(z.int(), z.minimum(1), z.maximum(100)), 50), {
    description: 'Page size, at most 100',
  }),
  // A sealed cursor is base64url of ~200 bytes; anything else is refused before any key is looked at.
  cursor: described(
    z.optional(
      z.string().check(z.maxLength(2048), z.regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor this API issued')),
    ),
    {
      description:
        'The nextCursor of the previous page of the same list: opaque, valid only for this county and this list',
    },
  ),
});

export function pageOf<T extends z.ZodMiniType>(item: T, name: string) {
  return described(z.object({ items: z.array(item), nextCursor: z.optional(z.string()) }), { id: name });
}

/** A record id. Filters and path parameters are ids: anything else is a 400 naming the parameter, never a query
 * with a bogus key. */
export const IdQuery = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID'));

export const IdParamSchema = z.object({
  id: described(IdQuery, { example: '01JD5Y7ZK3QF8W0M2N4P6R8T0V' }),
});

/** A position as answers carry it (requests use core's LocationSchema, which also bounds it). */
export const LocationOut = z.object({ lat: z.number(), lng: z.number() });

/** A documented problem+json answer. */
export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The error answers every authenticated endpoint can give, documented once. */
export const COMMON_ERRORS = {
  400: problem('Invalid input: each bad field is named in `errors`'),
  401: problem('No valid access token'),
  403: problem('Not allowed for this role or outside the caller’s area'),
  404: problem('Absent, or in another county'),
} as const;

export const WRITE_ERRORS = {
  ...COMMON_ERRORS,
  409: problem('Stale version, duplicate, or wrong state'),
} as const;

export const VersionHeaderSchema = z.object({
  'if-match': described(z.optional(z.string()), {
    description: 'The version the client last saw; a stale one answers 409',
  }),
});

export const IdempotencyHeaderSchema = z.object({
  'idempotency-key': described(z.optional(z.string().check(z.minLength(8), z.maxLength(128))), {
    description: 'A retry with the same key returns the first answer instead of creating twice',
  }),
});

/**
 * The version a state change must apply to: `If-Match` or the body's `version`. Without either we lock
 * against the version just read, which still prevents lost updates between our read and our write.
 */
export function expectedVersion(
  c: Context<AppEnv>,
  bodyVersion: number | undefined,
  currentVersion: number,
  // Records start at version 1; a county's settings start at 0 (the defaults, never written).
  lowest = 1,
): number {
  const header = c.req.header('if-match');
  let fromHeader: number | undefined;
  if (header !== undefined) {
    fromHeader = Number(header.replace(/^W\//, '').replaceAll('"', ''));
    if (!Number.isInteger(fromHeader) || fromHeader < lowest) {
      throw new ValidationError([{ path: 'header.if-match', message: 'must be a version number' }]);
    }
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw new ValidationError([{ path: 'version', message: 'disagrees with the If-Match header' }]);
  }
  const expected = fromHeader ?? bodyVersion ?? currentVersion;
  if (expected !== currentVersion) {
    throw new ConflictError(
      `The record is at version ${currentVersion}; you sent changes for version ${expected}.`,
      'stale_version',
    );
  }
  return expected;
}

/** A JSON response for a route's OpenAPI description. */
export const json = <T extends z.ZodMiniType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
