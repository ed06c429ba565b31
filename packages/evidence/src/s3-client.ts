import { S3Client } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  region?: string;
  /** Set for the local S3 server; absent in AWS. */
  endpoint?: string;
}

export function createS3Client(options: S3ClientOptions = {}): S3Client {
  return new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    maxAttempts: 2,
    // throwOnRequestTimeout: a hung S3 answers 503, not silence (finding 4, docs/reliability.md).
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          // The local server has no DNS per bucket, so buckets go in the path.
          forcePathStyle: true,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }
      : {}),
  });
}
