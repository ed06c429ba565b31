import { z } from 'zod';
import { PhoneSchema, textField, UlidSchema } from './common-schemas.ts';
import { GrantStringSchema, RoleSchema } from './principal.ts';

/** A person of the county. Credentials live in the user directory (Cognito); this is the county's record. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  role: z.infer<typeof RoleSchema>;
  /** `grid:<id>`, `dept:<id>`, `unit:<id>`; a person may hold several. */
  scope: string[];
  phone?: string;
  enabled: boolean;
  /** The user directory's subject id, the `sub` of this person's tokens. */
  sub: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export const UserSchema = z
  .object({
    id: UlidSchema,
    username: z.string(),
    displayName: z.string(),
    role: RoleSchema,
    scope: z.array(z.string()),
    phone: z.string().optional(),
    enabled: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User' });

/** Cognito's default policy: 8+ characters with upper, lower and a digit. */
export const PasswordSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128)
  .regex(/[a-z]/, 'must contain a lowercase letter')
  .regex(/[A-Z]/, 'must contain an uppercase letter')
  .regex(/\d/, 'must contain a digit');

export const CreateUserSchema = z
  .strictObject({
    username: z
      .string()
      .regex(USERNAME_PATTERN, 'must be 3-64 lowercase letters, digits, dot, dash or underscore'),
    displayName: textField(50),
    role: RoleSchema.exclude(['vendor_operator']),
    scope: z.array(GrantStringSchema).max(20).default([]),
    phone: PhoneSchema.optional(),
    password: PasswordSchema,
  })
  .meta({ id: 'CreateUser' });

export const UpdateUserSchema = z
  .strictObject({
    displayName: textField(50).optional(),
    role: RoleSchema.exclude(['vendor_operator']).optional(),
    scope: z.array(GrantStringSchema).max(20).optional(),
    phone: PhoneSchema.optional(),
    enabled: z.boolean().optional(),
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'UpdateUser' });
