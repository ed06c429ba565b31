import { chinaDay, type Hazard, supervisionNumber } from '@gridsafe/core';
import {
  type HazardFilter,
  hazardEntity,
  SupervisionRegister,
  type TenantStore,
  type TransactItem,
  withinPath,
} from '@gridsafe/db';

/**
 * The 挂牌督办 register's page of `GET /hazards?supervised=true`: the register's own partition, in listing order,
 * each hazard kept when it is in the caller's place and passes the list's other filters (a page may be short).
 */
export async function supervisedPage(
  store: TenantStore,
  filter: HazardFilter & { query?: string },
  page: { limit: number; cursor?: string },
) {
  const { status, departmentId, level, unitId, overdue, query } = filter;
  return listSupervised(
    store,
    page,
    (hazard: Hazard) =>
      withinPath(hazard, filter.withinPath) &&
      (!status || hazard.status === status) &&
      (!departmentId || hazard.departmentId === departmentId) &&
      (!level || hazard.level === level) &&
      (!unitId || hazard.unitId === unitId) &&
      (!query || hazard.title.includes(query)) &&
      (overdue === undefined || overdue === (hazard.overdue && hazard.status !== 'closed')),
  );
}

/**
 * listSupervisedHazards: the register's partition (one Query), then the page's hazards by key (BatchGetItem),
 * kept when `keep` says they are in the caller's place and filters.
 */
async function listSupervised(
  store: TenantStore,
  page: { limit: number; cursor?: string },
  keep: (hazard: Hazard) => boolean,
) {
  const ids = await new SupervisionRegister(store).listIds(page);
  const stored = await store.batchGet(ids.items.map((id) => hazardEntity.key(store, id)));
  const byId = new Map(stored.map((item) => [String(item.id), hazardEntity.fromItem<Hazard>(item)]));
  const items = ids.items.flatMap((id) => {
    const hazard = byId.get(id);
    return hazard && keep(hazard) ? [hazard] : [];
  });
  return { items, ...(ids.nextCursor ? { nextCursor: ids.nextCursor } : {}) };
}

/** The next 督办单 number of the county's year (China time), and the claim its listing's transaction writes. */
export async function drawSupervisionNumber(
  store: TenantStore,
  now: Date,
): Promise<{ number: string; claim: TransactItem }> {
  const year = Number(chinaDay(now).slice(0, 4));
  const { n, claim } = await new SupervisionRegister(store).nextNumber(year);
  return { number: supervisionNumber(year, n), claim };
}
