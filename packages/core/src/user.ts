import * as z from 'zod/mini';
import { described, PhoneSchema, textField, UlidSchema } from './common-schemas.ts';
import { GrantStringSchema, RoleSchema } from './principal.ts';
import { ROLES, type Role } from './roles.ts';

/** Roles a county may hand out: the vendor's operators are created by the platform, never by a county. */
const CountyRoleSchema = z.enum(
  ROLES.filter((role): role is Exclude<Role, 'vendor_operator'> => role !== 'vendor_operator'),
);

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
  /**
   * The provider accounts this person logs in with. Each has a subject-link item in the county's partition
   * (db: subject-link-repository.ts) that is written in the same transaction as every change to the person.
   */
  identities?: SubjectIdentity[];
  /**
   * Records written before identities existed held only the password directory's subject here, and data of
   * theirs (idempotency records, read marks) was keyed by it. Kept as a historical fact; never written anew.
   */
  sub?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One provider account of a person: the provider's id (see AuthProvider) and the token's `sub`. */
export interface SubjectIdentity {
  provider: string;
  subject: string;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export const UserSchema = described(
  z.object({
    id: UlidSchema,
    username: z.string(),
    displayName: z.string(),
    role: RoleSchema,
    scope: z.array(z.string()),
    phone: z.optional(z.string()),
    enabled: z.boolean(),
    version: z.number().check(z.int()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'User' },
);

/** Cognito's default policy: 8+ characters with upper, lower and a digit. */
export const PasswordSchema = z
  .string()
  .check(
    z.minLength(8, 'must be at least 8 characters'),
    z.maxLength(128),
    z.regex(/[a-z]/, 'must contain a lowercase letter'),
    z.regex(/[A-Z]/, 'must contain an uppercase letter'),
    z.regex(/\d/, 'must contain a digit'),
  );

export const CreateUserSchema = described(
  z.strictObject({
    username: z
      .string()
      .check(z.regex(USERNAME_PATTERN, 'must be 3-64 lowercase letters, digits, dot, dash or underscore')),
    displayName: textField(50),
    role: CountyRoleSchema,
    scope: z._default(z.array(GrantStringSchema).check(z.maxLength(20)), []),
    phone: z.optional(PhoneSchema),
    /**
     * Required where the county signs in with passwords; absent where it signs in only at an OpenID provider
     * (a China cell), whose account links to this person at the first login.
     */
    password: z.optional(PasswordSchema),
  }),
  { id: 'CreateUser' },
);

export const UpdateUserSchema = described(
  z.strictObject({
    displayName: z.optional(textField(50)),
    role: z.optional(CountyRoleSchema),
    scope: z.optional(z.array(GrantStringSchema).check(z.maxLength(20))),
    phone: z.optional(PhoneSchema),
    enabled: z.optional(z.boolean()),
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  { id: 'UpdateUser' },
);

/**
 * A password the county admin sets for a person who forgot theirs. Temporary by default: the person must choose
 * their own at the next login, so the admin never keeps knowing a working password.
 */
export const ResetPasswordSchema = described(
  z.strictObject({
    password: PasswordSchema,
    temporary: z._default(z.boolean(), true),
  }),
  { id: 'ResetPassword' },
);
