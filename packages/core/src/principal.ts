import * as z from 'zod/mini';
import { GRANT_PATTERN, ROLES } from './roles.ts';

export * from './roles.ts';

export const RoleSchema = z.enum(ROLES);
export const GrantStringSchema = z
  .string()
  .check(z.regex(GRANT_PATTERN, 'must look like grid:<id>, dept:<id> or unit:<id>'));
