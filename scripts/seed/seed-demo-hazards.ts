import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  addDays,
  applyHazardAction,
  ConflictError,
  chinaDay,
  dueEscalation,
  escalationMessages,
  HAZARD_ACTION_EVENT,
  type Hazard,
  type HazardAction,
  type HazardSeverity,
  newHazard,
  type Patrol,
  type PatrolItemResult,
  type Photo,
  type Principal,
  patrolDistance,
  planPatrol,
  type Role,
  type SupervisionInput,
  supervisionNumber,
  type TenantSettings,
  type Unit,
  ulidSource,
} from '@gridsafe/core';
import {
  fromItem,
  HazardRepository,
  PatrolRepository,
  planPatrols,
  riskPointsByUnit,
  SettingsRepository,
  SupervisionRegister,
  TenantStore,
  UnitRepository,
} from '@gridsafe/db';
import { PhotoStore } from '@gridsafe/evidence';
import type { DemoCounty } from './demo-data.ts';
import { demoId } from './demo-ids.ts';
import { demoJpegPhoto } from './demo-records.ts';
import { seedDemoAlerts } from './seed-demo-alerts.ts';

export interface HazardSeedTarget {
  client: DynamoDBDocumentClient;
  tableName: string;
  evidence?: { client: S3Client; bucket: string };
  now?: Date;
}

type Step =
  | {
      day: number;
      action: HazardAction;
      as: Role;
      note?: string;
      reason?: string;
      photo?: boolean;
      /** A listing's 五落实 (挂牌督办). */
      supervision?: SupervisionInput;
    }
  /** The sweep coming by when the hazard's time is up (`day` is when it ran). */
  | { day: number; sweep: true };

/**
 * Hazards at every status and every level, each walked through the real state machine at plausible past times
 * (days relative to now), so the board, the counters, the audit trails and the notices all agree.
 */
export interface HazardPlan {
  key: string;
  unit: number;
  severity: HazardSeverity;
  title: string;
  created: number;
  steps: Step[];
}

export const DEMO_HAZARDS: HazardPlan[] = [
  { key: 'open', unit: 1, severity: 'general', title: '配电箱未上锁，线路裸露', created: -2, steps: [] },
  {
    key: 'rectifying',
    unit: 2,
    severity: 'general',
    title: '灭火器过期未更换',
    created: -6,
    steps: [{ day: -5, action: 'start', as: 'unit_user' }],
  },
  {
    key: 'rectified',
    unit: 3,
    severity: 'general',
    title: '液氨管道压力表未检定',
    created: -12,
    steps: [
      { day: -11, action: 'start', as: 'unit_user' },
      { day: -9, action: 'report-rectified', as: 'unit_user', note: '已送检并更换合格压力表', photo: true },
    ],
  },
  {
    key: 'closed-verified',
    unit: 4,
    severity: 'general',
    title: '安全出口被货物堵塞',
    created: -20,
    steps: [
      { day: -19, action: 'start', as: 'unit_user' },
      { day: -15, action: 'report-rectified', as: 'unit_user', note: '货物已清理，通道畅通', photo: true },
      { day: -14, action: 'verify', as: 'township_officer', note: '现场复查合格' },
    ],
  },
  {
    key: 'closed-on-site',
    unit: 5,
    severity: 'general',
    title: '粉尘作业区地面积尘',
    created: -3,
    steps: [{ day: -3, action: 'resolve-on-site', as: 'grid_member', note: '当场督促清扫完毕', photo: true }],
  },
  {
    key: 'rejected',
    unit: 6,
    severity: 'general',
    title: '烟花爆竹仓库防雷检测过期',
    created: -15,
    steps: [
      { day: -14, action: 'start', as: 'unit_user' },
      { day: -10, action: 'report-rectified', as: 'unit_user', note: '已联系检测机构', photo: true },
      { day: -9, action: 'reject', as: 'township_officer', reason: '仅联系未检测，请提供检测报告' },
    ],
  },
  {
    key: 'overdue-township',
    unit: 7,
    severity: 'general',
    title: '机械设备防护罩缺失',
    // Deadlines count working days: 30 of them take 42 to 53 calendar days, holidays included.
    created: -58,
    steps: [{ day: -3, sweep: true }],
  },
  {
    key: 'overdue-county',
    unit: 8,
    severity: 'general',
    title: '铸造车间熔炉冷却水系统无应急水源',
    created: -85,
    steps: [
      { day: -84, action: 'start', as: 'unit_user' },
      { day: -30, sweep: true },
      { day: -8, sweep: true },
    ],
  },
  {
    key: 'major-township',
    unit: 9,
    severity: 'major',
    title: '污水池有限空间作业无审批、无检测',
    created: -5,
    steps: [],
  },
  {
    key: 'major-supervised',
    unit: 10,
    severity: 'major',
    title: '石料厂边坡超高超陡，存在坍塌风险',
    created: -30,
    steps: [
      {
        day: -25,
        action: 'supervise',
        as: 'county_admin',
        reason: '重大隐患，县安委办挂牌督办',
        supervision: {
          responsibility: '石料厂法定代表人；乡镇安监站',
          measures: '削坡减载，分台阶开采，设置截排水沟和位移监测点',
          funds: 350000,
          deadline: '2027-03-31',
          plan: '边坡坍塌专项应急预案：雨天停产，坡脚划定警戒区，专人巡查',
        },
      },
    ],
  },
  {
    key: 'major-overdue',
    unit: 11,
    severity: 'major',
    title: '危化品储罐区可燃气体报警器失效',
    // 90 working days are some 126 to 145 calendar days.
    created: -150,
    steps: [{ day: -5, sweep: true }],
  },
  {
    key: 'manual-escalated',
    unit: 12,
    severity: 'general',
    title: '加油站卸油区静电接地装置损坏',
    created: -8,
    steps: [{ day: -6, action: 'escalate', as: 'township_officer', reason: '需行业部门协调更换设备' }],
  },
];

/**
 * The demo county's hazards and patrols: hazards at every status and level (one under listed supervision), and
 * patrol tasks due, done (one with a deficient item that opened a hazard, one recorded far from the unit) and
 * overdue, then a task for every other unit. Ids come from `demoId` and every create is conditional, so seeding
 * again writes nothing new.
 */
export async function seedDemoHazardsAndPatrols(
  target: HazardSeedTarget,
  county: DemoCounty,
): Promise<{ created: number }> {
  const { tenant } = county;
  const store = new TenantStore(target.client, target.tableName, tenant);
  const hazards = new HazardRepository(store);
  const units = new UnitRepository(store);
  const now = target.now ?? new Date();
  const { settings } = await new SettingsRepository(store).get();
  const unitCount = county.townships.reduce((sum, t) => sum + t.villages.length, 0) * county.unitsPerVillage;
  const unitAt = (serial: number) => units.get(demoId(tenant, `unit:${((serial - 1) % unitCount) + 1}`));
  const photos = target.evidence
    ? new PhotoStore(target.evidence.client, target.evidence.bucket, tenant)
    : undefined;
  let created = 0;

  const env: HazardSeedEnv = { tenant, hazards, store, settings, now, photos, evidence: target.evidence };
  for (const plan of DEMO_HAZARDS) {
    const unit = await unitAt(plan.unit);
    if (unit && (await seedHazard(env, plan, unit))) created += 1;
  }

  created += await seedPatrols(store, settings, now, county, unitAt);
  created += (await seedDemoAlerts(store, unitAt, now)).created;
  const planned = await planPatrols({
    store,
    clock: { now: () => now },
    settings,
    ids: ulidSource,
    force: true,
  });
  return { created: created + planned.created };
}

export interface HazardSeedEnv {
  tenant: string;
  hazards: HazardRepository;
  /** The county's part of the table (the 督办单 numbers of a listing). */
  store: TenantStore;
  settings: TenantSettings;
  now: Date;
  photos: PhotoStore | undefined;
  evidence: HazardSeedTarget['evidence'];
}

/**
 * One planned hazard walked through the real state machine at its days relative to `now`: created, then each
 * step saved as its own audited change. Answers false when the hazard is already there (a second seed).
 */
export async function seedHazard(env: HazardSeedEnv, plan: HazardPlan, unit: Unit): Promise<boolean> {
  const { tenant, hazards, store, settings, now, photos, evidence } = env;
  const id = demoId(tenant, `hazard:${plan.key}`);
  if (await hazards.getStored(id)) return false;
  const at = (day: number) => addDays(now, day);
  const reporter = person(tenant, 'grid_member', unit);
  const hazard = newHazard(
    { id, title: plan.title, severity: plan.severity, unit, source: 'direct', location: unit.location },
    settings,
    at(plan.created),
    reporter.username,
  );
  const notices =
    hazard.level === 'township'
      ? escalationMessages(hazard, 'township', 'severity', at(plan.created), () => ulidSource.next())
      : [];
  try {
    await hazards.create(hazard, { principal: reporter, now: at(plan.created) }, { notifications: notices });
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
  for (const [index, step] of plan.steps.entries()) {
    const when = at(step.day);
    const stored = (await hazards.getStored(id, true))!;
    let current = fromItem<Hazard>(stored);
    if ('sweep' in step) {
      await sweepOne(hazards, stored, current, when, settings, tenant);
      continue;
    }
    const principal = person(tenant, step.as, unit);
    const ctx = { principal, now: when };
    let photoIds: string[] | undefined;
    if (step.photo) {
      const photo = await demoPhoto(tenant, photos, evidence, hazard, `${plan.key}-${index}`, when);
      current = await hazards.save(
        stored,
        { ...current, photos: [...current.photos, photo] },
        current.version,
        ctx,
        {
          action: 'photo_added',
          details: { photo: { id: photo.id, key: photo.key, sha256: photo.sha256, size: photo.size } },
        },
      );
      photoIds = [photo.id];
    }
    const year = Number(chinaDay(when).slice(0, 4));
    const numbered =
      step.action === 'supervise' ? await new SupervisionRegister(store).nextNumber(year) : undefined;
    const after = applyHazardAction(
      current,
      step.action,
      { principal, now: when, settings },
      {
        note: step.note,
        reason: step.reason,
        photoIds,
        ...step.supervision,
        ...(numbered ? { supervisionNumber: supervisionNumber(year, numbered.n) } : {}),
      },
    );
    const raised = after.level !== current.level ? after.level : undefined;
    const cause = step.action === 'supervise' ? 'supervision' : 'manual';
    const notifications = raised
      ? escalationMessages(after, raised, cause, when, () => ulidSource.next())
      : [];
    await hazards.save((await hazards.getStored(id, true))!, after, current.version, ctx, {
      action: HAZARD_ACTION_EVENT[step.action],
      ...(numbered ? { extraItems: [numbered.claim] } : {}),
      ...(step.reason ? { reason: step.reason } : {}),
      details: {
        ...(step.note ? { note: step.note } : {}),
        ...(raised ? { cause, from: current.level, to: raised } : {}),
      },
      notifications,
    });
  }
  return true;
}

/** What the escalation sweep would have done at `when` (the same ladder, the same audit event and notices). */
async function sweepOne(
  hazards: HazardRepository,
  stored: Record<string, unknown>,
  current: Hazard,
  when: Date,
  settings: TenantSettings,
  tenant: string,
) {
  const change = dueEscalation(current, when, settings);
  if (!change) return;
  const { step, escalateAt, overdueAt, ...ladder } = change;
  const { escalateAt: _old, ...rest } = current;
  const after: Hazard = {
    ...rest,
    ...ladder,
    ...(escalateAt ? { escalateAt } : {}),
    ...(overdueAt ? { overdueAt } : {}),
  };
  const notifications = step
    ? escalationMessages(after, step.to, 'deadline', when, () => ulidSource.next())
    : [];
  await hazards.save(
    stored,
    after,
    current.version,
    {
      principal: { userId: 'system', username: 'escalation-sweep', tenant, role: 'county_admin', grants: [] },
      now: when,
    },
    {
      action: step ? 'escalated' : 'overdue',
      details: { cause: 'deadline', ...(step ? { from: step.from, to: step.to } : {}) },
      notifications,
    },
  );
}

/** The demo's named patrols: overdue in two townships, one done cleanly, one done with a deficient item far from the unit. */
async function seedPatrols(
  store: TenantStore,
  settings: TenantSettings,
  now: Date,
  county: DemoCounty,
  unitAt: (serial: number) => Promise<Unit | undefined>,
): Promise<number> {
  const { tenant } = county;
  const patrols = new PatrolRepository(store);
  const points = await riskPointsByUnit(store);
  const secondTownshipFirstUnit = (county.townships[0]?.villages.length ?? 1) * county.unitsPerVillage + 1;
  const plans: PatrolPlan[] = [
    { key: 'overdue', unit: 1, dueDay: -5 },
    { key: 'done', unit: 2, dueDay: -2, done: { day: -3, deficient: false, far: false } },
    { key: 'done-deficient', unit: 3, dueDay: -1, done: { day: -4, deficient: true, far: true } },
    { key: 'overdue-elsewhere', unit: secondTownshipFirstUnit, dueDay: -3 },
  ];
  const env: PatrolSeedEnv = { tenant, patrols, settings, centre: county.centre, now };
  let created = 0;
  for (const plan of plans) {
    const unit = await unitAt(plan.unit);
    if (unit && (await seedPatrol(env, plan, unit, points.get(unit.id) ?? []))) created += 1;
  }
  return created;
}

export interface PatrolPlan {
  key: string;
  unit: number;
  dueDay: number;
  done?: { day: number; deficient: boolean; far: boolean };
}

export interface PatrolSeedEnv {
  tenant: string;
  patrols: PatrolRepository;
  settings: TenantSettings;
  centre: { lat: number; lng: number };
  now: Date;
}

/**
 * One planned patrol task, due `dueDay` days from now, and when `done` completed through the repository (the
 * next task planned, a deficient item's hazard opened). False when the unit already has its open task.
 */
export async function seedPatrol(
  env: PatrolSeedEnv,
  plan: PatrolPlan,
  unit: Unit,
  riskPoints: Parameters<typeof planPatrol>[1],
): Promise<boolean> {
  const { tenant, patrols, settings, centre, now } = env;
  const dueAt = addDays(now, plan.dueDay);
  const createdAt = addDays(dueAt, -30);
  const patrol = planPatrol(
    unit,
    riskPoints,
    settings,
    createdAt,
    demoId(tenant, `patrol:${plan.key}`),
    dueAt,
  );
  const planner = {
    userId: 'system',
    username: 'patrol-planner',
    tenant,
    role: 'county_admin' as const,
    grants: [],
  };
  try {
    await patrols.create(patrol, { principal: planner, now: createdAt });
  } catch (error) {
    // The unit already has its open task (an earlier seed), or this very patrol exists.
    if (error instanceof ConflictError) return false;
    throw error;
  }
  if (!plan.done) return true;
  const when = addDays(now, plan.done.day);
  const member = person(tenant, 'grid_member', unit);
  const base = unit.location ?? riskPoints[0]?.location ?? centre;
  // About 1.1 km north of the unit when "far": the distance check flags it.
  const position = plan.done.far ? { lat: base.lat + 0.01, lng: base.lng } : base;
  const found: { hazard: Hazard; notifications: [] }[] = [];
  const items: PatrolItemResult[] = patrol.checklist.map((item, index) => {
    if (!plan.done?.deficient || index !== 1) return { ...item, result: 'ok', photos: [] };
    const hazard = newHazard(
      {
        id: demoId(tenant, `hazard:patrol-${plan.key}`),
        title: item.text.slice(0, 100),
        severity: 'general',
        description: '巡查发现：灭火器压力不足',
        ...(item.riskPointId ? { riskPointId: item.riskPointId } : {}),
        location: position,
        unit,
        source: 'patrol',
        patrolId: patrol.id,
        checklistCode: item.code,
      },
      settings,
      when,
      member.username,
    );
    found.push({ hazard, notifications: [] });
    return { ...item, result: 'deficient', note: '灭火器压力不足', photos: [], hazardId: hazard.id };
  });
  const next = planPatrol(unit, riskPoints, settings, when, demoId(tenant, `patrol:${plan.key}:next`));
  const done: Patrol = {
    ...patrol,
    status: 'done',
    completedAt: when.toISOString(),
    completedBy: member.username,
    position,
    ...patrolDistance(position, patrol.targets, settings),
    items,
    hazardIds: found.map(({ hazard }) => hazard.id),
    nextPatrolId: next.id,
  };
  const stored = (await patrols.getStored(patrol.id, true))!;
  await patrols.complete(
    stored,
    done,
    patrol.version,
    { principal: member, now: when, location: position },
    { next, hazards: found },
  );
  return true;
}

/** The demo's people, as the audit trail names them. */
function person(tenant: string, role: Role, unit: Unit): Principal {
  const username = {
    county_admin: 'county.admin',
    department_officer: 'dept.officer',
    township_officer: 'township.officer',
    grid_member: 'grid.member',
    unit_user: 'unit.manager',
    vendor_operator: 'vendor.operator',
  }[role];
  const grant =
    role === 'unit_user'
      ? { kind: 'unit' as const, id: unit.id }
      : role === 'department_officer' && unit.departmentId
        ? { kind: 'dept' as const, id: unit.departmentId }
        : {
            kind: 'grid' as const,
            id: unit.gridPath.split('/')[role === 'grid_member' ? 2 : role === 'township_officer' ? 1 : 0]!,
          };
  return { userId: demoId(tenant, `user:${username}`), username, tenant, role, grants: [grant] };
}

/** A real (tiny) JPEG in the evidence bucket when one is given, so the photo viewer and the hashes work. */
function demoPhoto(
  tenant: string,
  photos: PhotoStore | undefined,
  evidence: HazardSeedTarget['evidence'],
  hazard: Hazard,
  seed: string,
  when: Date,
): Promise<Photo> {
  return demoJpegPhoto({
    tenant,
    photos,
    evidence,
    collection: 'hazards',
    recordId: hazard.id,
    photoId: demoId(hazard.id, `photo:${seed}`),
    seed: `demo-hazard-${hazard.id}-${seed}`,
    when,
    location: hazard.location,
  });
}
