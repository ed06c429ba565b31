import { expect } from 'vitest';
import type { clientFor } from './harness.ts';
import { sha256Hex, testJpeg, uploadWith } from './photos.ts';

/**
 * Helpers of the separation-of-duties tests: photos announced and confirmed as a phone does, points walked
 * through review, and the "nothing changed" check every refusal ends with.
 */
type Client = ReturnType<typeof clientFor>;
let photoSeed = 70_000;

/** Announces, uploads and (unless told not to) confirms one photo; `bytes` repeats an earlier file on purpose. */
export async function addPhoto(
  client: Client,
  collection: 'risk-points' | 'hazards',
  id: string,
  options: { purpose?: 'finding' | 'fix'; bytes?: Uint8Array<ArrayBuffer>; confirm?: boolean } = {},
) {
  const bytes = options.bytes ?? testJpeg(photoSeed++);
  const requested = await client.post(`/${collection}/${id}/photos`, {
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
    ...(options.purpose ? { purpose: options.purpose } : {}),
  });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  await uploadWith(requested.body.upload, bytes);
  const photoId = requested.body.photo.id as string;
  if (options.confirm === false) return { photoId, bytes, record: undefined };
  const confirmed = await client.post(`/${collection}/${id}/photos/${photoId}/confirm`);
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  return { photoId, bytes, record: confirmed.body };
}

/** A draft point with a confirmed photo, made by `filer` on `unitId`, graded by `assessment`. */
export async function draftPoint(filer: Client, unitId: string, assessment: Record<string, unknown>) {
  const created = await filer.post('/risk-points', {
    name: `四眼原则 ${photoSeed}`,
    unitId,
    industry: 'industry_trade_general',
    location: { lat: 33.171, lng: 115.633 },
    assessment,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await addPhoto(filer, 'risk-points', created.body.id);
  return created.body.id as string;
}

/** Takes a step and expects it to succeed; answers the record after it. */
export async function step(client: Client, path: string, body: unknown = {}) {
  const answer = await client.post(path, body);
  expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(200);
  return answer.body;
}

/** The record's version and audit length, to show a refused request changed nothing. */
export async function snapshot(reader: Client, path: string) {
  const [record, audit] = await Promise.all([reader.get(path), reader.get(`${path}/audit`)]);
  return {
    version: record.body.version as number,
    status: record.body.status,
    events: audit.body.items.length,
  };
}

/** Expects a refusal with the given status (and code), then that the record is exactly as it was. */
export async function expectRefused(
  answer: { status: number; body: { code?: string } | undefined },
  status: number,
  code: string | undefined,
  reader: Client,
  path: string,
  before: Awaited<ReturnType<typeof snapshot>>,
) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  if (code) expect(answer.body?.code).toBe(code);
  expect(await snapshot(reader, path)).toEqual(before);
}
