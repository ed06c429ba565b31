import { ConflictError, diff, type GridLevel, type GridNode, pathOf } from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { counterUpdate, readGridCounters, statsPartitionKey } from './grid-stats.ts';
import { sortKeyRange } from './keys.ts';
import { fromItem, type Page, type StoredItem, type TenantStore, type TransactItem } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

const ENTITY = 'grid';

/**
 * Grid nodes. Item: pk GRID#<id> / sk GRID, with three index entries:
 * - gsi1 GRIDTREE / <path>: a subtree is one begins_with query;
 * - gsi2 GRIDCHILD#<parentId> / <name>#<id>: children, in name order;
 * - gsi3 GRIDLEVEL#<level> / <path>: every township or village, optionally within a subtree.
 */
export class GridRepository {
  constructor(private readonly store: TenantStore) {}

  /** getGrid: GetItem GRID#<id>. */
  async get(id: string): Promise<GridNode | undefined> {
    const item = await this.store.get(this.store.key('GRID', id), 'GRID');
    return item ? fromItem<GridNode>(item) : undefined;
  }

  async getWithChain(id: string): Promise<StoredItem | undefined> {
    return this.store.get(this.store.key('GRID', id), 'GRID', true);
  }

  /** listGridChildren: Query gsi2 GRIDCHILD#<parentId>. */
  async listChildren(parentId: string, page: { limit: number; cursor?: string }): Promise<Page<GridNode>> {
    const result = await this.store.queryPage(
      {
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': this.store.key('GRIDCHILD', parentId) },
      },
      page,
    );
    return { items: result.items.map((item) => fromItem<GridNode>(item)), nextCursor: result.nextCursor };
  }

  /** listGridSubtree: Query gsi1 GRIDTREE begins_with(<path>), in path order (parents before children). */
  async listSubtree(path: string, page: { limit: number; cursor?: string }): Promise<Page<GridNode>> {
    const result = await this.store.queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :path AND :pathEnd',
        ExpressionAttributeValues: { ':pk': this.store.key('GRIDTREE'), ...sortKeyRange(path) },
      },
      page,
    );
    return { items: result.items.map((item) => fromItem<GridNode>(item)), nextCursor: result.nextCursor };
  }

  /** listGridsByLevel: Query gsi3 GRIDLEVEL#<level> [begins_with(<path>)]. */
  async listByLevel(
    level: GridLevel,
    withinPath: string | undefined,
    page: { limit: number; cursor?: string },
  ): Promise<Page<GridNode>> {
    const result = await this.store.queryPage(
      {
        IndexName: 'gsi3',
        KeyConditionExpression: withinPath
          ? 'gsi3pk = :pk AND gsi3sk BETWEEN :path AND :pathEnd'
          : 'gsi3pk = :pk',
        ExpressionAttributeValues: {
          ':pk': this.store.key('GRIDLEVEL', level),
          ...(withinPath ? sortKeyRange(withinPath) : {}),
        },
      },
      page,
    );
    return { items: result.items.map((item) => fromItem<GridNode>(item)), nextCursor: result.nextCursor };
  }

  /** The whole tree; a county has a few hundred nodes (Taihe 347, Nanjing's largest district a few thousand). */
  async listAll(): Promise<GridNode[]> {
    const items = await this.store.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': this.store.key('GRIDTREE') },
    });
    return items.map((item) => fromItem<GridNode>(item));
  }

  private indexAttributes(node: GridNode) {
    return {
      gsi1pk: this.store.key('GRIDTREE'),
      gsi1sk: node.path,
      gsi2pk: this.store.key('GRIDCHILD', node.parentId ?? 'ROOT'),
      gsi2sk: `${node.name}#${node.id}`,
      gsi3pk: this.store.key('GRIDLEVEL', node.level),
      gsi3sk: node.path,
    };
  }

  /** Creates a node (the county root has no parent). The parent must still be where the caller saw it. */
  async create(
    input: { id: string; level: GridLevel; name: string; code?: string; parent?: GridNode },
    ctx: WriteContext,
  ): Promise<GridNode> {
    const { node, items } = this.creationItems(input, ctx);
    await this.store.transact(items, 'grid');
    return node;
  }

  /**
   * The node `create` would make and the items of its one transaction (the node, its first audit event, the
   * condition on the parent), without writing them: for bulk loaders that must write exactly what `create` does.
   */
  creationItems(
    input: { id: string; level: GridLevel; name: string; code?: string; parent?: GridNode },
    ctx: WriteContext,
  ): { node: GridNode; items: TransactItem[] } {
    const now = ctx.now.toISOString();
    const node: GridNode = {
      id: input.id,
      level: input.level,
      name: input.name,
      ...(input.code ? { code: input.code } : {}),
      ...(input.parent ? { parentId: input.parent.id } : {}),
      path: pathOf(input.parent, input.id),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const audit = appendAuditEvent(this.store, NEW_CHAIN, {
      entityType: ENTITY,
      entityId: node.id,
      action: 'created',
      ...auditFacts(ctx),
      details: {
        name: node.name,
        level: node.level,
        parentId: node.parentId ?? null,
        code: node.code ?? null,
      },
    });
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.store.tableName,
          Item: {
            pk: this.store.key('GRID', node.id),
            sk: 'GRID',
            type: 'Grid',
            ...this.indexAttributes(node),
            ...node,
            auditSeq: audit.next.auditSeq,
            auditHead: audit.next.auditHead,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      audit.put,
    ];
    if (input.parent) {
      items.push({
        ConditionCheck: {
          TableName: this.store.tableName,
          Key: { pk: this.store.key('GRID', input.parent.id), sk: 'GRID' },
          ConditionExpression: 'attribute_exists(pk) AND #path = :path',
          ExpressionAttributeNames: { '#path': 'path' },
          ExpressionAttributeValues: { ':path': input.parent.path },
        },
      });
    }
    return { node, items };
  }

  /** Renames or re-codes a node: one transaction of the node and its audit event. */
  async update(
    stored: StoredItem,
    changes: { name?: string; code?: string },
    expectedVersion: number,
    ctx: WriteContext,
  ): Promise<GridNode> {
    const before = fromItem<GridNode>(stored);
    const after: GridNode = {
      ...before,
      ...changes,
      version: before.version + 1,
      updatedAt: ctx.now.toISOString(),
    };
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: ENTITY,
      entityId: before.id,
      action: 'updated',
      ...auditFacts(ctx),
      changes: diff(before, after, ['name', 'code']),
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: stored.pk,
              sk: stored.sk,
              type: 'Grid',
              ...this.indexAttributes(after),
              ...after,
              auditSeq: audit.next.auditSeq,
              auditHead: audit.next.auditHead,
            },
            ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        audit.put,
      ],
      'grid',
    );
    return after;
  }

  /**
   * Moves a village to another township. One transaction moves the node, its audit event and the counters:
   * the village's totals leave the old township and arrive at the new one (the county's do not change). A
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
    const before = fromItem<GridNode & { rehomeFrom?: string }>(stored);
    const oldParentId = before.parentId;
    if (!oldParentId) throw new ConflictError('The county root cannot move.', 'invalid_move');
    const after: GridNode & { rehomeFrom: string } = {
      ...before,
      parentId: newParent.id,
      path: pathOf(newParent, before.id),
      version: before.version + 1,
      updatedAt: ctx.now.toISOString(),
      rehomeFrom: before.path,
    };
    const { counters, shards } = await readGridCounters(this.store, before.id);
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: ENTITY,
      entityId: before.id,
      action: 'moved',
      ...auditFacts(ctx),
      changes: {
        parentId: { before: oldParentId, after: newParent.id },
        path: { before: before.path, after: after.path },
      },
    });
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.store.tableName,
          Item: {
            pk: stored.pk,
            sk: stored.sk,
            type: 'Grid',
            ...this.indexAttributes(after),
            ...after,
            auditSeq: audit.next.auditSeq,
            auditHead: audit.next.auditHead,
          },
          ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      },
      audit.put,
      {
        ConditionCheck: {
          TableName: this.store.tableName,
          Key: { pk: this.store.key('GRID', newParent.id), sk: 'GRID' },
          ConditionExpression: 'attribute_exists(pk) AND #path = :path',
          ExpressionAttributeNames: { '#path': 'path' },
          ExpressionAttributeValues: { ':path': newParent.path },
        },
      },
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
    await this.store.transact(items, 'grid');
    return after;
  }

  /** Clears the re-homing mark once every record under the village carries the new path. */
  async finishRehome(id: string): Promise<void> {
    await this.store.transact(
      [
        {
          Update: {
            TableName: this.store.tableName,
            Key: { pk: this.store.key('GRID', id), sk: 'GRID' },
            UpdateExpression: 'REMOVE rehomeFrom',
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      ],
      'grid',
    );
  }
}
