import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '/work/main/scripts/local/ports.ts';
import { startLocalStack } from '/work/main/scripts/local/stack.ts';
import { createDocumentClient, TenantStore, runEscalationSweep, SettingsRepository, HazardRepository } from '@gridsafe/db';

const dataDir = mkdtempSync(join(tmpdir(), 'gs-smoke-'));
const ports: number[] = [];
while (ports.length < 4) { const p = await freePort(); if (!ports.includes(p)) ports.push(p); }
const t0 = Date.now();
const stack = await startLocalStack({ root: '/work/main', host: '127.0.0.1', port: ports[0]!, dynamoPort: ports[1]!, s3Port: ports[2]!, issuerPort: ports[3]!, dataDir, tableName: 'gridsafe', bucket: 'gridsafe-evidence', region: 'cn-north-1', buildWeb: false, progress: (m) => console.log(m) });
console.log('started in', Date.now() - t0, 'ms', stack.url, JSON.stringify(stack.seedReports.map(r => [r.tenant, r.created, r.present])));
const client = createDocumentClient({ endpoint: `http://127.0.0.1:${ports[1]}` });
const store = new TenantStore(client, 'gridsafe', 'taihe');
const hz = await new HazardRepository(store).list({ withinPath: '' }, { limit: 100 });
console.log('taihe hazards', hz.items.map(h => `${h.status}/${h.level}${h.supervised ? '/listed' : ''}${h.overdue ? '/overdue' : ''}`).join(' '));
const { settings } = await new SettingsRepository(store).get();
console.log('sweep now', JSON.stringify(await runEscalationSweep({ store, clock: stack.clock, settings })));
const res = await fetch(`${stack.url}/t/taihe/api/v1/health`); console.log('health', res.status);
await stack.stop();
rmSync(dataDir, { recursive: true, force: true });
console.log('stopped');
