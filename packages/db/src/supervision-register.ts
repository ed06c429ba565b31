import type { Hazard } from '@gridsafe/core';
import type { Page, TenantStore, TransactItem } from './tenant-store.ts';

/** A hazard's entry in the register. */
export function registerEntry(store: TenantStore, hazardId: string, supervisedAt: string) {
  return { pk: store.key('SUPREG'), sk: `${supervisedAt}#${hazardId}`, type: 'SupervisionEntry', hazardId };
}

/** The entry a hazard's change writes: when it is listed for the first time (listing again keeps its entry). */
export function registerChanges(
  store: TenantStore,
  before: Pick<Hazard, 'supervised'> | undefined,
  next: Hazard,
): TransactItem[] {
  if (!next.supervised || before?.supervised || !next.supervisedAt) return [];
  return [{ Put: { TableName: store.tableName, Item: registerEntry(store, next.id, next.supervisedAt) } }];
}

/**
 * The 挂牌督办 register (issue 18): one entry per hazard ever listed, at pk `T#<tenant>#SUPREG`, sk
 * `<supervisedAt>#<hazardId>`, so `GET /hazards?supervised=true` is one Query of that partition, longest listed
 * first, then the hazards by key, never a filter over every hazard. The hazard's five indexes are all taken and the
 * register is small (a county lists a dozen major hazards a year), so it is a partition of its own rather than a
 * sixth index. The entry holds no grid path: a village move (rehome.ts) has nothing to rewrite in it.
 *
 * The 督办单 numbers are drawn from one sequence item per county and year (`SEQ#SUPERVISION#<year>`), moved under
 * a condition in the listing's own transaction: two listings at once cannot take one number (the
 * loser's listing is tried again by the API, withDrawnNumbers).
 */
export class SupervisionRegister {
  constructor(private readonly store: TenantStore) {}

  /** listSupervisedHazardIds: Query SUPREG, oldest listing first (the longest standing at the top). */
  async listIds(page: { limit: number; cursor?: string }): Promise<Page<string>> {
    const entries = await this.store.queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': this.store.key('SUPREG') },
      },
      page,
    );
    return {
      items: entries.items.map((entry) => String(entry.hazardId)),
      ...(entries.nextCursor ? { nextCursor: entries.nextCursor } : {}),
    };
  }

  /** The next 督办单 number of the year, and the conditional update that claims it in the listing's transaction. */
  async nextNumber(year: number): Promise<{ n: number; claim: TransactItem }> {
    const key = { pk: this.store.key('SEQ', 'SUPERVISION', String(year)), sk: 'SEQ' };
    const current = await this.store.get(key.pk, key.sk, true);
    const last = typeof current?.last === 'number' ? current.last : 0;
    const n = last + 1;
    return {
      n,
      claim: {
        Update: {
          TableName: this.store.tableName,
          Key: key,
          UpdateExpression: 'SET #last = :n, #type = :type',
          ConditionExpression: last === 0 ? 'attribute_not_exists(#last)' : '#last = :last',
          ExpressionAttributeNames: { '#last': 'last', '#type': 'type' },
          ExpressionAttributeValues: {
            ':n': n,
            ':type': 'Sequence',
            ...(last === 0 ? {} : { ':last': last }),
          },
        },
      },
    };
  }
}

/**
 * `npm run migrate`: hazards listed before the register (the flag alone) join it: an entry each, their 五落实
 * empty (the API and the web show them 待补充, and listing again completes them). Listed hazards are always at the
 * county, so the county level's partition is read, not every hazard. Puts only: safe to run again.
 */
export async function migrateSupervisedToRegister(
  store: TenantStore,
  levelHazards: (level: 'county') => Promise<Hazard[]>,
): Promise<{ listed: number }> {
  const listed = (await levelHazards('county')).filter((hazard) => hazard.supervised);
  for (const hazard of listed) {
    const at = hazard.supervisedAt ?? hazard.updatedAt;
    await store.transact(
      [{ Put: { TableName: store.tableName, Item: registerEntry(store, hazard.id, at) } }],
      'hazard',
    );
  }
  return { listed: listed.length };
}
