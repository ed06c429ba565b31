import { sha256Hex, testJpeg, uploadWith } from '../photos.ts';
import type { Answer, CountyClient } from './client.ts';

let photoSeed = 50_000 + Math.floor(Math.random() * 1e6);

/** A point with a verified photo, submitted for review: what a reviewer finds in the queue. */
export async function submittedPoint(
  filer: CountyClient,
  unitId: string,
  assessment: Record<string, unknown>,
): Promise<{ id: string; version: number; reviewChain: string[] }> {
  const created = await filer.post('/risk-points', {
    name: `并发审核 ${photoSeed}`,
    unitId,
    industry: 'industry_trade_general',
    location: { lat: 33.1, lng: 115.5 },
    assessment,
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
  const bytes = testJpeg(photoSeed++);
  const requested = await filer.post(`/risk-points/${created.body.id}/photos`, {
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  await uploadWith(requested.body.upload, bytes);
  const confirmed = await filer.post(
    `/risk-points/${created.body.id}/photos/${requested.body.photo.id}/confirm`,
  );
  if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status} ${confirmed.text}`);
  const submitted = await filer.post(`/risk-points/${created.body.id}/submit`);
  if (submitted.status !== 200) throw new Error(`submit: ${submitted.status} ${submitted.text}`);
  return { id: created.body.id, version: submitted.body.version, reviewChain: submitted.body.reviewChain };
}

export interface RaceResult {
  answers: Answer[];
  ok: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  after: any;
  auditActions: string[];
  maxMs: number;
}

/** `n` reviewers press "approve" on the same point at the same moment. */
export async function simultaneousApprovals(
  reviewer: CountyClient,
  point: { id: string; version: number },
  n: number,
  withIfMatch: boolean,
): Promise<RaceResult> {
  const headers = withIfMatch ? { 'if-match': String(point.version) } : undefined;
  const answers = await Promise.all(
    Array.from({ length: n }, () => reviewer.post(`/risk-points/${point.id}/approve`, {}, headers)),
  );
  const byStatus: Record<string, number> = {};
  const byCode: Record<string, number> = {};
  for (const answer of answers) {
    byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
    const code = answer.status === 200 ? 'ok' : String(answer.body?.code);
    byCode[code] = (byCode[code] ?? 0) + 1;
  }
  const after = (await reviewer.get(`/risk-points/${point.id}`)).body;
  const audit = await reviewer.get(`/risk-points/${point.id}/audit`);
  return {
    answers,
    ok: answers.filter((a) => a.status === 200).length,
    byStatus,
    byCode,
    after,
    auditActions: (audit.body.items as { action: string }[]).map((e) => e.action),
    maxMs: Math.round(Math.max(...answers.map((a) => a.ms))),
  };
}

/** A field device's create retried `n` times at once with one Idempotency-Key. */
export async function concurrentIdempotentCreates(
  client: CountyClient,
  path: string,
  body: unknown,
  n: number,
  key: string,
) {
  const answers = await Promise.all(
    Array.from({ length: n }, () => client.post(path, body, { 'idempotency-key': key })),
  );
  return {
    answers,
    ids: new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id as string)),
    byStatus: answers.reduce<Record<string, number>>((acc, a) => {
      acc[a.status] = (acc[a.status] ?? 0) + 1;
      return acc;
    }, {}),
  };
}
