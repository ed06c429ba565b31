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
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 5_000 },
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
