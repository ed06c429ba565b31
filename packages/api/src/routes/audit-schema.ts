import { z } from 'zod';

export const AuditEventSchema = z
  .object({
    entityType: z.string(),
    entityId: z.string(),
    seq: z.number().int(),
    at: z.string(),
    actor: z.object({ id: z.string(), username: z.string(), role: z.string() }),
    action: z.string(),
    changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).optional(),
    reason: z.string().optional(),
    location: z.object({ lat: z.number(), lng: z.number() }).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent' });

export const AuditTrailSchema = z
  .object({
    items: z.array(AuditEventSchema),
    chain: z.union([
      z.object({ intact: z.literal(true), length: z.number().int() }),
      z.object({ intact: z.literal(false), brokenAt: z.number().int(), reason: z.string() }),
    ]),
  })
  .meta({ id: 'AuditTrail' });
