import { z } from 'zod';
import { textField, UlidSchema } from './common-schemas.ts';

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
  .regex(/^[a-z][a-z0-9_]{1,47}$/, 'must be an industry code like gas_station');

export const DepartmentSchema = z
  .object({
    id: UlidSchema,
    name: z.string(),
    industries: z.array(z.string()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Department' });

export const CreateDepartmentSchema = z
  .strictObject({
    name: textField(60),
    industries: z.array(IndustryCodeSchema).max(100).default([]),
  })
  .meta({ id: 'CreateDepartment' });

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
