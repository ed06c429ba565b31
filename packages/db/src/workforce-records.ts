import type { WorkforcePatrol } from '@gridsafe/core';
import { gridEntity, patrolEntity, userEntity } from './entities.ts';
import type { TenantStore } from './tenant-store.ts';

const PATROL_FIELDS = [
  'id',
  'unitId',
  'unitName',
  'gridId',
  'gridPath',
  'departmentId',
  'dueAt',
  'status',
  'completedAt',
  'completedBy',
  'distanceMeters',
] as const;

/**
 * What the workforce view reads for a period and an area, each by a Query (never a Scan): the patrols due in the
 * period (gsi3 PATROLDUE, a sort-key range bounded by the period, which is at most a quarter; filtered to the
 * area and department and projected to the dozen fields the view counts), the villages of the area (gsi3
 * GRIDLEVEL#village within its path) and the grid members (gsi1 USERS filtered to the role).
 */
export async function readWorkforceRecords(
  store: TenantStore,
  query: { start: string; end: string; withinPath: string; departmentId?: string },
): Promise<{
  patrols: WorkforcePatrol[];
  villages: { id: string; name: string; path: string }[];
  members: { id: string; username: string; name: string; gridIds: string[] }[];
}> {
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (query.withinPath) {
    filters.push('(#gridPath = :path OR begins_with(#gridPath, :below))');
    names['#gridPath'] = 'gridPath';
    values[':path'] = query.withinPath;
    values[':below'] = `${query.withinPath}/`;
  }
  if (query.departmentId) {
    filters.push('#departmentId = :departmentId');
    names['#departmentId'] = 'departmentId';
    values[':departmentId'] = query.departmentId;
  }
  const [patrols, villages, members] = await Promise.all([
    patrolEntity.all(store, {
      index: 'gsi3',
      sk: ['BETWEEN :from AND :to', { ':from': query.start, ':to': `${query.end}#` }],
      fields: PATROL_FIELDS,
      ...(filters.length > 0 ? { filter: { expression: filters.join(' AND '), names, values } } : {}),
    }),
    gridEntity.all(store, {
      index: 'gsi3',
      of: { level: 'village' },
      ...(query.withinPath ? { within: query.withinPath } : {}),
    }),
    userEntity.all(store, {
      index: 'gsi1',
      where: { role: 'grid_member' },
      fields: ['id', 'username', 'displayName', 'scope'],
    }),
  ]);
  return {
    patrols: (patrols as unknown as WorkforcePatrol[]).filter(
      (patrol) => patrol.dueAt >= query.start && patrol.dueAt < query.end,
    ),
    villages: villages
      .map((village) => ({ id: village.id, name: village.name, path: village.path }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    members: members
      .map((member) => ({
        id: member.id,
        username: member.username,
        name: member.displayName,
        gridIds: member.scope.filter((grant) => grant.startsWith('grid:')).map((grant) => grant.slice(5)),
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
  };
}
