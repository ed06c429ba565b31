import { createHash } from 'node:crypto';
import { tinyJpeg } from '../../scripts/seed/tiny-jpeg.ts';

/** A tiny but real JPEG with bytes varied by `seed`, so each test photo has its own hash. */
export function testJpeg(seed = 0): Uint8Array<ArrayBuffer> {
  return tinyJpeg(`test-${seed}`);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Uploads with the presigned instructions exactly as a phone would (a PUT straight to S3). */
export async function uploadWith(
  upload: { url: string; method: string; headers: Record<string, string> },
  bytes: Uint8Array<ArrayBuffer>,
) {
  const response = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
  if (!response.ok) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
}
