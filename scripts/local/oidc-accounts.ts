import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashPassword, verifyPassword } from '@gridsafe/identity';

/**
 * The local OpenID provider's own people: a username, a password hash and an account id. The account id is
 * the provider's `sub`, minted here and unrelated to the Cognito-protocol issuer's subs, as a province's
 * 统一身份认证 platform would know nothing of Cognito: the county API links it to its person on first use.
 */
export interface OidcAccount {
  id: string;
  /** Tenant-qualified, `<county>:<username>`, the shape the county API links by. */
  username: string;
  passwordHash: string;
}

export class OidcAccountStore {
  readonly #accounts = new Map<string, OidcAccount>();
  readonly #byUsername = new Map<string, OidcAccount>();
  /** A hash of nothing anyone knows: an unknown username costs the same scrypt run as a known one. */
  readonly #decoyHash = hashPassword(randomBytes(24).toString('base64url'));

  /** @param file where the accounts are kept between runs; absent keeps them in memory (tests). */
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const account of JSON.parse(readFileSync(file, 'utf8')) as OidcAccount[]) this.#remember(account);
    }
  }

  /** Creates the account when its username is new; an existing one keeps its id and password (seeding twice adds nothing). */
  ensure(username: string, password: string): OidcAccount {
    const existing = this.#byUsername.get(username);
    if (existing) return existing;
    const account = { id: randomUUID(), username, passwordHash: hashPassword(password) };
    this.#remember(account);
    this.#save();
    return account;
  }

  /** The account when the password is right; undefined for a wrong password and an unknown name alike. */
  verify(username: string, password: string): OidcAccount | undefined {
    const account = this.#byUsername.get(username);
    const matches = verifyPassword(password, account?.passwordHash ?? this.#decoyHash);
    return account && matches ? account : undefined;
  }

  byId(id: string): OidcAccount | undefined {
    return this.#accounts.get(id);
  }

  #remember(account: OidcAccount) {
    this.#accounts.set(account.id, account);
    this.#byUsername.set(account.username, account);
  }

  #save() {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    // Write then rename, so a crash mid-write never leaves a truncated account file behind.
    writeFileSync(`${this.file}.tmp`, JSON.stringify([...this.#accounts.values()]), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}
