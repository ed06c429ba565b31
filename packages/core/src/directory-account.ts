/**
 * What a county's own directory keeps in the county's partition (packages/identity `createCountyDirectory`,
 * packages/db `DirectoryRepository`): shapes only, so the two adapters agree without depending on each other.
 */

/** A JSON Web Key's members (RFC 7517), as a library exports and imports them. */
export type JsonWebKeyFields = { kty?: string; kid?: string; alg?: string; use?: string } & Record<
  string,
  unknown
>;

/** A signing key of one county: ES256, its private part never leaves the county's partition and its API. */
export interface DirectorySigningKey {
  kid: string;
  /** JSON Web Keys (RFC 7517): the pair as jose exports it. */
  privateJwk: JsonWebKeyFields;
  publicJwk: JsonWebKeyFields;
  createdAt: string;
}

/** A person's credentials in their county's own directory (the county's partition of the table). */
export interface DirectoryAccount {
  /** `<tenant>:<username>`, as typed when the account was made. */
  username: string;
  /** The token subject: random, never reused, never the username. */
  sub: string;
  enabled: boolean;
  passwordHash: string;
  /** Handed over by someone else (onboarding, a reset): the person must choose their own at the next login. */
  temporary: boolean;
  displayName?: string;
  /** A TOTP secret; `enabled` once the person's first code was right. */
  totp?: { secret: string; enabled: boolean };
  /** Refresh tokens issued before this instant are refused: a password reset or disabling ends every session. */
  sessionsValidFrom?: string;
  createdAt: string;
}

export interface DirectoryRefreshToken {
  username: string;
  /** Epoch seconds; TTL removes the record after it. */
  expiresAt: number;
  issuedAt: string;
}

/** Storage of one county's directory (packages/db `DirectoryRepository`). Usernames are the `<tenant>:<name>` form. */
export interface DirectoryStore {
  getAccount(username: string): Promise<DirectoryAccount | undefined>;
  /** ConflictError `username_taken` when the username exists (case-insensitively). */
  createAccount(account: DirectoryAccount): Promise<void>;
  /** NotFoundError when the account does not exist. */
  updateAccount(
    username: string,
    changes: Partial<Omit<DirectoryAccount, 'username' | 'sub' | 'createdAt'>>,
  ): Promise<void>;
  listUsernames(page: {
    cursor?: string;
    limit: number;
  }): Promise<{ usernames: string[]; nextCursor?: string }>;
  signingKeys(): Promise<DirectorySigningKey[]>;
  /** Adds a key unless one exists already (two cold starts at once keep one); answers the keys after. */
  addSigningKey(key: DirectorySigningKey): Promise<DirectorySigningKey[]>;
  putRefreshToken(tokenHash: string, record: DirectoryRefreshToken): Promise<void>;
  getRefreshToken(tokenHash: string): Promise<DirectoryRefreshToken | undefined>;
  deleteRefreshToken(tokenHash: string): Promise<void>;
}
