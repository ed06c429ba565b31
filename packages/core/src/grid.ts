import * as z from 'zod/mini';
import { described, PhoneSchema, textField, UlidSchema } from './common-schemas.ts';
import { ValidationError } from './errors.ts';

export const GRID_LEVELS = ['county', 'township', 'village'] as const;
export const GridLevelSchema = z.enum(GRID_LEVELS);
export type GridLevel = z.infer<typeof GridLevelSchema>;

/**
 * A node of the county's regional grid. `path` is the materialized path of ids from the county root
 * (`<county>/<township>/<village>`): a subtree is every node whose path starts with the ancestor's path, so
 * it is read with one `begins_with` query, and "is X inside Y" is a string test with no reads at all.
 */
export interface GridNode {
  id: string;
  level: GridLevel;
  name: string;
  /** Administrative division code (统计用区划代码) where known; counties use them in their spreadsheets. */
  code?: string;
  parentId?: string;
  path: string;
  /** Who answers for the node (网格负责人) and how to reach them; nodes made before it existed have none. */
  responsible?: GridResponsible;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The person answering for a grid node, as the county's roster names them. */
export const GridResponsibleSchema = described(z.strictObject({ name: textField(50), phone: PhoneSchema }), {
  id: 'GridResponsible',
});
export type GridResponsible = z.infer<typeof GridResponsibleSchema>;

export const GridNodeSchema = described(
  z.object({
    id: UlidSchema,
    level: GridLevelSchema,
    name: z.string(),
    code: z.optional(z.string()),
    parentId: z.optional(UlidSchema),
    path: z.string(),
    responsible: z.optional(GridResponsibleSchema),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'GridNode' },
);

export const DivisionCodeSchema = z
  .string()
  .check(z.regex(/^\d{6}(\d{3}(\d{3})?)?$/, 'must be a 6, 9 or 12 digit division code'));

export const CreateGridSchema = described(
  z.strictObject({
    name: textField(60),
    level: z.enum(['township', 'village']),
    parentId: UlidSchema,
    code: z.optional(DivisionCodeSchema),
    responsible: z.optional(GridResponsibleSchema),
  }),
  { id: 'CreateGrid' },
);

export const UpdateGridSchema = described(
  z.strictObject({
    name: z.optional(textField(60)),
    code: z.optional(DivisionCodeSchema),
    /** Moving a village to another township carries its units, risk points and hazards with it. */
    parentId: z.optional(UlidSchema),
    responsible: z.optional(GridResponsibleSchema),
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  { id: 'UpdateGrid' },
);

export const PARENT_LEVEL: Record<GridLevel, GridLevel | undefined> = {
  county: undefined,
  township: 'county',
  village: 'township',
};

export function pathOf(parent: Pick<GridNode, 'path'> | undefined, id: string): string {
  return parent ? `${parent.path}/${id}` : id;
}

export function ancestorIds(path: string): string[] {
  return path.split('/');
}

/** True when `path` is the node `ancestorPath` or below it. Ids are fixed-length, so no `abc`/`abcd` overlap. */
export function isWithin(path: string, ancestorPath: string): boolean {
  return path === ancestorPath || path.startsWith(`${ancestorPath}/`);
}

/** A child must sit exactly one level below its parent. */
export function assertValidParent(
  level: GridLevel,
  parent: Pick<GridNode, 'level'>,
  field = 'parentId',
): void {
  if (PARENT_LEVEL[level] !== parent.level) {
    throw new ValidationError([
      {
        path: field,
        message: `a ${level} must be placed under a ${PARENT_LEVEL[level] ?? 'nothing'}, not a ${parent.level}`,
      },
    ]);
  }
}
