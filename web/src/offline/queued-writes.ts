import { apiBase } from '../api/client.ts';
import {
  type OutboxItem,
  putItem,
  type QueuedHazardAction,
  type QueuedPatrolResult,
  type QueuedPhoto,
  type StagedPhoto,
} from './outbox.ts';

/**
 * How each kind of queued write is sent: a plain request, or the API's photo steps (presign, PUT, confirm)
 * followed by the write that names the photos. Progress is saved on the item, so a retry carries on.
 */
type Auth = Record<string, string>;

/**
 * The first two of the API's photo steps: ask for a presigned upload (size and SHA-256 fixed), PUT the bytes to
 * object storage. Answers the photo's id, or the response that stopped it.
 */
async function stagePhoto(base: string, photo: QueuedPhoto, auth: Auth): Promise<string | Response> {
  const { blob, ...facts } = photo;
  const presign = await fetch(`${base}/photos`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(facts),
  });
  if (!presign.ok) return presign;
  const answer = (await presign.json()) as {
    upload: { url: string; headers: Record<string, string> };
    photo: { id: string };
  };
  const put = await fetch(answer.upload.url, { method: 'PUT', headers: answer.upload.headers, body: blob });
  // Storage refusing the bytes (an expired link, a hiccup) is worth another round with a fresh link.
  if (!put.ok) return new Response(null, { status: 503 });
  return answer.photo.id;
}

/**
 * A queued photo goes up in the API's three steps (presign, PUT, confirm). A retry starts again from the first
 * step; an upload that was never confirmed is simply never added to the record.
 */
async function uploadQueuedPhoto(item: OutboxItem, auth: Auth): Promise<Response> {
  const base = `${apiBase(item.tenant)}${item.path.replace(/\/photos$/, '')}`;
  const queued = item.body as QueuedPhoto;
  // A hazard's queued photo belongs to its report (queued before photos said so, too): the finding, never the fix.
  const photo: QueuedPhoto = item.kind === 'hazard.photo' ? { purpose: 'finding', ...queued } : queued;
  const id = await stagePhoto(base, photo, auth);
  if (typeof id !== 'string') return id;
  return fetch(`${base}/photos/${id}/confirm`, { method: 'POST', headers: auth });
}

/** Uploads (and, for a hazard, confirms) the photos not yet done, saving progress so a retry carries on. */
async function stagePhotos(
  item: OutboxItem,
  base: string,
  photos: StagedPhoto[],
  auth: Auth,
  confirm: boolean,
): Promise<Response | undefined> {
  for (const photo of photos) {
    if (photo.confirmed || (!confirm && photo.id)) continue;
    if (!photo.id) {
      const id = await stagePhoto(base, photo, auth);
      if (typeof id !== 'string') return id;
      photo.id = id;
      await putItem(item);
    }
    if (confirm) {
      const confirmed = await fetch(`${base}/photos/${photo.id}/confirm`, { method: 'POST', headers: auth });
      if (!confirmed.ok) return confirmed;
      photo.confirmed = true;
      await putItem(item);
    }
  }
  return undefined;
}

/**
 * A hazard step with its evidence: the photos go on the record first (each one confirmed raises the hazard's
 * version by one), then the step with If-Match = the version the person saw plus the photos this write added.
 * Anyone else's change in between still makes it stale (409), as it should.
 */
async function sendHazardAction(item: OutboxItem, auth: Auth): Promise<Response> {
  const write = item.body as QueuedHazardAction;
  const base = `${apiBase(item.tenant)}/hazards/${encodeURIComponent(write.hazardId)}`;
  const stopped = await stagePhotos(item, base, write.photos, auth, true);
  if (stopped) return stopped;
  const photoIds = write.photos.map((photo) => photo.id!);
  return fetch(`${base}/${write.action}`, {
    method: 'POST',
    headers: {
      ...auth,
      'content-type': 'application/json',
      // A retry after a lost answer is recognised by its key and answered with the hazard, not a 409.
      'idempotency-key': item.key,
      'if-match': String(write.version + photoIds.length),
    },
    body: JSON.stringify({ ...write.input, ...(photoIds.length > 0 ? { photoIds } : {}) }),
  });
}

/** A patrol's results: its photos are uploaded (the completion names them), then one completion with the key. */
async function sendPatrolResult(item: OutboxItem, auth: Auth): Promise<Response> {
  const write = item.body as QueuedPatrolResult;
  const base = `${apiBase(item.tenant)}/patrols/${encodeURIComponent(write.patrolId)}`;
  for (const answer of write.items) {
    const stopped = await stagePhotos(item, base, answer.photos, auth, false);
    if (stopped) return stopped;
  }
  return fetch(`${base}/complete`, {
    method: 'POST',
    headers: {
      ...auth,
      'content-type': 'application/json',
      'idempotency-key': item.key,
      'if-match': String(write.version),
    },
    body: JSON.stringify({
      position: write.position,
      ...(write.note ? { note: write.note } : {}),
      items: write.items.map(({ photos, ...answer }) => ({
        ...answer,
        ...(photos.length > 0 ? { photoIds: photos.map((photo) => photo.id!) } : {}),
      })),
    }),
  });
}

/** One attempt at a queued write, whatever its kind. */
export function attemptWrite(item: OutboxItem, token: string | undefined): Promise<Response> {
  const auth: Auth = token ? { authorization: `Bearer ${token}` } : {};
  switch (item.kind) {
    case 'riskPoint.photo':
    case 'hazard.photo':
      return uploadQueuedPhoto(item, auth);
    case 'hazard.action':
      return sendHazardAction(item, auth);
    case 'patrol.complete':
      return sendPatrolResult(item, auth);
    default:
      return fetch(`${apiBase(item.tenant)}${item.path}`, {
        method: item.method,
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': item.key },
        body: JSON.stringify(item.body),
      });
  }
}
