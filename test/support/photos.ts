import { createHash } from 'node:crypto';

/** A tiny but real JPEG (1×1 px) with bytes varied by `seed`, so each test photo has its own hash. */
export function testJpeg(seed = 0): Uint8Array<ArrayBuffer> {
  const base = Buffer.from(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
    'base64',
  );
  // A JPEG comment segment (FFFE) after SOI carries the seed without breaking the image.
  const comment = Buffer.from(`gridsafe-test-${seed}`);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
  return Uint8Array.from(Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]));
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Uploads with the presigned instructions exactly as a phone would (a PUT straight to S3). */
export async function uploadWith(upload: { url: string; method: string; headers: Record<string, string> }, bytes: Uint8Array<ArrayBuffer>) {
  const response = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: bytes });
  if (!response.ok) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
}
