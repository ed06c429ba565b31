import {
  type AlertIntake,
  type AlertSource,
  DEFAULT_ALERTS_PER_MINUTE,
  type Location,
  newAlert,
  type Unit,
} from '@gridsafe/core';
import { newSigningSecret } from '@gridsafe/core/signed-message';
import { AlertRepository, AlertSourceRepository, systemPrincipal, type TenantStore } from '@gridsafe/db';
import { demoId } from './demo-ids.ts';

/** The demo county's monitoring system and what it reported: open alerts at units, on the list and the map. */
const DEMO_ALERTS: {
  unit: number;
  kind: string;
  level: AlertIntake['level'];
  message: string;
  hoursAgo: number;
}[] = [
  {
    unit: 3,
    kind: '可燃气体浓度',
    level: 'red',
    message: '储罐区可燃气体浓度 28% LEL，超过二级报警值',
    hoursAgo: 2,
  },
  { unit: 1, kind: '液位', level: 'yellow', message: '1 号储罐液位 92%，接近高高液位', hoursAgo: 20 },
  { unit: 4, kind: '视频分析', level: 'orange', message: '仓库通道堆放杂物，占用疏散通道', hoursAgo: 30 },
];

/**
 * Seeds a registered monitoring system (its secret random and never shown: a demo admin rotates it to see one)
 * and its open alerts, without notices (the demo's inboxes are the hazards' and patrols'). Seeding again finds
 * them present: fixed ids, and the intake's own event keys.
 */
export async function seedDemoAlerts(
  store: TenantStore,
  unitAt: (serial: number) => Promise<Unit | undefined>,
  now: Date,
): Promise<{ created: number }> {
  const ctx = { principal: systemPrincipal(store.tenant, 'demo-seed'), now };
  const sourceId = demoId(store.tenant, 'alert-source:1');
  const sources = new AlertSourceRepository(store);
  let created = 0;
  let source = await sources.get(sourceId);
  if (!source) {
    const fresh: AlertSource = {
      id: sourceId,
      name: '重大危险源在线监测系统',
      ratePerMinute: DEFAULT_ALERTS_PER_MINUTE,
      secret: newSigningSecret(),
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    source = await sources.create(fresh, ctx);
    created += 1;
  }
  const alerts = new AlertRepository(store);
  for (const [index, plan] of DEMO_ALERTS.entries()) {
    const unit = await unitAt(plan.unit);
    if (!unit) continue;
    const observedAt = new Date(now.getTime() - plan.hoursAgo * 3600_000);
    const location: Location | undefined = unit.location;
    const alert = newAlert(
      {
        id: demoId(store.tenant, `alert:${index + 1}`),
        sourceId: source.id,
        sourceName: source.name,
        eventId: `demo-${index + 1}`,
        unitId: unit.id,
        kind: plan.kind,
        level: plan.level,
        message: plan.message,
        observedAt: observedAt.toISOString(),
      },
      {
        unit: {
          id: unit.id,
          name: unit.name,
          gridPath: unit.gridPath,
          ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
          ...(location ? { location } : {}),
        },
      },
      observedAt,
    );
    if ((await alerts.accept(alert, { ...ctx, now: observedAt }, [])).created) created += 1;
  }
  return { created };
}
