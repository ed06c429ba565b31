import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

export interface S3Local {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A local S3-compatible server (s3rver). It speaks the S3 protocol, so the evidence code is the same as in
 * AWS, but it does not verify signatures: tests of presigning check the signed conditions themselves.
 */
export async function startS3Local(options: {
  port: number;
  directory: string;
  host?: string;
  buckets?: string[];
}): Promise<S3Local> {
  mkdirSync(options.directory, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({
    port: options.port,
    address: host,
    directory: options.directory,
    silent: true,
    // Browsers upload photos straight to S3 with presigned requests, cross-origin from the web app.
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [CORS_FOR_BROWSER_UPLOADS] })),
    allowMismatchedSignatures: true,
  });
  await server.run();
  return {
    endpoint: `http://${host}:${options.port}`,
    stop: async () => {
      await server.close();
    },
  };
}

// Phones upload photos straight to the bucket with presigned PUTs from the web app's origin.
const CORS_FOR_BROWSER_UPLOADS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
