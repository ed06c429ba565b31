import * as z from 'zod/mini';
import { ContactSchema, described, LocationSchema, textField, UlidSchema } from './common-schemas.ts';
import { creditCodeProblem, normalizeCreditCode } from './credit-code.ts';
import { IndustryCodeSchema } from './department.ts';

export const SUPERVISION_LEVELS = ['county', 'township', 'village'] as const;
export const SupervisionLevelSchema = z.enum(SUPERVISION_LEVELS);

/**
 * A production or business unit (生产经营单位): an enterprise or a small venue. It sits in exactly one village
 * grid and answers to one supervising department, derived from its industry unless a county overrides it.
 */
export interface Unit {
  id: string;
  name: string;
  creditCode: string;
  industry: string;
  gridId: string;
  /** Denormalised from the village node so subtree lists and scope checks need no extra read. */
  gridPath: string;
  departmentId?: string;
  departmentOverridden: boolean;
  supervisionLevel: (typeof SUPERVISION_LEVELS)[number];
  address?: string;
  location?: { lat: number; lng: number };
  contact?: { name?: string; phone?: string };
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const CreditCodeSchema = z.pipe(z.string(), z.transform(normalizeCreditCode)).check(
  z.superRefine((code, ctx) => {
    const problem = creditCodeProblem(code);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

export const UnitSchema = described(
  z.object({
    id: UlidSchema,
    name: z.string(),
    creditCode: z.string(),
    industry: z.string(),
    gridId: UlidSchema,
    gridPath: z.string(),
    departmentId: z.optional(UlidSchema),
    departmentOverridden: z.boolean(),
    supervisionLevel: SupervisionLevelSchema,
    address: z.optional(z.string()),
    location: z.optional(LocationSchema),
    contact: z.optional(ContactSchema),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'Unit' },
);

export const CreateUnitSchema = described(
  z.strictObject({
    name: textField(100),
    creditCode: CreditCodeSchema,
    industry: IndustryCodeSchema,
    gridId: UlidSchema,
    address: z.optional(textField(200)),
    location: z.optional(LocationSchema),
    departmentId: z.optional(UlidSchema),
    supervisionLevel: z._default(SupervisionLevelSchema, 'village'),
    contact: z.optional(ContactSchema),
  }),
  { id: 'CreateUnit' },
);
export type CreateUnitInput = z.infer<typeof CreateUnitSchema>;

export const UpdateUnitSchema = described(
  z.strictObject({
    name: z.optional(textField(100)),
    industry: z.optional(IndustryCodeSchema),
    gridId: z.optional(UlidSchema),
    address: z.optional(textField(200)),
    location: z.optional(LocationSchema),
    /** `null` clears an override so the department follows the industry again. */
    departmentId: z.optional(z.nullable(UlidSchema)),
    supervisionLevel: z.optional(SupervisionLevelSchema),
    contact: z.optional(ContactSchema),
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  { id: 'UpdateUnit' },
);
export type UpdateUnitInput = z.infer<typeof UpdateUnitSchema>;
