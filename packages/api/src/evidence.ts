import { described, ForbiddenError, NotFoundError, type Photo, RequestPhotoSchema } from '@gridsafe/core';
import { PendingPhotos } from '@gridsafe/db';
import { PENDING_UPLOAD_ROOT } from '@gridsafe/evidence';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from './app-env.ts';
import { countyData } from './county-data.ts';
import { COMMON_ERRORS, IdParamSchema, IdQuery, json, WRITE_ERRORS } from './http-helpers.ts';
import { createRoute } from './openapi/route.ts';

/**
 * Photo evidence, the same for every kind of record: the phone announces a photo (type, size, SHA-256), gets a
 * presigned PUT bound to exactly those, uploads straight to object storage, and then the photo is read back and
 * hashed before any record takes it in. Risk points and hazards confirm each photo on its own; a patrol takes
 * its photos in with its completion.
 */
export type EvidenceCollection = 'risk-points' | 'hazards' | 'patrols' | 'inspections' | 'plans';
/** A photo, or (a plan's) a document file: its type, size and hash are what the presigned PUT is bound to. */
type RequestPhotoInput = Omit<z.infer<typeof RequestPhotoSchema>, 'contentType'> & { contentType: string };

/** Each collection's records' key prefix, under which their announced photos wait. */
const ENTITY_PREFIX: Record<EvidenceCollection, string> = {
  'risk-points': 'RP',
  hazards: 'HZ',
  patrols: 'PATROL',
  // An inspection's photos and signatures are announced before it exists, under the announcer's own draft.
  inspections: 'INSPDRAFT',
  // A plan's file likewise, before the plan is filed (POST /plans/files, then POST /plans naming it).
  plans: 'PLANDRAFT',
};

export const PhotoParamSchema = z.extend(IdParamSchema, {
  photoId: IdQuery,
});

export const PhotoUploadSchema = described(
  z.object({
    upload: z.object({
      url: z.string(),
      method: z.literal('PUT'),
      headers: z.record(z.string(), z.string()),
      expiresIn: z.number(),
    }),
    photo: z.object({ id: z.string(), key: z.string() }),
  }),
  { id: 'PhotoUpload' },
);

const PhotoLinkSchema = described(z.object({ url: z.string(), expiresIn: z.number() }), { id: 'PhotoLink' });

/** The evidence routes of one collection: announce, confirm (the record with the photo) and view a photo. */
export function photoRoutes<Record extends z.ZodMiniType>(options: {
  collection: EvidenceCollection;
  tag: string;
  /** What the photo is for, in the summaries: "the record", "the hazard", "a checklist item". */
  noun: string;
  announceNote: string;
  recordSchema: Record;
}) {
  const { collection, tag, noun, recordSchema } = options;
  return {
    requestPhoto: createRoute({
      method: 'post',
      path: `/${collection}/{id}/photos`,
      tags: [tag],
      summary: `A presigned upload for one photo of ${noun} (JPEG, PNG, WebP or HEIC, at most 10 MB); ${options.announceNote}`,
      request: {
        params: IdParamSchema,
        body: { required: true, content: { 'application/json': { schema: RequestPhotoSchema } } },
      },
      responses: { 201: json(PhotoUploadSchema, 'Upload instructions'), ...WRITE_ERRORS },
    }),
    confirmPhoto: createRoute({
      method: 'post',
      path: `/${collection}/{id}/photos/{photoId}/confirm`,
      tags: [tag],
      summary: `Check the uploaded photo (size and SHA-256) and add it to ${noun} as evidence`,
      request: { params: PhotoParamSchema },
      responses: { 200: json(recordSchema, `${noun} with the photo`), ...WRITE_ERRORS },
    }),
    viewPhoto: createRoute({
      method: 'get',
      path: `/${collection}/{id}/photos/{photoId}`,
      tags: [tag],
      summary: `A short-lived link to view a photo of ${noun}`,
      request: { params: PhotoParamSchema },
      responses: { 200: json(PhotoLinkSchema, 'Link'), ...COMMON_ERRORS },
    }),
  };
}

/**
 * Announces one photo of a record: a presigned PUT bound to its type, size and hash, and the photo kept beside
 * the record (not in it) until it is confirmed.
 */
export async function announcePhoto(
  c: Context<AppEnv>,
  collection: EvidenceCollection,
  recordId: string,
  input: RequestPhotoInput,
) {
  const data = countyData(c);
  const now = c.get('deps').clock.now();
  const photoId = c.get('deps').ids.next();
  // Uploaded to the pending prefix (expired within a day); copied to the record's own key once confirmed.
  const key = data.photos.pendingKeyFor(collection, recordId, photoId, input.contentType);
  const upload = await data.photos.presignUpload(key, input);
  const photo: Photo = {
    id: photoId,
    key,
    // A plan's file may be a PDF or a Word document; the store keeps whatever type was announced and checks it.
    contentType: input.contentType as Photo['contentType'],
    size: input.size,
    sha256: input.sha256,
    status: 'pending',
    ...(input.takenAt ? { takenAt: input.takenAt } : {}),
    ...(input.location ? { location: input.location } : {}),
    ...(collection === 'hazards' && input.purpose ? { purpose: input.purpose } : {}),
    requestedAt: now.toISOString(),
  };
  await pendingPhotos(c, collection).put(recordId, photo, c.get('principal').userId, now);
  return { upload, photo: { id: photoId, key } };
}

/**
 * An announced photo read back from storage and hashed, then copied to the record's own key: verified (a 400
 * when the upload is missing or does not match what was announced), or undefined when this record never
 * announced it or the announcement expired. Only the person who announced a photo vouches for it (403).
 */
export async function verifyAnnouncedPhoto(
  c: Context<AppEnv>,
  collection: EvidenceCollection,
  recordId: string,
  photoId: string,
  /** Where the confirmed photo is kept when it was announced under another id (an inspection's draft). */
  finalRecordId = recordId,
): Promise<Photo | undefined> {
  const now = c.get('deps').clock.now();
  const pending = await pendingPhotos(c, collection).get(recordId, photoId, now);
  if (!pending) return undefined;
  if (pending.requestedBy !== c.get('principal').userId)
    throw new ForbiddenError('Only the person who announced a photo confirms it.', 'not_announcer');
  const { photo } = pending;
  const photos = countyData(c).photos;
  await photos.verifyUpload(photo.key, photo);
  const finalKey = photos.keyFor(collection, finalRecordId, photo.id, photo.contentType);
  // Announced before pending uploads had their own prefix: already at its final key.
  const key = photo.key.startsWith(PENDING_UPLOAD_ROOT) ? finalKey : photo.key;
  await photos.promote(photo.key, key);
  return { ...photo, key, status: 'verified', verifiedAt: now.toISOString() };
}

/** The announced photo is taken in: its waiting copy goes. */
export async function forgetAnnouncedPhoto(
  c: Context<AppEnv>,
  collection: EvidenceCollection,
  recordId: string,
  photoId: string,
): Promise<void> {
  await pendingPhotos(c, collection).delete(recordId, photoId);
}

/** What the audit chain records of a photo: the evidence itself (key, hash, size, when and where taken). */
export function photoFacts(photo: Photo) {
  return {
    id: photo.id,
    key: photo.key,
    sha256: photo.sha256,
    size: photo.size,
    takenAt: photo.takenAt ?? null,
    location: photo.location ?? null,
  };
}

/** A short-lived link to one of a record's photos; 404 when the record has no such photo. */
export async function photoLink(c: Context<AppEnv>, photos: readonly Photo[], photoId: string) {
  const photo = photos.find((p) => p.id === photoId);
  if (!photo) throw new NotFoundError('photo');
  return { url: await countyData(c).photos.presignView(photo.key), expiresIn: 300 };
}

function pendingPhotos(c: Context<AppEnv>, collection: EvidenceCollection): PendingPhotos {
  return new PendingPhotos(countyData(c).store, ENTITY_PREFIX[collection]);
}
