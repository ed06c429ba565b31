import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Department,
  type GridNode,
  type Hazard,
  isWatched,
  type Patrol,
  type RiskPoint,
  type Unit,
  type User,
} from '@gridsafe/core';
import {
  type ChainHead,
  departmentEntity,
  fromItem,
  gridEntity,
  hazardEntity,
  patrolEntity,
  riskPointEntity,
  sortKeyRange,
  TenantStore,
  unitEntity,
  userEntity,
} from '@gridsafe/db';
import { describe, expect, it } from 'vitest';

/**
 * Counties already deployed keep their data: the items the declarations write must be exactly the ones the
 * repositories wrote before them. `before` holds each repository's `itemOf` as it stood at dcb7d83 (copied, not
 * imported), and every sample record is mapped both ways.
 */
const store = new TenantStore({} as DynamoDBDocumentClient, 'gridsafe', 'taihe');
const chain: ChainHead = { auditSeq: 3, auditHead: 'c'.repeat(64) };
const ID = '01JD5Y7ZK3QF8W0M2N4P6R8T0V';
const PATH = 'root/town1/village1';
const key = (...parts: string[]) => store.key(...parts);

const before = {
  hazard(hazard: Hazard) {
    const sortKey = `${hazard.gridPath}#${hazard.id}`;
    return {
      pk: key('HZ', hazard.id),
      sk: 'HZ',
      type: 'Hazard',
      gsi1pk: key('HAZARDS'),
      gsi1sk: sortKey,
      gsi2pk: key('HZSTATUS', hazard.status),
      gsi2sk: sortKey,
      ...(hazard.departmentId ? { gsi3pk: key('HZDEPT', hazard.departmentId), gsi3sk: sortKey } : {}),
      gsi4pk: key('HZLEVEL', hazard.level),
      gsi4sk: sortKey,
      ...(isWatched(hazard)
        ? { duepk: key('DUE', 'HAZARD'), duesk: `${hazard.escalateAt}#${hazard.id}` }
        : {}),
      // Added with the export feed (docs/exchange.md): every hazard by when it last changed.
      changedpk: key('EXCHANGE'),
      changedsk: `${hazard.updatedAt}#${hazard.id}`,
      ...hazard,
      ...chain,
    };
  },
  riskPoint(point: RiskPoint) {
    const sortKey = `${point.gridPath}#${point.id}`;
    return {
      pk: key('RP', point.id),
      sk: 'RP',
      type: 'RiskPoint',
      gsi1pk: key('RPS'),
      gsi1sk: sortKey,
      gsi2pk: key('RPCOLOR', point.color),
      gsi2sk: sortKey,
      ...(point.departmentId ? { gsi3pk: key('RPDEPT', point.departmentId), gsi3sk: sortKey } : {}),
      gsi4pk: key('RPSTATUS', point.status),
      gsi4sk: sortKey,
      // Added with the export feed: filed points only.
      ...(point.status === 'filed'
        ? { changedpk: key('EXCHANGE'), changedsk: `${point.updatedAt}#${point.id}` }
        : {}),
      // Added with the map's narrow index: every point.
      mappk: key('MAPRPS'),
      mapsk: sortKey,
      ...point,
      ...chain,
    };
  },
  patrol(patrol: Patrol) {
    return {
      pk: key('PATROL', patrol.id),
      sk: 'PATROL',
      type: 'Patrol',
      gsi1pk: key('PATROLS'),
      gsi1sk: `${patrol.gridPath}#${patrol.id}`,
      gsi2pk: key('PATROLSTATUS', patrol.status),
      gsi2sk: `${patrol.gridPath}#${patrol.dueAt}#${patrol.id}`,
      gsi3pk: key('PATROLDUE'),
      gsi3sk: `${patrol.dueAt}#${patrol.id}`,
      gsi4pk: key('PATROLUNIT', patrol.unitId),
      gsi4sk: `${patrol.dueAt}#${patrol.id}`,
      ...patrol,
      ...chain,
    };
  },
  unit(unit: Unit) {
    const sortKey = `${unit.gridPath}#${unit.id}`;
    return {
      pk: key('UNIT', unit.id),
      sk: 'UNIT',
      type: 'Unit',
      gsi1pk: key('UNITS'),
      gsi1sk: sortKey,
      ...(unit.departmentId ? { gsi2pk: key('UNITDEPT', unit.departmentId), gsi2sk: sortKey } : {}),
      gsi3pk: key('UNITIND', unit.industry),
      gsi3sk: sortKey,
      // Added with the map's narrow index: units with a position only.
      ...(unit.location ? { mappk: key('MAPUNITS'), mapsk: sortKey } : {}),
      ...unit,
      ...chain,
    };
  },
  grid(node: GridNode) {
    return {
      pk: key('GRID', node.id),
      sk: 'GRID',
      type: 'Grid',
      gsi1pk: key('GRIDTREE'),
      gsi1sk: node.path,
      gsi2pk: key('GRIDCHILD', node.parentId ?? 'ROOT'),
      gsi2sk: `${node.name}#${node.id}`,
      gsi3pk: key('GRIDLEVEL', node.level),
      gsi3sk: node.path,
      ...node,
      auditSeq: chain.auditSeq,
      auditHead: chain.auditHead,
    };
  },
  user(user: User) {
    return {
      pk: key('USER', user.id),
      sk: 'USER',
      type: 'User',
      gsi1pk: key('USERS'),
      gsi1sk: user.username,
      ...user,
      ...chain,
    };
  },
  department(department: Department) {
    return {
      pk: key('DEPT', department.id),
      sk: 'DEPT',
      type: 'Department',
      gsi1pk: key('DEPTS'),
      gsi1sk: `${department.createdAt}#${department.id}`,
      ...department,
      auditSeq: chain.auditSeq,
      auditHead: chain.auditHead,
    };
  },
};

const stamps = { version: 4, createdAt: '2026-10-01T08:00:00.000Z', updatedAt: '2026-10-02T08:00:00.000Z' };

const openHazard = {
  id: ID,
  title: '冷库氨压缩机房通风不良',
  unitId: '01JD5Y7ZK3QF8W0M2N4P6R8T0W',
  unitName: '冷库',
  industry: 'cold_storage',
  gridId: 'village1',
  gridPath: PATH,
  departmentId: 'emergency',
  source: 'direct',
  supervised: false,
  photos: [],
  rejections: 0,
  reportedBy: 'member',
  severity: 'general',
  status: 'open',
  level: 'village',
  escalationStep: 0,
  escalations: [],
  deadline: '2026-10-09T00:00:00.000Z',
  escalateAt: '2026-10-09T00:00:00.000Z',
  overdue: false,
  ...stamps,
} as Hazard;

const hazards: [string, Hazard][] = [
  ['an open hazard under a department, due for the sweep', openHazard],
  [
    'a closed hazard under no department, out of the due index',
    {
      ...openHazard,
      departmentId: undefined,
      status: 'closed',
      level: 'county',
      escalateAt: undefined,
    } as Hazard,
  ],
  ['a rectified hazard, out of the due index though it has a date', { ...openHazard, status: 'rectified' }],
];
const point = {
  id: ID,
  name: '液氨储罐区',
  unitId: openHazard.unitId,
  unitName: '冷库',
  industry: 'cold_storage',
  gridId: 'village1',
  gridPath: PATH,
  departmentId: 'emergency',
  color: 'red',
  status: 'draft',
  photos: [],
  ...stamps,
} as unknown as RiskPoint;
const patrol = {
  id: ID,
  unitId: openHazard.unitId,
  unitName: '冷库',
  gridId: 'village1',
  gridPath: PATH,
  status: 'scheduled',
  dueAt: '2026-10-20T00:00:00.000Z',
  intervalDays: 30,
  hazardIds: [],
  ...stamps,
} as unknown as Patrol;
const unit = {
  id: ID,
  name: '冷库',
  creditCode: '91341222MA2T8XYZ1K',
  industry: 'cold_storage',
  gridId: 'village1',
  gridPath: PATH,
  departmentId: 'emergency',
  ...stamps,
} as unknown as Unit;
const village = {
  id: 'village1',
  level: 'village',
  name: '一村',
  parentId: 'town1',
  path: PATH,
  ...stamps,
} as GridNode;
const user = {
  id: ID,
  username: 'grid.member',
  displayName: '网格员',
  role: 'grid_member',
  scope: { gridId: 'village1' },
  enabled: true,
  ...stamps,
} as unknown as User;
const department = {
  id: 'emergency',
  name: '应急管理局',
  industries: ['cold_storage'],
  ...stamps,
} as Department;

function expectSameItem(written: Record<string, unknown>, expected: Record<string, unknown>) {
  expect(written).toStrictEqual(expected);
  expect(Object.keys(written).sort()).toEqual(Object.keys(expected).sort());
}

describe('entity declarations', () => {
  it.each(hazards)('write %s exactly as the hazard repository did', (_, hazard) => {
    expectSameItem(hazardEntity.toItem(store, hazard, chain), before.hazard(hazard));
  });

  it('write risk points with and without a department exactly as before', () => {
    expectSameItem(riskPointEntity.toItem(store, point, chain), before.riskPoint(point));
    const loose = { ...point, departmentId: undefined } as RiskPoint;
    expectSameItem(riskPointEntity.toItem(store, loose, chain), before.riskPoint(loose));
    expect(riskPointEntity.toItem(store, loose, chain)).not.toHaveProperty('gsi3pk');
  });

  it('write patrols, units, people and departments exactly as before', () => {
    expectSameItem(patrolEntity.toItem(store, patrol, chain), before.patrol(patrol));
    expectSameItem(unitEntity.toItem(store, unit, chain), before.unit(unit));
    const loose = { ...unit, departmentId: undefined } as Unit;
    expectSameItem(unitEntity.toItem(store, loose, chain), before.unit(loose));
    expectSameItem(userEntity.toItem(store, user, chain), before.user(user));
    expectSameItem(departmentEntity.toItem(store, department, chain), before.department(department));
  });

  it('write a village and the county root (children of ROOT) exactly as before', () => {
    expectSameItem(gridEntity.toItem(store, village, chain), before.grid(village));
    const root = { id: 'root', level: 'county', name: '太和县', path: 'root', ...stamps } as GridNode;
    expectSameItem(gridEntity.toItem(store, root, chain), before.grid(root));
    expect(gridEntity.toItem(store, root, chain).gsi2pk).toBe('T#taihe#GRIDCHILD#ROOT');
  });

  it('read back each record as it was, as the table-wide fromItem does', () => {
    const samples = [
      [hazardEntity, openHazard],
      [riskPointEntity, point],
      [patrolEntity, patrol],
      [unitEntity, unit],
      [gridEntity, village],
      [userEntity, user],
      [departmentEntity, department],
    ] as const;
    for (const [entity, record] of samples) {
      const item = (entity.toItem as (s: TenantStore, r: unknown, c: ChainHead) => Record<string, unknown>)(
        store,
        record,
        chain,
      );
      expect(entity.fromItem(item)).toStrictEqual(record);
      expect(fromItem(item)).toStrictEqual(record);
    }
  });

  it('query a status within a subtree with the key condition the repositories used, so cursors stay valid', () => {
    expect(
      hazardEntity.query(store, {
        index: 'gsi2',
        of: { status: 'open' },
        within: 'root/town1',
        where: { status: 'open', unitId: unit.id },
      }),
    ).toStrictEqual({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :path AND :pathEnd',
      FilterExpression: '#unitId = :unitId',
      ExpressionAttributeNames: { '#unitId': 'unitId' },
      ExpressionAttributeValues: {
        ':pk': 'T#taihe#HZSTATUS#open',
        ...sortKeyRange('root/town1'),
        ':unitId': unit.id,
      },
    });
  });

  it('query the sparse due index and a unit’s patrols newest first', () => {
    expect(hazardEntity.query(store, { index: 'due', sk: ['<= :now', { ':now': 'x' }] })).toStrictEqual({
      IndexName: 'due',
      KeyConditionExpression: 'duepk = :pk AND duesk <= :now',
      ExpressionAttributeValues: { ':pk': 'T#taihe#DUE#HAZARD', ':now': 'x' },
    });
    expect(
      patrolEntity.query(store, { index: 'gsi4', of: { unitId: 'u1' }, newestFirst: true }),
    ).toStrictEqual({
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': 'T#taihe#PATROLUNIT#u1' },
      ScanIndexForward: false,
    });
  });

  it('refuse a query whose partition names a field the query does not give', () => {
    expect(() => hazardEntity.query(store, { index: 'gsi2' })).toThrow(/needs status/);
    expect(() => userEntity.query(store, { index: 'gsi2' })).toThrow(/not in gsi2/);
  });
});
