import { described } from '@gridsafe/core';
import * as z from 'zod/mini';

export const AuditEventSchema = described(
  z.object({
    entityType: z.string(),
    entityId: z.string(),
    seq: z.number().check(z.int()),
    at: z.string(),
    actor: z.object({ id: z.string(), username: z.string(), role: z.string() }),
    action: z.string(),
    changes: z.optional(z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }))),
    reason: z.optional(z.string()),
    location: z.optional(z.object({ lat: z.number(), lng: z.number() })),
    details: z.optional(z.record(z.string(), z.unknown())),
    prevHash: z.string(),
    hash: z.string(),
  }),
  { id: 'AuditEvent' },
);

export const AuditTrailSchema = described(
  z.object({
    items: z.array(AuditEventSchema),
    chain: z.union([
      z.object({ intact: z.literal(true), length: z.number().check(z.int()) }),
      z.object({ intact: z.literal(false), brokenAt: z.number().check(z.int()), reason: z.string() }),
    ]),
  }),
  { id: 'AuditTrail' },
);
