import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { pooledRandomBytes, ValidationError } from '@gridsafe/core';

/**
 * The cell's cursor secrets: `current` seals every new cursor, `previous` still open the cursors handed out
 * before the last rotation. One secret per cell, never per county: a per-county key would be one more thing
 * every idle county pays for.
 */
export interface CursorSecrets {
  current: string;
  previous?: string[];
}

/** Where the secrets come from: a file locally, the cell's Secrets Manager secret in AWS (read once). */
export type CursorSecretSource = () => CursorSecrets | Promise<CursorSecrets>;

const FORMAT = 1;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES;

interface CursorKey {
  id: Buffer;
  key: Buffer;
}

const NOT_OURS = () =>
  new ValidationError([{ path: 'query.cursor', message: 'is not a cursor this API issued for this list' }]);

/**
 * Page cursors as AES-256-GCM sealed DynamoDB keys. A cursor names no record (the key is encrypted), cannot be
 * altered (GCM's tag fails), and opens only for the county and the list it was made for (both are the
 * additional authenticated data), so a foreign, tampered or stale-format cursor is a 400, never DynamoDB's
 * "invalid starting key" 500. Layout: format byte, key id (4 bytes), IV (12), ciphertext, tag (16), base64url.
 *
 * @example
 * const cursors = new PageCursors(() => ({ current: 'a long random secret' }));
 * const cursor = await cursors.seal({ pk: 'T#taihe#UNIT#01…' }, 'taihe', 'gsi1|gsi1pk = :pk|T#taihe#UNITS');
 * await cursors.open(cursor, 'taihe', 'gsi1|gsi1pk = :pk|T#taihe#UNITS'); // { pk: 'T#taihe#UNIT#01…' }
 */
export class PageCursors {
  private keys?: Promise<CursorKey[]>;

  constructor(private readonly source: CursorSecretSource) {}

  /** Cursors valid only inside this process: for scripts and tests that page through a list in one go. */
  static ephemeral(): PageCursors {
    const secret = randomBytes(32).toString('base64url');
    return new PageCursors(() => ({ current: secret }));
  }

  async seal(lastKey: Record<string, unknown>, tenant: string, list: string): Promise<string> {
    const [current] = await this.loadKeys();
    if (!current) throw new Error('No cursor key is configured.');
    // A fresh random IV per cursor, from the pool of the platform's generator (a GCM IV must never repeat under a key).
    const iv = Buffer.from(pooledRandomBytes(IV_BYTES));
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(additionalData(tenant, list));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(lastKey), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT), current.id, iv, sealed, cipher.getAuthTag()]).toString(
      'base64url',
    );
  }

  /** The key a cursor sealed; a ValidationError naming `query.cursor` for anything else. */
  async open(cursor: string, tenant: string, list: string): Promise<Record<string, unknown>> {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw NOT_OURS();
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length < HEADER_BYTES + TAG_BYTES + 2 || bytes[0] !== FORMAT) throw NOT_OURS();
    const keyId = bytes.subarray(1, 1 + KEY_ID_BYTES);
    const key = (await this.loadKeys()).find((candidate) => candidate.id.equals(keyId));
    if (!key) throw NOT_OURS();
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        key.key,
        bytes.subarray(1 + KEY_ID_BYTES, HEADER_BYTES),
      );
      decipher.setAAD(additionalData(tenant, list));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      const decoded: unknown = JSON.parse(plain.toString('utf8'));
      if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) throw NOT_OURS();
      return decoded as Record<string, unknown>;
    } catch {
      throw NOT_OURS();
    }
  }

  private loadKeys(): Promise<CursorKey[]> {
    this.keys ??= Promise.resolve(this.source()).then(
      (secrets) => [secrets.current, ...(secrets.previous ?? [])].map(deriveKey),
      (error: unknown) => {
        // A failed read (the secret store briefly unreachable) is retried by the next request.
        this.keys = undefined;
        throw error;
      },
    );
    return this.keys;
  }
}

/**
 * A secret of any length becomes an AES-256 key through HKDF; its id is a hash of the key, so the rotation needs
 * no id bookkeeping: whichever listed key has the cursor's id opens it.
 */
function deriveKey(secret: string): CursorKey {
  if (secret.length < 32) throw new Error('A cursor secret must be at least 32 characters.');
  const key = Buffer.from(hkdfSync('sha256', secret, 'gridsafe', 'page cursor v1', 32));
  return { key, id: createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES) };
}

function additionalData(tenant: string, list: string): Buffer {
  return Buffer.from(`${tenant}\n${list}`, 'utf8');
}

/** Parses the secret's JSON: `{"current": "...", "previous": ["..."]}`. */
export function parseCursorSecrets(text: string): CursorSecrets {
  const parsed = JSON.parse(text) as Partial<CursorSecrets>;
  if (typeof parsed.current !== 'string') throw new Error('The cursor secret has no "current" key.');
  const previous = Array.isArray(parsed.previous) ? parsed.previous.filter((p) => typeof p === 'string') : [];
  return { current: parsed.current, previous };
}

/** A fresh random secret, as the local stack writes it and an operator rotates it in. */
export function newCursorSecret(): string {
  return randomBytes(32).toString('base64url');
}
