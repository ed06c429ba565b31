import { PasswordSchema, USERNAME_PATTERN } from '@gridsafe/core';
import * as z from 'zod/mini';

// The directory holds who someone is, never what they may do: role and scope live in the county's own records
// (docs/decisions.md, "Identity: authorization from the county's records"), so the service takes neither.
// The county API validates the same fields before it calls; checking again here keeps a compromised or buggy
// county function from writing what the county API would never send.
const displayName = z.string().check(z.minLength(1), z.maxLength(50));

export const DirectoryUsernameSchema = z
  .string()
  .check(z.regex(USERNAME_PATTERN, 'must be 3-64 lowercase letters, digits, dot, dash or underscore'));

export const CreateDirectoryUserSchema = z.strictObject({
  username: DirectoryUsernameSchema,
  password: PasswordSchema,
  temporary: z._default(z.boolean(), true),
  displayName: z.optional(displayName),
});

export const UpdateDirectoryUserSchema = z.strictObject({
  displayName: z.optional(displayName),
});

export const SetDirectoryPasswordSchema = z.strictObject({
  password: PasswordSchema,
  temporary: z.boolean(),
});

export const SetDirectoryEnabledSchema = z.strictObject({ enabled: z.boolean() });
