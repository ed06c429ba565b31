import * as z from 'zod/mini';
import { described, textField, UlidSchema } from './common-schemas.ts';

/**
 * An industry department (行业主管部门) supervises a set of industries county-wide: the second, flat axis of
 * responsibility beside the regional grid.
 */
export interface Department {
  id: string;
  name: string;
  industries: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const IndustryCodeSchema = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9_]{1,47}$/, 'must be an industry code like gas_station'));

export const DepartmentSchema = described(
  z.object({
    id: UlidSchema,
    name: z.string(),
    industries: z.array(z.string()),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'Department' },
);

export const CreateDepartmentSchema = described(
  z.strictObject({
    name: textField(60),
    industries: z._default(z.array(IndustryCodeSchema).check(z.maxLength(100)), []),
  }),
  { id: 'CreateDepartment' },
);

/**
 * A new name or a new set of industries. A changed set decides the department of units registered from now on;
 * units already registered keep theirs until the county moves them (separation of duties).
 */
export const UpdateDepartmentSchema = described(
  z.strictObject({
    name: z.optional(textField(60)),
    industries: z.optional(z.array(IndustryCodeSchema).check(z.maxLength(100))),
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  { id: 'UpdateDepartment' },
);

/**
 * The department that supervises an industry. When two claim the same industry, the one created first wins,
 * so the answer never flips between requests.
 */
export function departmentForIndustry(
  departments: readonly Department[],
  industry: string,
): Department | undefined {
  return [...departments]
    .filter((department) => department.industries.includes(industry))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))[0];
}
