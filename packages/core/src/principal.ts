import { z } from 'zod';
import { GRANT_PATTERN, ROLES } from './roles.ts';

export * from './roles.ts';

export const RoleSchema = z.enum(ROLES);
export const GrantStringSchema = z
  .string()
  .regex(GRANT_PATTERN, 'must look like grid:<id>, dept:<id> or unit:<id>');
