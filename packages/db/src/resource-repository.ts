import {
  coveringCells,
  distanceKm,
  type EmergencyResource,
  RESOURCE_AUDITED_FIELDS,
  type ResourceKind,
} from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { resourceEntity } from './entities.ts';
import { RecordRepository } from './record-repository.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

/** A resource found near a place, with its distance from it. */
export type NearbyResource = EmergencyResource & { distanceKm: number };

/**
 * Emergency resources (declared in entities.ts: pk RES#<id>; a subtree index and two geohash indexes). A resource
 * carries no counters and no search postings: a county has hundreds, not hundreds of thousands.
 */
export class ResourceRepository extends RecordRepository<EmergencyResource> {
  constructor(store: TenantStore) {
    super(store, resourceEntity);
  }

  async create(resource: EmergencyResource, ctx: WriteContext): Promise<EmergencyResource> {
    await this.store.transact(this.creationItems(resource, ctx), 'resource');
    return resource;
  }

  /** A new resource's Put and its `created` event: what create writes, and what a bulk seed batches. */
  creationItems(resource: EmergencyResource, ctx: WriteContext): TransactItem[] {
    return this.writes(resource, NEW_CHAIN, ctx, [
      { action: 'created', details: { kind: resource.kind, name: resource.name, gridId: resource.gridId } },
    ]);
  }

  /** A change under the version the caller saw, audited as the fields that changed. */
  async update(
    stored: StoredItem,
    after: EmergencyResource,
    expectedVersion: number,
    ctx: WriteContext,
  ): Promise<EmergencyResource> {
    const { next, items } = this.change(
      stored,
      after,
      ctx,
      { action: 'updated' },
      { version: expectedVersion },
      RESOURCE_AUDITED_FIELDS,
    );
    await this.store.transact(items, 'resource');
    return next;
  }

  /** listResourcesBySubtree: one Query of gsi1 RESOURCES within the subtree, optionally one kind (a filter). */
  list(
    filter: { withinPath: string; kind?: ResourceKind },
    page: { limit: number; cursor?: string },
  ): Promise<Page<EmergencyResource>> {
    return resourceEntity.page(
      this.store,
      { index: 'gsi1', within: filter.withinPath, where: { kind: filter.kind } },
      page,
    );
  }

  /**
   * listResourcesNear: one Query of gsi2 RESGEO (gsi3 RESGEO#<kind> for one kind) per geohash cell covering the
   * circle, each a sort-key range; then cut to the circle by great-circle distance and sorted nearest first.
   * Reads only the covering cells, never the county (at most a dozen cells; see coveringCells).
   */
  async near(
    center: { lat: number; lng: number },
    radiusKm: number,
    options: { kind?: ResourceKind; keep: (resource: EmergencyResource) => boolean; limit: number },
  ): Promise<NearbyResource[]> {
    const cells = coveringCells(center, radiusKm);
    const found = await Promise.all(
      cells.map((cell) =>
        resourceEntity.all(this.store, {
          index: options.kind ? 'gsi3' : 'gsi2',
          ...(options.kind ? { of: { kind: options.kind } } : {}),
          within: cell,
        }),
      ),
    );
    const nearby: NearbyResource[] = [];
    for (const resource of found.flat()) {
      const distance = distanceKm(center, resource.location);
      if (distance <= radiusKm && options.keep(resource))
        nearby.push({ ...resource, distanceKm: Math.round(distance * 1000) / 1000 });
    }
    return nearby
      .sort((a, b) => a.distanceKm - b.distanceKm || a.id.localeCompare(b.id))
      .slice(0, options.limit);
  }
}
