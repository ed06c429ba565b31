import { chinaDay, type Hazard, supervisionNumber } from '@gridsafe/core';
import {
  type HazardFilter,
  type HazardRepository,
  type SupervisionRegister,
  type TransactItem,
  withinPath,
} from '@gridsafe/db';

/**
 * The 挂牌督办 register's page of `GET /hazards?supervised=true`: the register's own partition, in listing order,
 * each hazard kept when it is in the caller's place and passes the list's other filters (a page may be short).
 */
export function supervisedPage(
  hazards: HazardRepository,
  filter: HazardFilter & { query?: string },
  page: { limit: number; cursor?: string },
) {
  const { status, departmentId, level, unitId, overdue, query } = filter;
  return hazards.listSupervised(
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

/** The next 督办单 number of the county's year (China time), and the claim its listing's transaction writes. */
export async function drawSupervisionNumber(
  register: SupervisionRegister,
  now: Date,
): Promise<{ number: string; claim: TransactItem }> {
  const year = Number(chinaDay(now).slice(0, 4));
  const { n, claim } = await register.nextNumber(year);
  return { number: supervisionNumber(year, n), claim };
}
