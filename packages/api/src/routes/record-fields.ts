import { described } from '@gridsafe/core';
import * as z from 'zod/mini';
import { LocationOut } from '../http-helpers.ts';

/** What every versioned record ends with: the version the optimistic lock compares, and when it was written. */
export const VERSIONED_FIELDS = {
  version: z.number().check(z.int()),
  createdAt: z.string(),
  updatedAt: z.string(),
};

/** Where a unit's record sits, copied from the unit so lists narrow by place and scope checks need no read. */
export const UNIT_PLACE_FIELDS = {
  unitId: z.string(),
  unitName: z.string(),
  industry: z.string(),
  gridId: z.string(),
  gridPath: z.string(),
  departmentId: z.optional(z.string()),
};

/** A photo of evidence as records keep it (see evidence.ts): what was announced, and when it was verified. */
export const PHOTO_FIELDS = {
  id: z.string(),
  key: z.string(),
  contentType: z.string(),
  size: z.number().check(z.int()),
  sha256: z.string(),
  status: z.enum(['pending', 'verified']),
  takenAt: z.optional(z.string()),
  location: z.optional(LocationOut),
  requestedAt: z.string(),
  verifiedAt: z.optional(z.string()),
};

/** The steps the caller may take on a record now, on a single record's answers (so a client draws only those). */
export function allowedActionsField<const A extends readonly [string, ...string[]]>(
  actions: A,
  description: string,
) {
  return described(z.optional(z.array(z.enum(actions))), { description });
}
