import * as z from 'zod/mini';

/**
 * An identity provider a cell trusts: Cognito (its Lite plan is enough, since tokens carry no custom claims),
 * or any standard OpenID Connect provider (Keycloak, a province's 统一身份认证 platform, a domestic IDaaS).
 * A token from it proves issuer + subject and nothing more; what the person may do comes from the county's
 * own records.
 */
export interface AuthProvider {
  /** Stable id, part of the subject-link key: renaming it orphans every link made through it. */
  id: string;
  /** What the login page shows on the provider's button. */
  name: string;
  /** The token's `iss`, exactly. */
  issuer: string;
  /** The app client the web logs in through; access tokens carry it in `client_id`. */
  clientId: string;
  /**
   * The `aud` an RFC 9068 JWT access token must carry for the county APIs. Absent: Cognito-shaped access
   * tokens (`token_use: access`, no `aud`).
   */
  audience?: string;
  /** Absent: read `jwks_uri` from the issuer's discovery document. */
  jwksUrl?: string;
  /**
   * The claim that holds `<tenant>:<username>` for first-login linking. It must be one the person cannot edit
   * (Cognito's `username`, an attribute only the operator writes): a user-editable claim would let anyone
   * claim anyone.
   */
  usernameClaim: string;
  /** Whether `POST /session` (username + password) goes through this provider. */
  passwordLogin: boolean;
  /** Whether the web offers the authorization-code login with this provider. */
  codeFlow: boolean;
  /**
   * The county's own directory (packages/identity `createCountyDirectory`): the county API issues the tokens
   * itself, `issuer` is the base of every county's issuer (`<issuer>/t/<county>/api/v1`), and the keys are the
   * county's own, read from its partition, never fetched.
   */
  selfIssued?: boolean;
}

/** Which providers the cell trusts, and which of them each county accepts. */
export interface AuthProvidersConfig {
  providers: AuthProvider[];
  /** County id → provider ids. A county not listed accepts `defaultAccepted`. */
  counties: Record<string, string[]>;
  defaultAccepted: string[];
}

/** The one provider of a cell configured before AUTH_PROVIDERS existed: its Cognito pool, by password. */
export const DEFAULT_PROVIDER_ID = 'cognito';

/** The provider of every county in a cell of county directories: passwords at `POST /session`, tokens of its own. */
export const COUNTY_DIRECTORY_PROVIDER_ID = 'directory';

const PROVIDER_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export const AuthProviderSchema = z.strictObject({
  id: z.string().check(z.regex(PROVIDER_ID_PATTERN, 'must be 1-32 lowercase letters, digits or dashes')),
  name: z.string().check(z.minLength(1), z.maxLength(50)),
  issuer: z.url(),
  clientId: z.string().check(z.minLength(1)),
  audience: z.optional(z.string().check(z.minLength(1))),
  jwksUrl: z.optional(z.url()),
  usernameClaim: z.string().check(z.minLength(1)),
  passwordLogin: z.boolean(),
  codeFlow: z.boolean(),
  selfIssued: z.optional(z.boolean()),
});

export const AuthProvidersConfigSchema = z
  .strictObject({
    providers: z.array(AuthProviderSchema).check(z.minLength(1)),
    counties: z._default(z.record(z.string(), z.array(z.string())), {}),
    defaultAccepted: z.array(z.string()),
  })
  .check(
    z.refine((config) => {
      const ids = new Set(config.providers.map((provider) => provider.id));
      const named = [...config.defaultAccepted, ...Object.values(config.counties).flat()];
      return ids.size === config.providers.length && named.every((id) => ids.has(id));
    }, 'provider ids must be unique, and every accepted id must name a provider'),
    z.refine(
      (config) => new Set(config.providers.map((p) => p.issuer)).size === config.providers.length,
      'two providers share an issuer: a token could not tell which one it came from',
    ),
    z.refine(
      (config) => config.providers.filter((p) => p.passwordLogin).length <= 1,
      'at most one provider may take passwords: POST /session talks to one user directory',
    ),
  );

/**
 * Parses the cell's provider list (the AUTH_PROVIDERS variable), failing loudly with every problem at once:
 * a mistyped list must stop the function at start, not refuse every login later.
 */
export function parseAuthProvidersConfig(json: string): AuthProvidersConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error('AUTH_PROVIDERS is not valid JSON.', { cause: error });
  }
  const parsed = AuthProvidersConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`AUTH_PROVIDERS is invalid: ${problems.join('; ')}`);
  }
  return parsed.data as AuthProvidersConfig;
}

/** The providers a county accepts, in the cell's order. */
export function acceptedProviders(config: AuthProvidersConfig, tenant: string): AuthProvider[] {
  const ids = config.counties[tenant] ?? config.defaultAccepted;
  return config.providers.filter((provider) => ids.includes(provider.id));
}

/** What the login page of a county shows: the password form, and a button per code-flow provider. */
export function loginOptions(config: AuthProvidersConfig, tenant: string) {
  const accepted = acceptedProviders(config, tenant);
  return {
    passwordLogin: accepted.some((provider) => provider.passwordLogin),
    providers: accepted
      .filter((provider) => provider.codeFlow)
      .map(({ id, name, issuer, clientId }) => ({ id, name, issuer, clientId })),
  };
}

/**
 * The username a first login may link by: the provider's configured claim, and only when it is qualified with
 * this county (`<tenant>:<username>`). Anything else links nobody.
 */
export function linkableUsername(
  provider: AuthProvider,
  claims: Record<string, unknown>,
  tenant: string,
): string | undefined {
  const value = claims[provider.usernameClaim];
  if (typeof value !== 'string') return undefined;
  const prefix = `${tenant}:`;
  if (!value.startsWith(prefix)) return undefined;
  const username = value.slice(prefix.length);
  return username.length > 0 ? username : undefined;
}
