import { createHash } from 'node:crypto';
import { ServiceUnavailableError, ValidationError } from '@gridsafe/core';
import { EVIDENCE_LOCK_DAYS, evidencePrefix, pendingUploadPrefix } from './evidence-keys.ts';
import { resolveS3Client, type S3ClientSource } from './lazy-s3-client.ts';

/** Presigned uploads live five minutes: long enough for a slow rural uplink, short enough to be useless if leaked. */
export const UPLOAD_EXPIRY_SECONDS = 300;
export const VIEW_EXPIRY_SECONDS = 300;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  // Emergency plans' files (core's PLAN_FILE_TYPES) go through the same announced, verified upload.
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

export interface PresignedUpload {
  url: string;
  method: 'PUT';
  /** Headers the client must send exactly; they are part of the signature. */
  headers: Record<string, string>;
  expiresIn: number;
}

/**
 * Photo evidence in S3 for one county. Photos go straight from the phone to S3 with a presigned PUT whose
 * signature covers the content type, the length and the SHA-256 checksum, so S3 refuses any other file;
 * after the upload the object is read back and hashed here before the record accepts it, because the local
 * S3 server (and any misconfigured proxy) does not enforce signed checksums.
 */
export class PhotoStore {
  constructor(
    protected readonly client: S3ClientSource,
    protected readonly bucket: string,
    protected readonly tenant: string,
  ) {}

  /** The client and the commands, loaded at first use (see lazy-s3-client.ts). */
  protected async s3() {
    const [client, operations] = await Promise.all([
      resolveS3Client(this.client),
      import('./s3-operations.ts'),
    ]);
    return { client, ...operations };
  }

  /** Where a confirmed photo lives for good. */
  keyFor(collection: string, entityId: string, photoId: string, contentType: string): string {
    return `${evidencePrefix(this.tenant)}${collection}/${entityId}/${photoId}.${EXTENSIONS[contentType] ?? 'bin'}`;
  }

  /** Where an announced photo is uploaded, to expire within a day unless confirmed (see pendingUploadPrefix). */
  pendingKeyFor(collection: string, entityId: string, photoId: string, contentType: string): string {
    return `${pendingUploadPrefix(this.tenant)}${this.keyFor(collection, entityId, photoId, contentType).slice(evidencePrefix(this.tenant).length)}`;
  }

  /**
   * A verified upload becomes evidence: copied (inside S3) from its pending key to its final one. A photo
   * announced before pending uploads had their own prefix is already at its final key and stays there.
   * The copy is locked (Object Lock, governance mode) for EVIDENCE_LOCK_DAYS from `now`: S3 then refuses to
   * delete that version or shorten its lock to every principal (the bucket policy denies bypassing governance);
   * a later write to the same key only adds a version. S3 computes and stores the copy's SHA-256. The local S3
   * server ignores both headers.
   */
  async promote(pendingKey: string, finalKey: string, now: Date = new Date()): Promise<void> {
    this.assertOwnKey(pendingKey);
    this.assertOwnKey(finalKey);
    if (pendingKey === finalKey) return;
    if (!finalKey.startsWith(evidencePrefix(this.tenant))) throw new Error(`Key ${finalKey} is not final.`);
    const { client, CopyObjectCommand } = await this.s3();
    try {
      await client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: finalKey,
          CopySource: `${this.bucket}/${pendingKey.split('/').map(encodeURIComponent).join('/')}`,
          ChecksumAlgorithm: 'SHA256',
          ObjectLockMode: 'GOVERNANCE',
          ObjectLockRetainUntilDate: new Date(now.getTime() + EVIDENCE_LOCK_DAYS * 86_400_000),
        }),
      );
    } catch (error) {
      throw new ServiceUnavailableError('evidence store', { cause: error });
    }
  }

  async presignUpload(
    key: string,
    photo: { contentType: string; size: number; sha256: string },
  ): Promise<PresignedUpload> {
    this.assertOwnKey(key);
    const checksum = Buffer.from(photo.sha256, 'hex').toString('base64');
    const { client, PutObjectCommand, getSignedUrl } = await this.s3();
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: photo.contentType,
      ContentLength: photo.size,
      ChecksumSHA256: checksum,
    });
    // Kept as headers (the presigner would move x-amz-* ones into the query string), so all three are signed
    // and S3 checks the body against the checksum.
    const signedHeaders = new Set(['content-type', 'content-length', 'x-amz-checksum-sha256']);
    const url = await getSignedUrl(client, command, {
      expiresIn: UPLOAD_EXPIRY_SECONDS,
      signableHeaders: signedHeaders,
      unhoistableHeaders: signedHeaders,
    });
    return {
      url,
      method: 'PUT',
      headers: { 'content-type': photo.contentType, 'x-amz-checksum-sha256': checksum },
      expiresIn: UPLOAD_EXPIRY_SECONDS,
    };
  }

  /**
   * Reads the uploaded object and checks it is exactly the photo that was announced. A mismatch deletes the
   * object and names the field; an unreachable store is a 503 and changes nothing.
   */
  async verifyUpload(
    key: string,
    expected: { contentType: string; size: number; sha256: string },
  ): Promise<void> {
    this.assertOwnKey(key);
    const { client, GetObjectCommand, DeleteObjectCommand } = await this.s3();
    let body: Uint8Array;
    let contentType: string | undefined;
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      contentType = object.ContentType;
      body = await object.Body!.transformToByteArray();
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404)
        throw new ValidationError([{ path: 'photo', message: 'has not been uploaded yet' }]);
      throw new ServiceUnavailableError('evidence store', { cause: error });
    }
    const problems = [];
    if (body.byteLength !== expected.size)
      problems.push({
        path: 'size',
        message: `the upload has ${body.byteLength} bytes, not ${expected.size}`,
      });
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (sha256 !== expected.sha256)
      problems.push({ path: 'sha256', message: 'the uploaded file does not match the announced SHA-256' });
    if (contentType && contentType !== expected.contentType)
      problems.push({ path: 'contentType', message: `the upload is ${contentType}` });
    if (problems.length > 0) {
      await client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch(() => undefined);
      throw new ValidationError(problems);
    }
  }

  async presignView(key: string): Promise<string> {
    this.assertOwnKey(key);
    const { client, GetObjectCommand, getSignedUrl } = await this.s3();
    return getSignedUrl(client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: VIEW_EXPIRY_SECONDS,
    });
  }

  /** Keys are built here from the tenant, but a stored key is checked again before any signature is made. */
  protected assertOwnKey(key: string): void {
    if (!key.startsWith(evidencePrefix(this.tenant)) && !key.startsWith(pendingUploadPrefix(this.tenant)))
      throw new Error(`Key ${key} is outside this county's prefix.`);
  }
}
