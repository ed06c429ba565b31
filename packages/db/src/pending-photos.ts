import type { Photo } from '@gridsafe/core';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/** How long an announced photo waits for its upload and confirmation. */
const PENDING_PHOTO_SECONDS = 86_400;

/**
 * Photos announced for a record (risk point, hazard, patrol) and not yet verified. Each is kept beside the
 * record, not in it (pk `<ENTITY>#<id>`, sk `PHOTO#<photoId>`), so the record is untouched until the upload
 * has been read back and hashed; DynamoDB's TTL removes the ones nobody confirmed within a day.
 */
export class PendingPhotos {
  /** `entity` is the record's key prefix: `RP`, `HZ` or `PATROL`. */
  constructor(
    private readonly store: TenantStore,
    private readonly entity: string,
  ) {}

  private key(recordId: string, photoId: string) {
    return { pk: this.store.key(this.entity, recordId), sk: `PHOTO#${photoId}` };
  }

  async put(recordId: string, photo: Photo, requestedBy: string, now: Date): Promise<void> {
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              ...this.key(recordId, photo.id),
              type: 'PendingPhoto',
              photo: JSON.stringify(photo),
              requestedBy,
              expiresAt: Math.floor(now.getTime() / 1000) + PENDING_PHOTO_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      'photo',
    );
  }

  /**
   * getPendingPhoto: GetItem `<ENTITY>#<id>` / `PHOTO#<photoId>` (consistent: it was just written), with who
   * announced it. An item past `expiresAt` that TTL has not yet removed (it may take days) counts as gone.
   */
  async get(
    recordId: string,
    photoId: string,
    now?: Date,
  ): Promise<{ photo: Photo; requestedBy: string } | undefined> {
    const { pk, sk } = this.key(recordId, photoId);
    const item = await this.store.get(pk, sk, true);
    if (!item) return undefined;
    if (now && Number(item.expiresAt) <= Math.floor(now.getTime() / 1000)) return undefined;
    return { photo: JSON.parse(String(item.photo)) as Photo, requestedBy: String(item.requestedBy) };
  }

  /** The delete, for a transaction of its own or to join the one that takes the photo in. */
  deleteItem(recordId: string, photoId: string): TransactItem {
    return { Delete: { TableName: this.store.tableName, Key: this.key(recordId, photoId) } };
  }

  async delete(recordId: string, photoId: string): Promise<void> {
    await this.store.transact([this.deleteItem(recordId, photoId)], 'photo');
  }
}
