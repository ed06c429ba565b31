import { z } from 'zod';
import { ContactSchema, LocationSchema, textField, UlidSchema } from './common-schemas.ts';
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

export const CreditCodeSchema = z
  .string()
  .transform(normalizeCreditCode)
  .superRefine((code, ctx) => {
    const problem = creditCodeProblem(code);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const UnitSchema = z
  .object({
    id: UlidSchema,
    name: z.string(),
    creditCode: z.string(),
    industry: z.string(),
    gridId: UlidSchema,
    gridPath: z.string(),
    departmentId: UlidSchema.optional(),
    departmentOverridden: z.boolean(),
    supervisionLevel: SupervisionLevelSchema,
    address: z.string().optional(),
    location: LocationSchema.optional(),
    contact: ContactSchema.optional(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Unit' });

export const CreateUnitSchema = z
  .strictObject({
    name: textField(100),
    creditCode: CreditCodeSchema,
    industry: IndustryCodeSchema,
    gridId: UlidSchema,
    address: textField(200).optional(),
    location: LocationSchema.optional(),
    departmentId: UlidSchema.optional(),
    supervisionLevel: SupervisionLevelSchema.default('village'),
    contact: ContactSchema.optional(),
  })
  .meta({ id: 'CreateUnit' });
export type CreateUnitInput = z.infer<typeof CreateUnitSchema>;

export const UpdateUnitSchema = z
  .strictObject({
    name: textField(100).optional(),
    industry: IndustryCodeSchema.optional(),
    gridId: UlidSchema.optional(),
    address: textField(200).optional(),
    location: LocationSchema.optional(),
    /** `null` clears an override so the department follows the industry again. */
    departmentId: UlidSchema.nullable().optional(),
    supervisionLevel: SupervisionLevelSchema.optional(),
    contact: ContactSchema.optional(),
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'UpdateUnit' });
export type UpdateUnitInput = z.infer<typeof UpdateUnitSchema>;
