import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ServiceUnavailableError, ValidationError } from '@gridsafe/core';
import { evidencePrefix, pendingUploadPrefix } from './evidence-keys.ts';
import { PhotoStore } from './photo-store.ts';

/** A written export's link lives ten minutes: time to click it, short enough that a forwarded link soon dies. */
export const EXPORT_LINK_SECONDS = 600;

/**
 * The spreadsheets of register jobs in S3 for one county. Imports are uploaded under the pending prefix (gone
 * within a day by the bucket's rule, whether or not they were imported); exports are written under the county's
 * own prefix (`t/<tenant>/exports/`), where only that county's role may read them. Uploads are presigned as photos
 * are (content type, size and SHA-256 signed), so this is the photo store with spreadsheets' own keys and reads.
 */
export class RegisterFiles extends PhotoStore {
  importKey(jobId: string, extension: 'csv' | 'xlsx'): string {
    return `${pendingUploadPrefix(this.tenant)}imports/${jobId}.${extension}`;
  }

  exportKey(jobId: string, extension: 'csv' | 'xlsx'): string {
    return `${evidencePrefix(this.tenant)}exports/${jobId}.${extension}`;
  }

  /**
   * Copies an uploaded spreadsheet to a local file, hashing it on the way, and checks it is the file announced:
   * the local S3 server does not enforce the signed checksum, so the job checks before it reads a row.
   */
  async download(key: string, path: string, expected: { size: number; sha256: string }): Promise<void> {
    this.assertOwnKey(key);
    const { client, GetObjectCommand } = await this.s3();
    let body: Readable;
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      body = object.Body as Readable;
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404)
        throw new ValidationError([{ path: 'upload', message: 'has not been uploaded yet' }]);
      throw new ServiceUnavailableError('file store', { cause: error });
    }
    const hash = createHash('sha256');
    body.on('data', (chunk: Buffer) => hash.update(chunk));
    await pipeline(body, createWriteStream(path));
    const { size } = await stat(path);
    const problems = [];
    if (size !== expected.size)
      problems.push({ path: 'size', message: `the upload has ${size} bytes, not ${expected.size}` });
    if (hash.digest('hex') !== expected.sha256)
      problems.push({ path: 'sha256', message: 'the uploaded file does not match the announced SHA-256' });
    if (problems.length > 0) throw new ValidationError(problems);
  }

  /**
   * Puts a finished export (a local file) at its key. The file is sent as one buffer, not a stream: the SDK sends a
   * stream `aws-chunked` with a trailing checksum, which the local S3 server stores as it came, chunk headers and
   * all. The rows were streamed into the file, so only the file's bytes (tens of MB at 320,000 rows) are held here.
   */
  async upload(key: string, path: string, contentType: string): Promise<void> {
    this.assertOwnKey(key);
    const { client, PutObjectCommand } = await this.s3();
    await client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: await readFile(path),
        ContentType: contentType,
      }),
    );
  }

  /** A short-lived link that downloads the export under a readable file name. */
  async downloadLink(key: string, fileName: string): Promise<string> {
    this.assertOwnKey(key);
    const { client, GetObjectCommand, getSignedUrl } = await this.s3();
    return getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      }),
      { expiresIn: EXPORT_LINK_SECONDS },
    );
  }
}
