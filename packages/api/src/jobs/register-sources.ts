import {
  authorize,
  type Capability,
  type Department,
  type GridNode,
  type Hazard,
  listScope,
  type Patrol,
  type Principal,
  type RegisterKind,
  scopeFilter,
  type Unit,
  ValidationError,
} from '@gridsafe/core';
import {
  DepartmentRepository,
  GridRepository,
  HazardRepository,
  type Page,
  PatrolRepository,
  type RiskPointListItem,
  RiskPointRepository,
  type TenantStore,
  UnitRepository,
} from '@gridsafe/db';
import * as z from 'zod/mini';
import { ListQuerySchema as HazardListQuerySchema } from '../routes/hazard-schemas.ts';
import { PatrolListQuerySchema } from '../routes/patrols.ts';
import { ListQuerySchema as RiskPointListQuerySchema } from '../routes/risk-point-schemas.ts';
import { UnitListQuerySchema } from '../routes/units.ts';

/**
 * What each register exports: the list's own filters (its query parameters without the paging), the capability
 * that reads it, and its columns under Chinese headers. The rows are the list's, read page after page through
 * the same repository call and the same scope (core's listScope) the list route uses, so an export holds exactly
 * what its person could have paged through on screen.
 */

// Paging is the job's own; text search (q) reads another index the export does not page through, so a search is
// refused by name rather than exported as if it were not there.
const PAGING = { limit: true, cursor: true, q: true } as const;

/** The lists' filters, refusing anything else by name (a misspelt filter must not silently export everything). */
export const EXPORT_FILTERS = {
  units: z.strictObject(z.omit(UnitListQuerySchema, PAGING).shape),
  'risk-points': z.strictObject(z.omit(RiskPointListQuerySchema, PAGING).shape),
  hazards: z.strictObject(z.omit(HazardListQuerySchema, PAGING).shape),
  patrols: z.strictObject(z.omit(PatrolListQuerySchema, { limit: true, cursor: true, assignee: true }).shape),
} satisfies Record<RegisterKind, z.ZodMiniType>;

export const REGISTER_READ: Record<RegisterKind, Capability> = {
  units: 'unit.read',
  'risk-points': 'riskPoint.read',
  hazards: 'hazard.read',
  patrols: 'patrol.read',
};

/** The register's title in the file name and the watermark. */
export const REGISTER_TITLE: Record<RegisterKind, string> = {
  units: '生产经营单位台账',
  'risk-points': '风险点台账',
  hazards: '隐患台账',
  patrols: '巡查台账',
};

/** Checks an export's filters as its list would, naming a bad one as `filters.<name>`. */
export function parseExportFilters(kind: RegisterKind, filters: Record<string, string>) {
  const parsed = EXPORT_FILTERS[kind].safeParse(filters);
  if (!parsed.success)
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({
        path: ['filters', ...issue.path, ...((issue as { keys?: string[] }).keys ?? [])].join('.'),
        message: issue.message,
      })),
    );
  return parsed.data as Record<string, string | undefined>;
}

export type Cell = string | number;
export interface Column<T> {
  header: string;
  /** Excel column width in characters. */
  width: number;
  value(record: T): Cell | undefined;
}

/** The county's grid and departments by id, to name a record's township, village and department in words. */
export interface Names {
  grid: Map<string, GridNode>;
  department: Map<string, Department>;
  /** When the export was asked for: a patrol past due by then is overdue. */
  now: Date;
}

export async function countyNames(store: TenantStore, now: Date): Promise<Names> {
  const [grids, departments] = await Promise.all([
    new GridRepository(store).listAll(),
    new DepartmentRepository(store).list(),
  ]);
  return {
    grid: new Map(grids.map((node) => [node.id, node])),
    department: new Map(departments.map((department) => [department.id, department])),
    now,
  };
}

/** The township and village of a grid path `<county>/<township>/<village>`. */
const place = (names: Names, path: string, depth: 1 | 2) =>
  names.grid.get(path.split('/')[depth] ?? '')?.name;
const department = (names: Names, id: string | undefined) =>
  id ? names.department.get(id)?.name : undefined;
const local = (iso: string | undefined) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : undefined;

const LEVEL = { county: '县级', township: '乡镇级', village: '村级' } as Record<string, string>;
const COLOR = { red: '红', orange: '橙', yellow: '黄', blue: '蓝', ungraded: '未定级' } as Record<
  string,
  string
>;
const RISK_STATUS = {
  draft: '草稿',
  submitted: '待审核',
  township_approved: '乡镇已审',
  filed: '已备案',
} as Record<string, string>;
const HAZARD_STATUS = {
  open: '待整改',
  rectifying: '整改中',
  rectified: '待验收',
  closed: '已闭环',
} as Record<string, string>;
const SEVERITY = { general: '一般隐患', major: '重大隐患' } as Record<string, string>;
const PATROL_STATUS = { scheduled: '待巡查', overdue: '已逾期', done: '已完成' } as Record<string, string>;

interface Register<T> {
  columns(names: Names): Column<T>[];
  /** The list's pages for the person, as its route reads them. */
  pages(
    store: TenantStore,
    principal: Principal,
    filters: Record<string, string | undefined>,
    now: Date,
  ): AsyncIterable<T[]>;
}

/** Reads a repository list page after page (1,000 items a Query, DynamoDB's 1 MB permitting). */
async function* paged<T>(read: (page: { limit: number; cursor?: string }) => Promise<Page<T>>) {
  let cursor: string | undefined;
  do {
    const page = await read({ limit: 1000, ...(cursor ? { cursor } : {}) });
    yield page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

async function scopeOf(store: TenantStore, principal: Principal, request: Parameters<typeof listScope>[1]) {
  const grids = new GridRepository(store);
  const units = new UnitRepository(store);
  return listScope(principal, request, { grid: (id) => grids.get(id), unit: (id) => units.get(id) });
}

const unitRegister: Register<Unit> = {
  columns: (names) => [
    { header: '单位名称', width: 30, value: (u) => u.name },
    { header: '统一社会信用代码', width: 22, value: (u) => u.creditCode },
    { header: '行业', width: 14, value: (u) => u.industry },
    { header: '乡镇', width: 12, value: (u) => place(names, u.gridPath, 1) },
    { header: '村/社区', width: 12, value: (u) => place(names, u.gridPath, 2) },
    { header: '地址', width: 30, value: (u) => u.address },
    { header: '经度', width: 11, value: (u) => u.location?.lng },
    { header: '纬度', width: 11, value: (u) => u.location?.lat },
    { header: '联系人', width: 10, value: (u) => u.contact?.name },
    { header: '联系电话', width: 14, value: (u) => u.contact?.phone },
    { header: '监管层级', width: 10, value: (u) => LEVEL[u.supervisionLevel] },
    { header: '主管部门', width: 16, value: (u) => department(names, u.departmentId) },
  ],
  async *pages(store, principal, { grid, department, industry }) {
    const units = new UnitRepository(store);
    const scope = await scopeOf(store, principal, { grid, department });
    if (scope.kind === 'unit') {
      // A unit's people list the units they hold, not a place (as the list route answers them).
      const own = await Promise.all(
        principal.grants.filter((g) => g.kind === 'unit').map((g) => units.get(g.id)),
      );
      yield own.filter((unit): unit is Unit => unit !== undefined);
      return;
    }
    const { withinPath, departmentId } = scopeFilter(scope);
    yield* paged((page) => units.list({ withinPath, departmentId, industry }, page));
  },
};

const riskPointRegister: Register<RiskPointListItem> = {
  columns: (names) => [
    { header: '风险点名称', width: 30, value: (p) => p.name },
    { header: '所属单位', width: 30, value: (p) => p.unitName },
    { header: '行业', width: 14, value: (p) => p.industry },
    { header: '乡镇', width: 12, value: (p) => place(names, p.gridPath, 1) },
    { header: '村/社区', width: 12, value: (p) => place(names, p.gridPath, 2) },
    { header: '风险等级', width: 8, value: (p) => COLOR[p.color] },
    { header: '状态', width: 10, value: (p) => RISK_STATUS[p.status] },
    { header: '主管部门', width: 16, value: (p) => department(names, p.departmentId) },
    { header: '登记时间', width: 20, value: (p) => local(p.createdAt) },
  ],
  async *pages(store, principal, { grid, color, status, industry, department, unit }) {
    const { unitId, ...area } = scopeFilter(await scopeOf(store, principal, { grid, department, unit }));
    const points = new RiskPointRepository(store);
    const filter = { ...area, color, status: status as RiskPointListItem['status'] | undefined, industry };
    // The register's indexes have no unit key: a unit's points are its village's, filtered (as the list does).
    for await (const items of paged((page) => points.listSummaries(filter, page)))
      yield unitId ? items.filter((point) => point.unitId === unitId) : items;
  },
};

const hazardRegister: Register<Hazard> = {
  columns: (names) => [
    { header: '隐患名称', width: 30, value: (h) => h.title },
    { header: '隐患等级', width: 10, value: (h) => SEVERITY[h.severity] },
    { header: '状态', width: 10, value: (h) => HAZARD_STATUS[h.status] },
    { header: '所属单位', width: 30, value: (h) => h.unitName },
    { header: '行业', width: 14, value: (h) => h.industry },
    { header: '乡镇', width: 12, value: (h) => place(names, h.gridPath, 1) },
    { header: '村/社区', width: 12, value: (h) => place(names, h.gridPath, 2) },
    { header: '处置层级', width: 10, value: (h) => LEVEL[h.level] },
    { header: '整改期限', width: 20, value: (h) => local(h.deadline) },
    { header: '是否逾期', width: 8, value: (h) => (h.overdue && h.status !== 'closed' ? '是' : '否') },
    { header: '主管部门', width: 16, value: (h) => department(names, h.departmentId) },
    { header: '上报时间', width: 20, value: (h) => local(h.createdAt) },
    { header: '闭环时间', width: 20, value: (h) => local(h.closedAt) },
  ],
  async *pages(store, principal, { grid, level, status, overdue, department, unit }) {
    const scope = await scopeOf(store, principal, { grid, department, unit });
    const filter = {
      ...scopeFilter(scope),
      level: level as Hazard['level'] | undefined,
      status: status as Hazard['status'] | undefined,
      ...(overdue ? { overdue: overdue === 'true' } : {}),
    };
    const hazards = new HazardRepository(store);
    yield* paged((page) => hazards.list(filter, page));
  },
};

const patrolRegister: Register<Patrol> = {
  columns: (names) => [
    { header: '巡查单位', width: 30, value: (p) => p.unitName },
    { header: '行业', width: 14, value: (p) => p.industry },
    { header: '乡镇', width: 12, value: (p) => place(names, p.gridPath, 1) },
    { header: '村/社区', width: 12, value: (p) => place(names, p.gridPath, 2) },
    { header: '监管层级', width: 10, value: (p) => LEVEL[p.supervisionLevel] },
    { header: '巡查周期（天）', width: 12, value: (p) => p.intervalDays },
    { header: '应巡日期', width: 20, value: (p) => local(p.dueAt) },
    {
      header: '状态',
      width: 10,
      value: (p) =>
        PATROL_STATUS[p.status === 'scheduled' && p.dueAt < names.now.toISOString() ? 'overdue' : p.status],
    },
    { header: '完成时间', width: 20, value: (p) => local(p.completedAt) },
    { header: '发现隐患数', width: 10, value: (p) => p.hazardIds.length },
  ],
  async *pages(store, principal, { grid, unit, status }, now) {
    const statusFilter =
      status === 'overdue'
        ? { status: 'scheduled' as const, dueBefore: now.toISOString() }
        : status
          ? { status: status as Patrol['status'] }
          : {};
    const scope = await scopeOf(store, principal, { grid, unit });
    const patrols = new PatrolRepository(store);
    yield* paged((page) => patrols.list({ ...scopeFilter(scope), ...statusFilter }, page));
  },
};

export const REGISTERS: Record<RegisterKind, Register<never>> = {
  units: unitRegister as Register<never>,
  'risk-points': riskPointRegister as Register<never>,
  hazards: hazardRegister as Register<never>,
  patrols: patrolRegister as Register<never>,
};

/** Whether the person may export this register at all (its read capability and the export one). */
export function authorizeExport(principal: Principal, kind: RegisterKind): void {
  authorize(principal, 'register.export');
  authorize(principal, REGISTER_READ[kind]);
}
