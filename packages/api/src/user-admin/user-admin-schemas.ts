import { GrantStringSchema, PasswordSchema, RoleSchema, USERNAME_PATTERN } from '@gridsafe/core';
import * as z from 'zod/mini';

/** A county's people only: the vendor's operators live in the control plane's own pool. */
const CountyRoleSchema = RoleSchema.check(
  z.refine((role) => role !== 'vendor_operator', 'is not a role a county may hand out'),
);

// The county API validates the same fields before it calls; checking again here keeps a compromised or buggy
// county function from writing what the county API would never send.
const scopes = z.array(GrantStringSchema).check(z.maxLength(20));
const displayName = z.string().check(z.minLength(1), z.maxLength(50));

export const DirectoryUsernameSchema = z
  .string()
  .check(z.regex(USERNAME_PATTERN, 'must be 3-64 lowercase letters, digits, dot, dash or underscore'));

export const CreateDirectoryUserSchema = z.strictObject({
  username: DirectoryUsernameSchema,
  password: PasswordSchema,
  temporary: z._default(z.boolean(), true),
  role: CountyRoleSchema,
  scopes,
  displayName: z.optional(displayName),
});

export const UpdateDirectoryUserSchema = z.strictObject({
  role: z.optional(CountyRoleSchema),
  scopes: z.optional(scopes),
  displayName: z.optional(displayName),
});

export const SetDirectoryPasswordSchema = z.strictObject({
  password: PasswordSchema,
  temporary: z.boolean(),
});

export const SetDirectoryEnabledSchema = z.strictObject({ enabled: z.boolean() });
