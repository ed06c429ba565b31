import * as z from 'zod/mini';
import { described } from './common-schemas.ts';

const Place = z.object({ lat: z.number(), lng: z.number() });

/** The feed's items, for the OpenAPI document (docs/exchange.md describes each field in prose). */
export const ExchangeRecordSchema = described(
  z.object({
    kind: described(z.enum(['risk-point', 'hazard']), { description: 'Which of the two shapes this is' }),
    id: z.string(),
    version: described(z.number(), {
      description: 'Rises with every change; keep the highest you have seen',
    }),
    updatedAt: z.string(),
    status: z.string(),
    name: z.optional(z.string()),
    title: z.optional(z.string()),
    description: z.optional(z.string()),
    unitId: z.string(),
    unitName: z.string(),
    industry: z.string(),
    gridId: z.string(),
    gridPath: z.string(),
    departmentId: z.optional(z.string()),
    riskPointId: z.optional(z.string()),
    location: z.optional(Place),
    address: z.optional(z.string()),
    color: z.optional(z.string()),
    assessment: z.optional(z.object({})),
    hazardFactors: z.optional(z.array(z.string())),
    accidentTypes: z.optional(z.array(z.string())),
    controlMeasures: z.optional(z.array(z.string())),
    emergencyMeasures: z.optional(z.array(z.string())),
    createdAt: z.optional(z.string()),
    severity: z.optional(z.string()),
    level: z.optional(z.string()),
    source: z.optional(z.string()),
    deadline: z.optional(z.string()),
    overdue: z.optional(z.boolean()),
    supervised: z.optional(z.boolean()),
    reportedAt: z.optional(z.string()),
    rectifiedAt: z.optional(z.string()),
    closedAt: z.optional(z.string()),
  }),
  { id: 'ExchangeRecord' },
);
