import { authorize, type Capability, NotFoundError, type Photo, type Principal } from '@gridsafe/core';
import type { StoredItem } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { writeContext } from '../county-data.ts';
import {
  announcePhoto,
  type EvidenceCollection,
  forgetAnnouncedPhoto,
  photoFacts,
  photoLink,
  type photoRoutes,
  verifyAnnouncedPhoto,
} from '../evidence.ts';
import type { createRouter } from '../openapi-hono.ts';

type WithPhotos = { id: string; version: number; photos: Photo[] };

/** What the photo routes need to know of one kind of record that confirms its photos one by one. */
export interface PhotoEvidenceRecord<R extends WithPhotos> {
  collection: Exclude<EvidenceCollection, 'patrols'>;
  /** Who reads the record's photos. */
  read: Capability;
  /** Throws unless the person may add evidence to this kind of record. */
  mayAdd(principal: Principal): void;
  /** The record the caller may see (404 / 403 otherwise). */
  visible(c: Context<AppEnv>, id: string): Promise<{ stored: StoredItem; record: R }>;
  /** Throws when the record's evidence is final. */
  assertOpen(record: R): void;
  save(
    c: Context<AppEnv>,
    stored: StoredItem,
    after: R,
    ctx: ReturnType<typeof writeContext>,
    event: { action: string; details: Record<string, unknown> },
  ): Promise<R>;
  /** The record as the confirm route answers it. */
  answer(c: Context<AppEnv>, record: R): unknown;
}

/**
 * The three photo routes of a record (announce, confirm, view), the same for hazards and risk points: a photo
 * joins the record only once it is read back and its hash matches, with its facts in the audit event.
 */
export function registerPhotoEvidence<R extends WithPhotos>(
  app: ReturnType<typeof createRouter>,
  routes: Pick<ReturnType<typeof photoRoutes>, 'requestPhoto' | 'confirmPhoto' | 'viewPhoto'>,
  kind: PhotoEvidenceRecord<R>,
) {
  const { collection } = kind;
  app.openapi(routes.requestPhoto, async (c) => {
    kind.mayAdd(c.get('principal'));
    const { record } = await kind.visible(c, c.req.valid('param').id);
    kind.assertOpen(record);
    return c.json(await announcePhoto(c, collection, record.id, c.req.valid('json')), 201);
  });

  app.openapi(routes.confirmPhoto, async (c) => {
    kind.mayAdd(c.get('principal'));
    const { id, photoId } = c.req.valid('param');
    const { stored, record } = await kind.visible(c, id);
    // Confirmed already (a retry): the record as it is.
    if (record.photos.some((photo) => photo.id === photoId)) return c.json(await kind.answer(c, record), 200);
    kind.assertOpen(record);
    const verified = await verifyAnnouncedPhoto(c, collection, record.id, photoId);
    if (!verified) throw new NotFoundError('photo');
    const saved = await kind.save(
      c,
      stored,
      { ...record, photos: [...record.photos, verified] },
      writeContext(c),
      {
        action: 'photo_added',
        details: { photo: photoFacts(verified) },
      },
    );
    await forgetAnnouncedPhoto(c, collection, record.id, photoId);
    return c.json(await kind.answer(c, saved), 200);
  });

  app.openapi(routes.viewPhoto, async (c) => {
    authorize(c.get('principal'), kind.read);
    const { id, photoId } = c.req.valid('param');
    const { record } = await kind.visible(c, id);
    return c.json(await photoLink(c, record.photos, photoId), 200);
  });
}
