import type { DirectorySigningKey } from '@gridsafe/core';
import { importJWK, type JWK } from 'jose';
import { COUNTY_KEY_ALGORITHM } from './county-issuer.ts';

/** Keys are re-read after this, so a key another instance added (a rotation) is trusted within it. */
const KEY_CACHE_MS = 10 * 60_000;
/**
 * An unknown `kid` re-reads the county's keys at once only when the list is older than this: a made-up kid on
 * every request must not cost a read each.
 */
const UNKNOWN_KID_REREAD_MS = 30_000;

/**
 * Each county's signing keys, read from its partition and kept per process for ten minutes; a `kid` not in the
 * cached list is looked up once more at once (a key made by another instance since).
 */
export class CountyKeyCache {
  private readonly cache = new Map<string, { at: number; keys: Promise<DirectorySigningKey[]> }>();
  /** Public keys imported once per process: every request's token is checked against one. */
  private readonly imported = new Map<string, Promise<CryptoKey>>();

  constructor(private readonly read: (tenant: string) => Promise<DirectorySigningKey[]>) {}

  keys(tenant: string, fresh = false): Promise<DirectorySigningKey[]> {
    const cached = this.cache.get(tenant);
    if (cached && !fresh && Date.now() - cached.at < KEY_CACHE_MS) return cached.keys;
    const keys = this.read(tenant).catch((error: unknown) => {
      this.cache.delete(tenant);
      throw error;
    });
    this.cache.set(tenant, { at: Date.now(), keys });
    return keys;
  }

  remember(tenant: string, keys: DirectorySigningKey[]): void {
    this.cache.set(tenant, { at: Date.now(), keys: Promise.resolve(keys) });
  }

  /** The public key that signed a token of `tenant` with `kid`; undefined when the county has no such key. */
  async verificationKey(tenant: string, kid: string): Promise<CryptoKey | undefined> {
    if (!kid.startsWith(`${tenant}.`)) return undefined;
    const known = await this.keys(tenant);
    let found = known.find((key) => key.kid === kid);
    const readAt = this.cache.get(tenant)?.at ?? 0;
    // A county with no key yet gets its first at its first login, perhaps on another instance: look again.
    if (!found && (known.length === 0 || Date.now() - readAt > UNKNOWN_KID_REREAD_MS))
      found = (await this.keys(tenant, true)).find((key) => key.kid === kid);
    if (!found) return undefined;
    let key = this.imported.get(kid);
    if (!key) {
      key = importJWK(found.publicJwk as JWK, COUNTY_KEY_ALGORITHM) as Promise<CryptoKey>;
      this.imported.set(kid, key);
    }
    return key;
  }
}
