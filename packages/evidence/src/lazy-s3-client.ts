import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientOptions } from './s3-client.ts';

/** An S3 client, or a function that builds one at first use (see `lazyS3Client`). */
export type S3ClientSource = S3Client | (() => Promise<S3Client>);

/**
 * An S3 client built at its first use. Only photo routes and `/health` talk to S3; building the client at
 * Lambda init would load the S3 SDK (about 100 KB of bundle) on every cold start. The bundler turns the
 * `import()` into a chunk of its own. A failed load is retried at the next call.
 *
 * @example
 * const s3 = lazyS3Client({ region: 'cn-north-1' });
 * const store = new PhotoStore(s3, 'gridsafe-evidence', 'taihe');
 */
export function lazyS3Client(options: S3ClientOptions = {}): () => Promise<S3Client> {
  let loading: Promise<S3Client> | undefined;
  return () => {
    loading ??= import('./s3-client.ts').then(
      ({ createS3Client }) => createS3Client(options),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
}

export async function resolveS3Client(source: S3ClientSource): Promise<S3Client> {
  return typeof source === 'function' ? source() : source;
}
