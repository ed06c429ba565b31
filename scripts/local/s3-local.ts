import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

export interface S3Local {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A local S3-compatible server (s3rver). It speaks the S3 protocol, so the evidence code is the same as in
 * AWS, but it does not verify signatures: tests of presigning check the signed conditions themselves.
 *
 * It holds every county's photos and checks no signature, so it is reachable from this machine only (loopback,
 * whatever address the web app listens on), and it answers CORS for the web app's own origin only, and only for
 * the presigned PUT of an upload: no web page, the app's included, can read a listing of the bucket.
 */
export async function startS3Local(options: {
  port: number;
  directory: string;
  buckets?: string[];
  /** The web app's origin (`http://localhost:3000`); without it the server answers no cross-origin request. */
  webOrigin?: string;
}): Promise<S3Local> {
  mkdirSync(options.directory, { recursive: true });
  const server = new S3rver({
    port: options.port,
    address: LOOPBACK,
    directory: options.directory,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({
      name,
      configs: options.webOrigin ? [corsForUploadsFrom(options.webOrigin)] : [],
    })),
    allowMismatchedSignatures: true,
  });
  await server.run();
  return {
    endpoint: `http://${LOOPBACK}:${options.port}`,
    stop: async () => {
      await server.close();
    },
  };
}

const LOOPBACK = '127.0.0.1';

/**
 * Phones upload photos straight to the bucket with presigned PUTs from the web app's origin; they are shown with
 * <img> (no CORS needed), so PUT is the only method a browser may use across origins. A GET of the bucket root (a
 * listing) from any page, ours included, gets no Access-Control-Allow-Origin and stays unreadable.
 */
function corsForUploadsFrom(origin: string): string {
  if (!/^https?:\/\/[a-z0-9.-]+(:\d+)?$/.test(origin)) throw new Error(`"${origin}" is not an origin.`);
  return `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>${origin}</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
}
