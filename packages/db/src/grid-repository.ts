import {
  ConflictError,
  type GridBoundary,
  type GridBoundaryGeometry,
  type GridLevel,
  type GridNode,
  type GridResponsible,
  pathOf,
} from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { DepartmentRepository } from './department-repository.ts';
import { gridEntity } from './entities.ts';
import { counterUpdate, readGridCounters, statsPartitionKey } from './grid-stats.ts';
import { RecordRepository } from './record-repository.ts';
import { ledgerVillageMove } from './statistics-ledger.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

/** What a new node is made of; the county root has no parent. */
export interface NewGridNode {
  id: string;
  level: GridLevel;
  name: string;
  code?: string;
  parent?: GridNode;
  responsible?: GridResponsible;
}

/** Grid nodes (declared in entities.ts: pk GRID#<id>, indexed as a tree, by parent and by level). */
export class GridRepository extends RecordRepository<GridNode> {
  constructor(store: TenantStore) {
    super(store, gridEntity);
  }

  async getWithChain(id: string): Promise<StoredItem | undefined> {
    return this.getStored(id, true);
  }

  /** listGridChildren: Query gsi2 GRIDCHILD#<parentId>, in name order. */
  async listChildren(parentId: string, page: { limit: number; cursor?: string }): Promise<Page<GridNode>> {
    return gridEntity.page(this.store, { index: 'gsi2', of: { parentId } }, page);
  }

  /** listGridSubtree: Query gsi1 GRIDTREE within <path>, in path order (parents before children). */
  async listSubtree(path: string, page: { limit: number; cursor?: string }): Promise<Page<GridNode>> {
    return gridEntity.page(this.store, { index: 'gsi1', within: path }, page);
  }

  /** listGridsByLevel: Query gsi3 GRIDLEVEL#<level> [within <path>]. */
  async listByLevel(
    level: GridLevel,
    withinPath: string | undefined,
    page: { limit: number; cursor?: string },
  ): Promise<Page<GridNode>> {
    return gridEntity.page(this.store, { index: 'gsi3', of: { level }, within: withinPath }, page);
  }

  /** The whole tree; a county has a few hundred nodes (Taihe 347, Nanjing's largest district a few thousand). */
  async listAll(): Promise<GridNode[]> {
    return gridEntity.all(this.store, { index: 'gsi1' });
  }

  /** Creates a node (the county root has no parent). The parent must still be where the caller saw it. */
  async create(input: NewGridNode, ctx: WriteContext): Promise<GridNode> {
    const { node, items } = this.creationItems(input, ctx);
    await this.store.transact(items, 'grid');
    return node;
  }

  /**
   * The node `create` would make and the items of its one transaction (the node, its first audit event, the
   * condition on the parent), without writing them: for bulk loaders that must write exactly what `create` does.
   */
  creationItems(input: NewGridNode, ctx: WriteContext): { node: GridNode; items: TransactItem[] } {
    const now = ctx.now.toISOString();
    const node: GridNode = {
      id: input.id,
      level: input.level,
      name: input.name,
      ...(input.code ? { code: input.code } : {}),
      ...(input.parent ? { parentId: input.parent.id } : {}),
      path: pathOf(input.parent, input.id),
      ...(input.responsible ? { responsible: input.responsible } : {}),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const details = {
      name: node.name,
      level: node.level,
      parentId: node.parentId ?? null,
      code: node.code ?? null,
      ...(node.responsible ? { responsible: node.responsible } : {}),
    };
    const items = this.writes(node, NEW_CHAIN, ctx, [{ action: 'created', details }]);
    if (input.parent) {
      items.push(this.stillAt(input.parent));
    }
    return { node, items };
  }

  /**
   * Creates siblings in one transaction: each node and its first audit event, the shared parent checked once
   * (a transaction may name an item only once). For imports: a village's worth of rows is one round trip.
   */
  async createSiblings(inputs: readonly NewGridNode[], ctx: WriteContext): Promise<GridNode[]> {
    const made = inputs.map((input) => this.creationItems(input, ctx));
    const writes = made.flatMap(({ items }) => items.filter((item) => !('ConditionCheck' in item)));
    const parentCheck = made[0]?.items.filter((item) => 'ConditionCheck' in item) ?? [];
    await this.store.transact([...writes, ...parentCheck], 'grid');
    return made.map(({ node }) => node);
  }

  /** Renames or re-codes a node, or names who answers for it: one transaction of the node and its audit event. */
  async update(
    stored: StoredItem,
    changes: { name?: string; code?: string; responsible?: GridResponsible },
    expectedVersion: number,
    ctx: WriteContext,
  ): Promise<GridNode> {
    return this.updateFields(stored, changes, expectedVersion, ctx, ['name', 'code', 'responsible']);
  }

  /**
   * Moves a village to another township. One transaction moves the node, its audit event and the counters:
   * the village's totals leave the old township and arrive at the new one (the county's do not change), and so
   * do its statistics ledger stocks, for today on (its past stays with the old township). A
   * condition on the village's counter shards fails the move if a change slipped in after the totals were read.
   * Records that carry the village path are re-homed afterwards by `rehomeRecords`; the node keeps
   * `rehomeFrom` until that finishes, so an interrupted move can be resumed.
   */
  async moveVillage(
    stored: StoredItem,
    newParent: GridNode,
    expectedVersion: number,
    ctx: WriteContext,
  ): Promise<GridNode> {
    const before = gridEntity.fromItem(stored);
    const oldParentId = before.parentId;
    if (!oldParentId) throw new ConflictError('The county root cannot move.', 'invalid_move');
    const path = pathOf(newParent, before.id);
    const [{ counters, shards }, departments] = await Promise.all([
      readGridCounters(this.store, before.id),
      new DepartmentRepository(this.store).list(),
    ]);
    // The statistics ledger's township partitions exchange what the village holds now (statistics-ledger.ts).
    const ledger = await ledgerVillageMove(
      this.store,
      before.id,
      oldParentId,
      newParent.id,
      departments.map((department) => department.id),
      ctx.now,
    );
    const { next: after, items: moved } = this.change(
      stored,
      { ...before, parentId: newParent.id, path, rehomeFrom: before.path } as GridNode,
      ctx,
      {
        action: 'moved',
        changes: {
          parentId: { before: oldParentId, after: newParent.id },
          path: { before: before.path, after: path },
        },
      },
      { version: expectedVersion },
    );
    const items: TransactItem[] = [
      ...moved,
      this.stillAt(newParent),
      ...shards.map(
        (shard): TransactItem => ({
          ConditionCheck: {
            TableName: this.store.tableName,
            Key: { pk: statsPartitionKey(this.store, before.id), sk: shard.sk },
            ConditionExpression: '#rev = :rev',
            ExpressionAttributeNames: { '#rev': 'rev' },
            ExpressionAttributeValues: { ':rev': shard.rev },
          },
        }),
      ),
    ];
    const totals = Object.fromEntries(Object.entries(counters).filter(([, value]) => value !== 0));
    const leave = counterUpdate(this.store, oldParentId, 1, totals, -1);
    const arrive = counterUpdate(this.store, newParent.id, 1, totals, 1);
    if (leave) items.push(leave);
    if (arrive) items.push(arrive);
    items.push(...ledger);
    await this.store.transact(items, 'grid');
    return after;
  }

  /** A node the write depends on (a parent) must still exist at the path the caller saw. */
  private stillAt(node: GridNode): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.store.tableName,
        Key: gridEntity.key(this.store, node.id),
        ConditionExpression: 'attribute_exists(pk) AND #path = :path',
        ExpressionAttributeNames: { '#path': 'path' },
        ExpressionAttributeValues: { ':path': node.path },
      },
    };
  }

  /** Clears the re-homing mark once every record under the village carries the new path. */
  async finishRehome(id: string): Promise<void> {
    await this.store.transact(
      [
        {
          Update: {
            TableName: this.store.tableName,
            Key: gridEntity.key(this.store, id),
            UpdateExpression: 'REMOVE rehomeFrom',
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      ],
      'grid',
    );
  }

  /**
   * Sets the node's boundary: the GeoJSON in an item of its own beside the node (sk BOUNDARY), so the tree's
   * lists never carry it, and a `boundary_set` event on the node's chain (the node steps one version), in one
   * transaction. Stored as a JSON string: it is read and written whole.
   */
  async setBoundary(
    stored: StoredItem,
    geometry: GridBoundaryGeometry,
    expectedVersion: number,
    ctx: WriteContext,
    details: { bytes: number; positions: number },
  ): Promise<GridBoundary> {
    const before = gridEntity.fromItem(stored);
    const { items } = this.change(
      stored,
      before,
      ctx,
      { action: 'boundary_set', details: { type: geometry.type, ...details } },
      { version: expectedVersion },
    );
    const updatedAt = ctx.now.toISOString();
    items.push({
      Put: {
        TableName: this.store.tableName,
        Item: {
          pk: gridEntity.key(this.store, before.id).pk,
          sk: 'BOUNDARY',
          type: 'GridBoundary',
          geometry: JSON.stringify(geometry),
          updatedAt,
        },
      },
    });
    await this.store.transact(items, 'grid');
    return { gridId: before.id, geometry, updatedAt };
  }

  /**
   * The boundaries of these nodes that have one (the map draws a node's children): one BatchGetItem per 100 nodes.
   * A township has a few dozen villages and the county a few dozen townships, so this is one or two calls.
   */
  async getBoundaries(ids: readonly string[]): Promise<GridBoundary[]> {
    const items = await this.store.batchGet(
      ids.map((id) => ({ pk: gridEntity.key(this.store, id).pk, sk: 'BOUNDARY' })),
    );
    const byPk = new Map(items.map((item) => [String(item.pk), item]));
    return ids.flatMap((id) => {
      const item = byPk.get(gridEntity.key(this.store, id).pk);
      if (!item) return [];
      return [
        {
          gridId: id,
          geometry: JSON.parse(String(item.geometry)) as GridBoundaryGeometry,
          updatedAt: String(item.updatedAt),
        },
      ];
    });
  }

  /** getGridBoundary: GetItem GRID#<id> / BOUNDARY. */
  async getBoundary(id: string): Promise<GridBoundary | undefined> {
    const item = await this.store.get(gridEntity.key(this.store, id).pk, 'BOUNDARY');
    if (!item) return undefined;
    return {
      gridId: id,
      geometry: JSON.parse(String(item.geometry)) as GridBoundaryGeometry,
      updatedAt: String(item.updatedAt),
    };
  }
}
