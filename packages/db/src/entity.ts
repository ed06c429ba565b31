import type { ChainHead } from './audit-log.ts';
import { sortKeyRange } from './keys.ts';
import { type GsiName, gsiKeyAttributes } from './table-definition.ts';
import {
  type Page,
  type QueryInput,
  type StoredItem,
  type TenantStore,
  type TransactItem,
  withoutAttributes,
} from './tenant-store.ts';

/**
 * A partition key after the county prefix: a constant name, or a name and the field whose value follows it
 * (`['HZSTATUS', 'status']` is `T#<tenant>#HZSTATUS#<status>`), with the value to use when the field is absent.
 */
export type PartitionDeclaration<T> =
  | readonly [name: string]
  | readonly [name: string, field: keyof T & string, whenAbsent?: string];

export interface IndexDeclaration<T> {
  pk: PartitionDeclaration<T>;
  sk: (record: T) => string;
  /** A sparse index: the item is in it only while this holds (every write puts the whole item, so it leaves). */
  when?: (record: T) => boolean;
}

export interface EntityDeclaration<T> {
  /** The item's `type` attribute. */
  type: string;
  /** The item's key: pk `<prefix>#<id>`, sk `<prefix>`. */
  prefix: string;
  /** The entity type its audit trail is kept under (AUDIT#<audit>#<id>). */
  audit: string;
  indexes: Partial<Record<GsiName, IndexDeclaration<T>>>;
}

/** The optimistic lock of a change: the version the writer saw, and any further condition it needs. */
export interface VersionLock {
  version: number;
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** One Query of an entity's index, named by the fields its partition is built from. */
export interface EntityQuery<T> {
  index: GsiName;
  /** The values the index's partition names (`{ status: 'open' }` for `['HZSTATUS', 'status']`). */
  of?: Partial<Record<keyof T & string, unknown>>;
  /** A grid subtree: sort keys starting with this path (a range, see sortKeyRange); '' is the whole partition. */
  within?: string | undefined;
  /** Any other sort-key condition, written after `<index>sk` (`<= :now`), and its values. */
  sk?: readonly [condition: string, values: Record<string, unknown>];
  /** Equality filters; absent values and the field the partition already names are left out. */
  where?: Partial<Record<keyof T & string, unknown>>;
  /** One more filter of the caller's own, ANDed after the equality filters. */
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
  /** Answer only these fields (a ProjectionExpression). */
  fields?: readonly string[];
  newestFirst?: boolean;
}

export interface Entity<T extends { id: string }> extends EntityDeclaration<T> {
  key(store: TenantStore, id: string): { pk: string; sk: string };
  toItem(store: TenantStore, record: T, chain: ChainHead): StoredItem;
  /** The record as the domain sees it: the key, the `type`, the declared index keys and the chain head stripped. */
  fromItem<R = T>(item: StoredItem): R;
  /** The Put of the whole item: a new one (no item at its key yet), or a change under its version lock. */
  put(store: TenantStore, record: T, chain: ChainHead, lock?: VersionLock): TransactItem;
  query(store: TenantStore, query: EntityQuery<T>): QueryInput;
  page<R = T>(
    store: TenantStore,
    query: EntityQuery<T>,
    page: { limit: number; cursor?: string },
  ): Promise<Page<R>>;
  all(store: TenantStore, query: EntityQuery<T>): Promise<T[]>;
}

/**
 * Declares a record type once: its key, its index keys and when it is in a sparse index. The item written, the
 * fields `fromItem` strips and every Query of its indexes are derived from the declaration, so a repository
 * builds no key of its own. An in-house declaration, not ElectroDB or dynamodb-toolbox: either would cost the
 * API's cold start more than the budget has left (docs/decisions.md, "Entities declared once").
 *
 * @example
 * const department = entity<Department>({
 *   type: 'Department',
 *   prefix: 'DEPT',
 *   audit: 'department',
 *   indexes: { gsi1: { pk: ['DEPTS'], sk: (d) => `${d.createdAt}#${d.id}` } },
 * });
 * department.toItem(store, record, chain); // { pk: 'T#taihe#DEPT#<id>', sk: 'DEPT', type, gsi1pk, gsi1sk, ... }
 */
export function entity<T extends { id: string }>(declaration: EntityDeclaration<T>): Entity<T> {
  const indexes = Object.entries(declaration.indexes) as [GsiName, IndexDeclaration<T>][];
  const stripped = new Set([
    'pk',
    'sk',
    'type',
    'auditSeq',
    'auditHead',
    ...indexes.flatMap(([name]) => Object.values(gsiKeyAttributes(name))),
  ]);
  const partition = (store: TenantStore, [name, field, whenAbsent]: PartitionDeclaration<T>, of: object) => {
    if (!field) return store.key(name);
    const value = (of as Record<string, unknown>)[field] ?? whenAbsent;
    if (value === undefined) throw new Error(`${declaration.type}: the ${name} partition needs ${field}.`);
    return store.key(name, String(value));
  };
  const self: Entity<T> = {
    ...declaration,
    key: (store, id) => ({ pk: store.key(declaration.prefix, id), sk: declaration.prefix }),
    toItem(store, record, chain) {
      const indexKeys: StoredItem = {};
      for (const [name, index] of indexes) {
        if (index.when && !index.when(record)) continue;
        const attributes = gsiKeyAttributes(name);
        indexKeys[attributes.pk] = partition(store, index.pk, record);
        indexKeys[attributes.sk] = index.sk(record);
      }
      return {
        ...self.key(store, record.id),
        type: declaration.type,
        ...indexKeys,
        ...(record as object),
        ...chain,
      };
    },
    fromItem: <R>(item: StoredItem) => withoutAttributes(item, stripped) as R,
    put: (store, record, chain, lock) => ({
      Put: {
        TableName: store.tableName,
        Item: self.toItem(store, record, chain),
        ...(lock
          ? {
              ConditionExpression: `attribute_exists(pk) AND #version = :expected${lock.condition ? ` AND ${lock.condition}` : ''}`,
              ExpressionAttributeNames: { '#version': 'version', ...lock.names },
              ExpressionAttributeValues: { ':expected': lock.version, ...lock.values },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    }),
    query(store, query) {
      const index = declaration.indexes[query.index];
      if (!index) throw new Error(`${declaration.type} is not in ${query.index}.`);
      const { pk, sk } = gsiKeyAttributes(query.index);
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':pk': partition(store, index.pk, query.of ?? {}) };
      let keyCondition = `${pk} = :pk`;
      const range: readonly [string, Record<string, unknown>] | undefined = query.within
        ? ['BETWEEN :path AND :pathEnd', sortKeyRange(query.within)]
        : query.sk;
      if (range) {
        keyCondition += ` AND ${sk} ${range[0]}`;
        Object.assign(values, range[1]);
      }
      const filters: string[] = [];
      for (const [field, value] of Object.entries(query.where ?? {})) {
        if (value === undefined || field === index.pk[1]) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        filters.push(`#${field} = :${field}`);
      }
      if (query.filter) {
        Object.assign(names, query.filter.names);
        Object.assign(values, query.filter.values);
        filters.push(query.filter.expression);
      }
      for (const field of query.fields ?? []) names[`#p_${field}`] = field;
      return {
        IndexName: query.index,
        KeyConditionExpression: keyCondition,
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(query.fields
          ? { ProjectionExpression: query.fields.map((field) => `#p_${field}`).join(', ') }
          : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        ...(query.newestFirst ? { ScanIndexForward: false } : {}),
      };
    },
    async page(store, query, page) {
      const result = await store.queryPage(self.query(store, query), page);
      return { items: result.items.map((item) => self.fromItem(item)), nextCursor: result.nextCursor };
    },
    all: async (store, query) =>
      (await store.queryAll(self.query(store, query))).map((item) => self.fromItem(item)),
  };
  return self;
}
