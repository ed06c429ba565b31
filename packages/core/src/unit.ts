import * as z from 'zod/mini';
import { ContactSchema, described, LocationSchema, textField, UlidSchema } from './common-schemas.ts';
import { CREDIT_LEVELS } from './credit.ts';
import { creditCodeProblem, normalizeCreditCode } from './credit-code.ts';
import { IndustryCodeSchema } from './department.ts';
import { ForbiddenError } from './errors.ts';
import type { Principal } from './principal.ts';
import { type UnitLifecycle, UnitStatusDescription, UnitStatusFields } from './unit-lifecycle.ts';

export const SUPERVISION_LEVELS = ['county', 'township', 'village'] as const;
export const SupervisionLevelSchema = z.enum(SUPERVISION_LEVELS);

/**
 * A production or business unit (生产经营单位): an enterprise or a small venue. It sits in exactly one village
 * grid and answers to one supervising department, derived from its industry unless a county overrides it.
 */
export interface Unit extends UnitLifecycle {
  id: string;
  name: string;
  /** Absent for a unit registered without a business licence (无证照, `unlicensed`). */
  creditCode?: string;
  /** Registered without a credit code: a 无证照 venue (matched by name and village on import). */
  unlicensed?: boolean;
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

/** A credit level by name (credit.ts); here so the units list needs none of the credit schemas. */
export const UnitCreditLevelSchema = z.enum(CREDIT_LEVELS);

export const UnitSchema = described(
  z.object({
    id: UlidSchema,
    name: z.string(),
    creditCode: z.optional(z.string()),
    unlicensed: described(z.optional(z.boolean()), {
      description: 'Registered without a business licence (无证照): no credit code',
    }),
    status: UnitStatusDescription,
    statusReason: z.optional(z.string()),
    statusChangedAt: described(z.optional(z.string()), { description: 'When the status last changed' }),
    allowedStatuses: described(z.optional(z.array(UnitStatusDescription)), {
      description: 'The statuses the caller may move this unit to (on the unit itself, not in lists)',
    }),
    industry: z.string(),
    gridId: UlidSchema,
    gridPath: z.string(),
    departmentId: z.optional(UlidSchema),
    departmentOverridden: z.boolean(),
    supervisionLevel: SupervisionLevelSchema,
    address: z.optional(z.string()),
    location: z.optional(LocationSchema),
    contact: z.optional(ContactSchema),
    credit: described(z.optional(z.object({ level: UnitCreditLevelSchema, score: z.number() })), {
      description: 'The credit badge (credit level and score), in lists asked with include=credit',
    }),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'Unit' },
);

export const CreateUnitSchema = described(
  z.strictObject({
    name: textField(100),
    /** Required unless `unlicensed` is true (checked by `unlicensedProblem`). */
    creditCode: z.optional(CreditCodeSchema),
    unlicensed: z.optional(z.boolean()),
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

/**
 * A unit either has a credit code or is registered as 无证照 (`unlicensed: true`), never both and never
 * neither: a forgotten code must not silently register an unlicensed venue.
 */
export function unlicensedProblem(input: Pick<CreateUnitInput, 'creditCode' | 'unlicensed'>) {
  if (input.unlicensed === true && input.creditCode)
    return { path: 'creditCode', message: 'an unlicensed (无证照) unit has no credit code' };
  if (input.unlicensed !== true && !input.creditCode)
    return { path: 'creditCode', message: 'required (or register the unit as unlicensed 无证照)' };
  return undefined;
}

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
    ...UnitStatusFields,
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  { id: 'UpdateUnit' },
);
export type UpdateUnitInput = z.infer<typeof UpdateUnitSchema>;

/** Who inspects a unit, highest first: lowering it hands the unit to a lower level's inspectors. */
const LEVEL_RANK: Record<(typeof SUPERVISION_LEVELS)[number], number> = {
  county: 3,
  township: 2,
  village: 1,
};

/**
 * A unit's supervising department and its supervision level are the county's call (documented in the grid
 * brief): only the county admin overrides the department, changes it through the industry, or lowers the level.
 * Anyone who may edit the unit may raise its level (more scrutiny, never less).
 */
export function assertSupervisionChange(
  principal: Pick<Principal, 'role'>,
  before: Pick<Unit, 'departmentId' | 'departmentOverridden' | 'supervisionLevel'>,
  after: Pick<Unit, 'departmentId' | 'departmentOverridden' | 'supervisionLevel'>,
): void {
  if (principal.role === 'county_admin') return;
  if (
    before.departmentId !== after.departmentId ||
    before.departmentOverridden !== after.departmentOverridden
  ) {
    throw new ForbiddenError("A unit's supervising department is set by the county.", 'county_decision');
  }
  if (LEVEL_RANK[after.supervisionLevel] < LEVEL_RANK[before.supervisionLevel]) {
    throw new ForbiddenError("Only the county lowers a unit's supervision level.", 'county_decision');
  }
}
