import { describe, expect } from 'vitest';
import { countyTest } from '../support/fixtures.ts';
import { sha256Hex, testJpeg } from '../support/photos.ts';
import { redPoint } from '../support/record-bodies.ts';

const it = countyTest({ prefix: 'ps' });

/** Five minutes, as packages/evidence/src/photo-store.ts documents: long enough for a slow rural uplink. */
const DOCUMENTED_UPLOAD_EXPIRY_SECONDS = 300;

describe('a presigned photo upload URL', () => {
  it('signs the content type, the length and the SHA-256 checksum, and expires after five minutes', async ({
    county,
    member,
  }) => {
    const created = await member.post('/risk-points', redPoint(county));
    expect(created.status).toBe(201);
    const bytes = testJpeg(7);
    const requested = await member.post(`/risk-points/${created.body.id}/photos`, {
      contentType: 'image/jpeg',
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
      location: { lat: 33.171, lng: 115.633 },
    });
    expect(requested.status).toBe(201);

    const url = new URL(requested.body.upload.url);
    // The local S3 server does not check signatures, so what S3 would enforce is read from the URL itself.
    const signed = (url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
    expect(signed).toEqual(
      expect.arrayContaining(['content-type', 'content-length', 'x-amz-checksum-sha256']),
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(DOCUMENTED_UPLOAD_EXPIRY_SECONDS));
    expect(requested.body.upload.expiresIn).toBe(DOCUMENTED_UPLOAD_EXPIRY_SECONDS);

    // The headers the phone is told to send are the values signed (fetch sends the length it was announced).
    const headers = Object.fromEntries(
      Object.entries(requested.body.upload.headers as Record<string, string>).map(([k, v]) => [
        k.toLowerCase(),
        v,
      ]),
    );
    expect(headers['content-type']).toBe('image/jpeg');
    expect(headers['x-amz-checksum-sha256']).toBe(Buffer.from(sha256Hex(bytes), 'hex').toString('base64'));
  });
});
