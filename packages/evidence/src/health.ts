import { ServiceUnavailableError } from '@gridsafe/core';
import { evidencePrefix } from './evidence-keys.ts';
import { resolveS3Client, type S3ClientSource } from './lazy-s3-client.ts';

/**
 * Asks for one object inside the county's prefix (a county's role cannot list or head the bucket). "Not
 * found" proves the bucket answers; only a failure to reach it counts as down.
 */
export async function checkBucketReachable(
  source: S3ClientSource,
  bucket: string,
  tenant: string,
): Promise<void> {
  try {
    const [client, { HeadObjectCommand }] = await Promise.all([
      resolveS3Client(source),
      import('./s3-operations.ts'),
    ]);
    await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `${evidencePrefix(tenant)}health-check` }),
    );
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || status === 403) return;
    throw new ServiceUnavailableError('evidence store', { cause: error });
  }
}
