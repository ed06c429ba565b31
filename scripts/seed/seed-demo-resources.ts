import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ConflictError,
  type CreateResourceInput,
  type EmergencyPlan,
  newResource,
  type Principal,
  type ResourceKind,
} from '@gridsafe/core';
import {
  GridRepository,
  PlanRepository,
  ResourceRepository,
  TenantStore,
  UnitRepository,
} from '@gridsafe/db';
import { PhotoStore } from '@gridsafe/evidence';
import type { DemoCounty } from './demo-data.ts';
import { demoId } from './demo-ids.ts';

/** Offsets from the county centre in degrees (about 1.1 km per 0.01), so resources sit among the demo units. */
const DEMO_RESOURCES: {
  key: string;
  grid: 'county' | 'township1' | 'township2' | 'village1';
  at: [number, number];
  /** The kind's own fields besides these (a team's members, a supply's type and quantity, an expert's speciality). */
  input: {
    kind: ResourceKind;
    name: string;
    address: string;
    contact: [string, string];
    [field: string]: unknown;
  };
}[] = [
  {
    key: 'fire-team',
    grid: 'county',
    at: [0.004, -0.003],
    input: {
      kind: 'team',
      name: '县消防救援大队',
      address: '城关镇人民路88号',
      members: 45,
      contact: ['张大队长', '0558-8610119'],
    },
  },
  {
    key: 'militia',
    grid: 'township1',
    at: [-0.012, 0.018],
    input: {
      kind: 'team',
      name: '镇应急民兵连',
      address: '镇政府院内',
      members: 30,
      contact: ['刘连长', '13905581201'],
    },
  },
  {
    key: 'flood-store',
    grid: 'village1',
    at: [0.021, 0.011],
    input: {
      kind: 'supply',
      name: '防汛物资储备点',
      address: '村委会东侧仓库',
      supplyType: '沙袋',
      quantity: 3000,
      unit: '袋',
      contact: ['王保管', '13905581202'],
    },
  },
  {
    key: 'extinguishers',
    grid: 'township2',
    at: [-0.035, -0.04],
    input: {
      kind: 'supply',
      name: '消防器材库',
      address: '镇综合执法队车库',
      supplyType: '灭火器',
      quantity: 240,
      unit: '具',
      contact: ['赵队员', '13905581203'],
    },
  },
  {
    key: 'chem-expert',
    grid: 'county',
    at: [0.009, 0.006],
    input: {
      kind: 'expert',
      name: '李建国',
      address: '县应急管理局',
      speciality: '危险化学品',
      contact: ['李建国', '13905581204'],
    },
  },
  {
    key: 'build-expert',
    grid: 'county',
    at: [-0.02, 0.005],
    input: {
      kind: 'expert',
      name: '周敏',
      address: '县住建局',
      speciality: '建筑施工',
      contact: ['周敏', '13905581205'],
    },
  },
];

/**
 * The demo county's emergency teams, stockpiles and experts, and (with an evidence bucket) a plan of the first
 * unit and an overdue one of the second, each file a small PDF in the county's prefix. Written through the
 * repositories, so every record has its audit trail; idempotent like the rest of the demo seed.
 */
export async function seedDemoResources(
  target: {
    client: DynamoDBDocumentClient;
    tableName: string;
    evidence?: { client: S3Client; bucket: string };
    now?: Date;
  },
  county: DemoCounty,
): Promise<{ created: number }> {
  const { tenant } = county;
  const store = new TenantStore(target.client, target.tableName, tenant);
  const now = target.now ?? new Date();
  const principal: Principal = {
    userId: 'system',
    username: 'demo-seed',
    tenant,
    role: 'county_admin',
    grants: [],
  };
  const ctx = { principal, now };
  const grids = new GridRepository(store);
  const [t1, t2] = county.townships;
  const gridIds = {
    county: demoId(tenant, 'grid:county'),
    township1: demoId(tenant, `grid:${t1!.name}`),
    township2: demoId(tenant, `grid:${t2!.name}`),
    village1: demoId(tenant, `grid:${t1!.name}/${t1!.villages[0]}`),
  };
  let created = 0;
  const once = async (write: () => Promise<unknown>) => {
    try {
      await write();
      created += 1;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  };
  const resources = new ResourceRepository(store);
  for (const { key, grid, at, input } of DEMO_RESOURCES) {
    const node = await grids.get(gridIds[grid]);
    if (!node) throw new Error(`grid ${grid} is missing before the resources are seeded`);
    const [name, phone] = input.contact;
    const resource = newResource(
      {
        ...input,
        gridId: node.id,
        location: {
          lat: Math.round((county.centre.lat + at[0]) * 1e6) / 1e6,
          lng: Math.round((county.centre.lng + at[1]) * 1e6) / 1e6,
        },
        contact: { name, phone },
      } as CreateResourceInput,
      { id: demoId(tenant, `resource:${key}`), gridPath: node.path },
      principal.username,
      now,
    );
    await once(() => resources.create(resource, ctx));
  }
  if (!target.evidence) return { created };

  const photos = new PhotoStore(target.evidence.client, target.evidence.bucket, tenant);
  const units = new UnitRepository(store);
  const plans = new PlanRepository(store);
  for (const [serial, title, reviewDate] of [
    [1, '生产安全事故综合应急预案', '2028-12-31'],
    [2, '危险化学品泄漏专项应急预案', '2025-06-30'],
  ] as const) {
    const unit = await units.get(demoId(tenant, `unit:${serial}`));
    if (!unit) continue;
    const id = demoId(tenant, `plan:${serial}`);
    const fileId = demoId(id, 'file');
    const bytes = new TextEncoder().encode(`%PDF-1.4\n% ${unit.name} ${title}\n%%EOF\n`);
    const key = photos.keyFor('plans', id, fileId, 'application/pdf');
    await target.evidence.client.send(
      new PutObjectCommand({
        Bucket: target.evidence.bucket,
        Key: key,
        Body: bytes,
        ContentType: 'application/pdf',
      }),
    );
    const at = now.toISOString();
    const plan: EmergencyPlan = {
      id,
      unitId: unit.id,
      unitName: unit.name,
      gridId: unit.gridId,
      gridPath: unit.gridPath,
      ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
      title,
      planVersion: '2025版',
      reviewDate,
      file: {
        id: fileId,
        key,
        contentType: 'application/pdf',
        size: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
      uploadedBy: principal.username,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await once(() => plans.create(plan, ctx));
  }
  return { created };
}
