import { DEFAULT_NOTIFICATION_CHANNELS, makeCreditCode } from '@gridsafe/core';
import { countyApiBasePath } from '@gridsafe/core/contract';
import { signedHeaders } from '@gridsafe/core/signed-message';
import fc from 'fast-check';
import {
  type Answer,
  type CountyClient,
  call,
  countyClient,
  problemShapeIssues,
  type Requester,
} from './client.ts';
import { recordedInspection } from './inspection-fixture.ts';
import { fillPath, type OpenApiDocument, type Operation, schemaArbitrary } from './openapi-routes.ts';
import { recordedResourceAndPlan } from './resource-fixture.ts';
import { DEMO_PASSWORD, type ReliabilityApi, type Seeded } from './stack.ts';

/** One county as the isolation checks see it: its ids, and the strings that would give its data away. */
export interface CountyFixture {
  seeded: Seeded;
  token: string;
  pointId: string;
  photoId: string;
  userId: string;
  /** A unit's whole name, only this county's: what a search (`q=`) naming this county's records sends. */
  unitName: string;
  /** Hazard, patrol … ids by collection (`hazards`), for operations added after this file was written. */
  more: Record<string, string>;
  /** Ids and names only this county has: none may appear in an answer given to the other county. */
  secrets: string[];
}

let serial = 0;

/** The path values that name `county`'s own records in `op`. */
export function pathValuesOf(op: Operation, county: CountyFixture): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of op.pathParams) {
    const collection = op.path.split('/')[1] ?? '';
    if (name === 'photoId') values[name] = county.photoId;
    else if (name === 'code') values[name] = 'gas';
    else if (name === 'action') values[name] = 'start';
    else if (name === 'kind') values[name] = 'record';
    else if (name === 'deliveryId') values[name] = county.more.webhookDeliveries ?? county.pointId;
    else if (collection === 'grids') values[name] = county.seeded.village1;
    else if (collection === 'units') values[name] = county.seeded.unit(1);
    else if (collection === 'users') values[name] = county.userId;
    else if (collection === 'risk-points') values[name] = county.pointId;
    else values[name] = county.more[collection] ?? county.pointId;
  }
  return values;
}

/** A body that is valid except that every reference in it names `county`'s records. */
export function bodyNaming(op: Operation, county: CountyFixture, doc: OpenApiDocument): unknown {
  const c = county.seeded;
  serial += 1;
  switch (op.name) {
    case 'POST /grids':
      return { name: `隔离村${serial}`, level: 'village', parentId: c.township1 };
    case 'PATCH /grids/{id}':
      return { name: `隔离改名${serial}` };
    case 'POST /units':
      return {
        name: `隔离厂${serial}`,
        creditCode: makeCreditCode('91341299', 60_000 + serial),
        industry: 'gas',
        gridId: c.village1,
      };
    case 'PATCH /units/{id}':
      return { contact: { name: `隔离${serial}` } };
    case 'POST /users':
      return {
        username: `iso.${serial}`,
        displayName: '隔离',
        role: 'grid_member',
        scope: [`grid:${c.village1}`],
        password: 'Isolation-pass-2026',
      };
    case 'PATCH /users/{id}':
      return { displayName: `隔离${serial}` };
    case 'POST /departments':
      return { name: `隔离局${serial}`, industries: [] };
    case 'PATCH /departments/{id}':
      return { name: `隔离局改名${serial}` };
    case 'POST /users/{id}/password':
      // The demo password again: the sweep's own logins as the person keep working.
      return { password: DEMO_PASSWORD, temporary: false };
    case 'PUT /grids/{id}/boundary':
      return {
        type: 'Polygon',
        coordinates: [
          [
            [115.26, 33.06],
            [115.27, 33.06],
            [115.27, 33.07],
            [115.26, 33.06],
          ],
        ],
      };
    case 'POST /risk-points':
      return {
        name: `隔离点${serial}`,
        unitId: c.unit(1),
        industry: 'gas',
        location: { lat: 33.06, lng: 115.26 },
      };
    case 'PATCH /risk-points/{id}':
      return { name: `隔离点改名${serial}` };
    case 'POST /risk-points/{id}/return':
      return { reason: '隔离测试' };
    case 'POST /risk-points/{id}/photos':
      return { contentType: 'image/jpeg', size: 1000, sha256: 'a'.repeat(64) };
    case 'POST /session':
      return { username: 'county.admin', password: 'wrong-password' };
    case 'POST /hazards':
      return { unitId: c.unit(1), severity: 'general', title: `隔离隐患${serial}` };
    case 'POST /hazards/{id}/reject':
      return { reason: '隔离测试' };
    case 'POST /hazards/{id}/supervise':
      return { responsibility: '隔离', measures: '隔离', funds: 1, deadline: '2027-01-31', plan: '隔离' };
    case 'POST /hazards/{id}/report-rectified':
    case 'POST /hazards/{id}/resolve-on-site':
      return { note: '隔离测试', photoIds: [county.photoId] };
    case 'POST /hazards/{id}/photos':
    case 'POST /patrols/{id}/photos':
      return { contentType: 'image/jpeg', size: 1000, sha256: 'b'.repeat(64) };
    case 'POST /patrols/{id}/complete':
      return { position: { lat: 33.06, lng: 115.26 }, items: [{ code: 'x1', result: 'ok' }] };
    case 'POST /exports':
      return { kind: 'units', format: 'csv', filters: { grid: c.village1 } };
    case 'POST /imports':
      return IMPORT_ANNOUNCEMENT;
    case 'PUT /notification-channels':
      return { channels: DEFAULT_NOTIFICATION_CHANNELS };
    case 'POST /inspections':
      return {
        unitId: c.unit(1),
        checkedItems: [`隔离检查${serial}`],
        findings: [],
        position: { lat: 33.06, lng: 115.26 },
        signatures: [{ signer: 'unit', name: '隔离', refusedReason: '隔离测试' }],
        officers: [
          { personId: c.user('township.officer'), certificateNo: '皖执1' },
          { personId: c.user('dept.officer'), certificateNo: '皖执2' },
        ],
        outcome: 'compliant',
      };
    case 'POST /inspections/photos':
      return { contentType: 'image/jpeg', size: 1000, sha256: 'c'.repeat(64) };
    case 'POST /inspections/{id}/follow-up':
      return { opinion: '隔离复查', items: [{ hazardId: county.more.inspectionHazard, rectified: true }] };
    case 'POST /alerts/{id}/hazard':
      return { severity: 'general', unitId: c.unit(1) };
    case 'POST /alert-sources':
      return { name: `隔离监测${serial}` };
    case 'POST /resources':
      return {
        kind: 'team',
        name: `隔离救援队${serial}`,
        location: { lat: 33.06, lng: 115.26 },
        address: '隔离路1号',
        gridId: c.village1,
        contact: { name: '隔离', phone: '13900000000' },
      };
    case 'PATCH /resources/{id}':
      return { name: `隔离改名${serial}` };
    case 'POST /plans/files':
      return { contentType: 'application/pdf', size: 1000, sha256: 'd'.repeat(64) };
    case 'POST /plans':
      // The file named is one of the county's photos: never announced as a plan's file, so never taken in.
      return {
        unitId: c.unit(1),
        title: `隔离预案${serial}`,
        planVersion: 'V1',
        reviewDate: '2030-01-01',
        fileId: county.photoId,
      };
    case 'POST /webhooks':
      return { url: `http://127.0.0.1:9/isolation-${serial}`, events: ['alert.created'] };
    case 'PATCH /webhooks/{id}':
      return { enabled: false };
  }
  if (KNOWN_BODIES.has(op.name)) return {};
  if (!op.body) return undefined;
  if (op.body.contentType === 'text/csv') return undefined;
  // An operation this file does not know yet: a schema-shaped body whose id-like fields name the county.
  const [sample] = fc.sample(schemaArbitrary(op.body.schema, doc), { numRuns: 1, seed: 7 });
  return renameIds(sample, c);
}

function renameIds(value: unknown, c: Seeded): unknown {
  if (Array.isArray(value)) return value.map((v) => renameIds(v, c));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'unitId') out[key] = c.unit(1);
    else if (key === 'gridId' || key === 'parentId') out[key] = c.village1;
    else if (key === 'departmentId') out[key] = c.emergencyDept;
    else out[key] = renameIds(v, c);
  }
  return out;
}

/** The query parameters that name a record, with the value that names `county`'s. */
function idQueries(op: Operation, county: CountyFixture): [string, string][] {
  const c = county.seeded;
  const byName: Record<string, string> = {
    grid: c.village1,
    parent: c.township1,
    within: c.county,
    department: c.emergencyDept,
    unit: c.unit(1),
    riskPoint: county.pointId,
    assignee: county.userId,
    // A list search for a record of theirs by its whole name: nothing of theirs may come back.
    q: county.unitName,
  };
  return op.query.filter((q) => byName[q.name]).map((q) => [q.name, byName[q.name]!]);
}

function leaks(answer: Answer, secrets: string[], sent: string): string[] {
  return secrets.filter((secret) => !sent.includes(secret) && answer.text.includes(secret));
}

export interface IsolationReport {
  requests: number;
  statuses: Record<string, number>;
  /** Operations whose body this file does not know and whose answer was a 400 (checked for leaks only). */
  genericBodies: string[];
  failures: string[];
}

/**
 * Every authenticated operation, as `here`'s county admin, naming `there`'s records: in the path (must be 404
 * or 403), in a query filter (404, 403, 400, or an empty list), or in the body (400, 403, 404, or 409 when our
 * own record's state stops it first). No answer
 * may contain anything of `there` that the request did not itself send.
 */
export async function foreignIdSweep(options: {
  app: Requester;
  doc: OpenApiDocument;
  operations: Operation[];
  here: CountyFixture;
  there: CountyFixture;
}): Promise<IsolationReport> {
  const { app, here, there } = options;
  const report: IsolationReport = { requests: 0, statuses: {}, genericBodies: [], failures: [] };
  const base = countyApiBasePath(here.seeded.tenant);
  const send = async (op: Operation, path: string, body: unknown, contentType?: string) => {
    const rawBody =
      op.body?.contentType === 'text/csv'
        ? `name,creditCode\n隔离,${makeCreditCode('91341299', 1)}\n`
        : undefined;
    const answer = await call(app, op.method, `${base}${path}`, {
      token: here.token,
      ...(body !== undefined
        ? { body }
        : rawBody
          ? { rawBody, headers: { 'content-type': contentType ?? 'text/csv' } }
          : {}),
    });
    report.requests += 1;
    report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
    return answer;
  };
  const judge = (op: Operation, how: string, answer: Answer, allowed: number[], sent: string) => {
    const problems: string[] = [];
    const emptyList =
      answer.status === 200 && Array.isArray(answer.body?.items) && answer.body.items.length === 0;
    if (!allowed.includes(answer.status) && !(how === 'query' && emptyList))
      problems.push(`status ${answer.status}`);
    if (answer.status >= 400) problems.push(...problemShapeIssues(answer));
    const leaked = leaks(answer, there.secrets, sent);
    if (leaked.length > 0) problems.push(`leaks ${leaked.slice(0, 3).join(', ')}`);
    if (problems.length > 0)
      report.failures.push(
        `${op.name} [${how}] ${sent}: ${problems.join('; ')} — ${answer.text.slice(0, 200)}`,
      );
  };

  for (const op of options.operations.filter((o) => !o.public)) {
    const known = bodyNaming(op, here, options.doc);
    const generic = op.body !== undefined && known !== undefined && !KNOWN_BODIES.has(op.name);
    // `code` (an industry of the shared knowledge base) and `action` name nothing of a county.
    if (op.pathParams.some((p) => p !== 'code' && p !== 'action')) {
      // Their ids in the path, with a body that would otherwise be accepted here.
      const path = fillPath(op.path, pathValuesOf(op, there));
      const answer = await send(op, path, op.body ? bodyNaming(op, here, options.doc) : undefined);
      if (generic && answer.status === 400) report.genericBodies.push(op.name);
      judge(op, 'path', answer, generic ? [400, 403, 404] : [403, 404], path);
    }
    const ownPath = fillPath(op.path, pathValuesOf(op, here));
    // A required choice (the map's `kind`) takes its first value, so the foreign id reaches the handler.
    const required = op.query.flatMap((q) =>
      q.required && q.schema.enum ? [`${q.name}=${q.schema.enum[0]}&`] : [],
    );
    for (const [name, value] of idQueries(op, there)) {
      const path = `${ownPath}?${required.join('')}${name}=${value}`;
      judge(
        op,
        'query',
        await send(op, path, op.body ? bodyNaming(op, here, options.doc) : undefined),
        [400, 403, 404],
        path,
      );
    }
    if (op.body) {
      const body = bodyNaming(op, there, options.doc);
      if (body !== undefined) {
        const sent = JSON.stringify(body);
        const answer = await send(op, ownPath, body);
        const refersToThem = there.secrets.some((s) => sent.includes(s));
        // Naming their records in a body is refused (400/403/404), or stopped earlier by the state of our own
        // record (409); never accepted. A body without references (a department's name, settings) is just a
        // write here. Either way nothing of theirs may come back.
        judge(
          op,
          'body',
          answer,
          refersToThem ? [400, 403, 404, 409] : [200, 201, 400, 403, 404, 409],
          `${ownPath} ${sent}`,
        );
      }
    }
    if (op.pathParams.length === 0 && !op.body && op.query.length === 0) {
      // Nothing to name (GET /me, /departments, /settings …): the answer is about here, and only here.
      judge(op, 'none', await send(op, ownPath, undefined), [200], ownPath);
    }
  }
  return report;
}

const KNOWN_BODIES = new Set([
  'POST /grids',
  'PATCH /grids/{id}',
  'POST /units',
  'PATCH /units/{id}',
  'POST /users',
  'PATCH /users/{id}',
  'POST /departments',
  'PATCH /departments/{id}',
  'POST /users/{id}/password',
  'PUT /grids/{id}/boundary',
  'POST /risk-points',
  'PATCH /risk-points/{id}',
  'POST /risk-points/{id}/return',
  'POST /risk-points/{id}/photos',
  'POST /risk-points/{id}/submit',
  'POST /risk-points/{id}/approve',
  'POST /risk-points/{id}/reopen',
  'POST /hazards',
  'POST /hazards/{id}/start',
  'POST /hazards/{id}/verify',
  'POST /hazards/{id}/reject',
  'POST /hazards/{id}/report-rectified',
  'POST /hazards/{id}/resolve-on-site',
  'POST /hazards/{id}/escalate',
  'POST /hazards/{id}/supervise',
  'POST /hazards/{id}/accept',
  'POST /hazards/{id}/delist',
  'POST /hazards/{id}/photos',
  'POST /patrols/{id}/photos',
  'POST /patrols/{id}/complete',
  'POST /exports',
  'POST /imports',
  'PUT /notification-channels',
  'POST /inspections',
  'POST /inspections/photos',
  'POST /inspections/{id}/follow-up',
  'POST /alerts/{id}/hazard',
  'POST /alert-sources',
  'POST /resources',
  'PATCH /resources/{id}',
  'POST /plans/files',
  'POST /plans',
  'POST /webhooks',
  'PATCH /webhooks/{id}',
]);

/** An import of units announced (its file never uploaded): enough to name an import of the county. */
const IMPORT_ANNOUNCEMENT = {
  kind: 'units',
  contentType: 'text/csv',
  size: 100,
  sha256: 'c'.repeat(64),
};

/**
 * Every authenticated operation with `credential` as the Authorization header (or none), on `here`'s own
 * records. `expected` is 401 for bad tokens and 403 for a good token of another county.
 */
export async function credentialSweep(options: {
  app: Requester;
  doc: OpenApiDocument;
  operations: Operation[];
  here: CountyFixture;
  credentials: Record<string, string | undefined>;
  expected: number;
  /** Strings that must not appear in any answer (the county's data). */
  secrets: string[];
}): Promise<{ requests: number; failures: string[] }> {
  const failures: string[] = [];
  let requests = 0;
  const base = countyApiBasePath(options.here.seeded.tenant);
  for (const op of options.operations.filter((o) => !o.public)) {
    const path = `${base}${fillPath(op.path, pathValuesOf(op, options.here))}`;
    const body = op.body ? bodyNaming(op, options.here, options.doc) : undefined;
    for (const [name, credential] of Object.entries(options.credentials)) {
      const headers: Record<string, string> = credential === undefined ? {} : { authorization: credential };
      const answer = await call(options.app, op.method, path, {
        headers,
        ...(body !== undefined
          ? { body }
          : op.body
            ? { rawBody: 'name\n', headers: { ...headers, 'content-type': 'text/csv' } }
            : {}),
      });
      requests += 1;
      const problems =
        answer.status === options.expected ? problemShapeIssues(answer) : [`status ${answer.status}`];
      const leaked = options.secrets.filter((s) => answer.text.includes(s) && !path.includes(s));
      if (leaked.length > 0) problems.push(`leaks ${leaked.slice(0, 3).join(', ')}`);
      if (problems.length > 0)
        failures.push(`${op.name} with ${name}: ${problems.join('; ')} — ${answer.text.slice(0, 160)}`);
    }
  }
  return { requests, failures };
}

/** The second county has names of its own (对照…), so any of them in an answer to the first is a leak. */
export const THERE_SHAPE = {
  name: '对照县 · 隔离测试',
  divisionCode: '341299',
  centre: { lat: 32.9, lng: 115.9 },
  townships: [
    { name: '对照镇', code: '341299100', villages: ['对照一村', '对照二村'] },
    { name: '对照乡', code: '341299200', villages: ['对照三村'] },
  ],
  unitsPerVillage: 2,
};

export async function isolationFixture(
  api: ReliabilityApi,
  tenant: string,
  shape: 'linquan' | typeof THERE_SHAPE,
): Promise<CountyFixture> {
  const seeded = await api.seed(tenant, shape);
  const token = await api.login(tenant, 'county.admin');
  const admin = countyClient(api.app, tenant, token);
  const points = await admin.all('/risk-points');
  const withPhoto = points.find((p) => p.photos.length > 0);
  if (!withPhoto) throw new Error('the seed made no risk point with a photo');
  // Every list the sweep draws its targets and secrets from must answer, and hold what the seed made: a list
  // that failed or came back empty would leave its records untried and unguarded, and the sweep would pass.
  const grids = nonEmpty('grids', await admin.all(`/grids?within=${seeded.county}`));
  const units = nonEmpty('units', await admin.all('/units'));
  const users = nonEmpty('users', await admin.all('/users'));
  const departments = nonEmpty(
    'departments',
    (await answered(admin, '/departments')).items as { id: string }[],
  );
  const more: Record<string, string> = { departments: departments[0]!.id };
  const extraIds: string[] = [];
  // The seed files hazards and schedules patrols in every county; the admin's inbox may well be empty.
  for (const [collection, required] of [
    ['hazards', true],
    ['patrols', true],
    ['notifications', false],
  ] as const) {
    const items = (await admin.all(`/${collection}`)) as { id: string; photos?: { id: string }[] }[];
    if (required) nonEmpty(collection, items);
    if (items[0]) more[collection] = items[0].id;
    extraIds.push(...items.flatMap((item) => [item.id, ...(item.photos ?? []).map((photo) => photo.id)]));
  }
  // Register jobs are their person's own: the admin asks for one of each, so the sweep has ids to name.
  for (const [collection, body] of [
    ['exports', { kind: 'units', format: 'csv' }],
    ['imports', IMPORT_ANNOUNCEMENT],
  ] as const) {
    const asked = await admin.post(`/${collection}`, body);
    if (asked.status !== 202 && asked.status !== 201)
      throw new Error(`POST /${collection} answered ${asked.status}: ${asked.text.slice(0, 200)}`);
    more[collection] = asked.body.id;
    extraIds.push(asked.body.id);
  }
  // The seed records no inspection: the admin records one with an order (and so a hazard of it) to name.
  const inspected = await recordedInspection(admin, seeded);
  more.inspections = inspected.inspectionId;
  more.inspectionHazard = inspected.hazardId;
  extraIds.push(inspected.inspectionId, inspected.hazardId);
  // A webhook of the county's, subscribed to alerts before the alert below is sent: one delivery in its log.
  const hook = await admin.post('/webhooks', {
    url: 'http://127.0.0.1:9/isolation',
    events: ['alert.created'],
  });
  if (hook.status !== 201)
    throw new Error(`POST /webhooks answered ${hook.status}: ${hook.text.slice(0, 200)}`);
  more.webhooks = hook.body.id;
  extraIds.push(hook.body.id, hook.body.secret);
  // The seed sends no alert: the admin registers a source, which sends one in at a unit, signed.
  const source = await admin.post('/alert-sources', { name: '隔离监测平台' });
  if (source.status !== 201) throw new Error(`POST /alert-sources answered ${source.status}`);
  more['alert-sources'] = source.body.id;
  more.alerts = await sentAlert(api, tenant, source.body, seeded.unit(1));
  extraIds.push(source.body.id, more.alerts, source.body.secret);
  const { resourceId, planId } = await recordedResourceAndPlan(admin, seeded);
  more.resources = resourceId;
  more.plans = planId;
  extraIds.push(resourceId, planId);
  const [delivery] = (await answered(admin, `/webhooks/${more.webhooks}/deliveries`)).items;
  if (!delivery) throw new Error('the fixture’s alert made no webhook delivery');
  more.webhookDeliveries = delivery.id;
  extraIds.push(delivery.id, delivery.eventId);
  // The export runs beside the request; the snapshots compare it finished, not half-way.
  for (let attempt = 0; (await answered(admin, `/exports/${more.exports}`)).status === 'running'; attempt++) {
    if (attempt > 300) throw new Error('the fixture’s export did not finish');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const secrets = [
    tenant,
    ...grids.map((g) => g.id),
    ...units.map((u) => u.id),
    ...users.flatMap((u: { id: string; sub?: string; identities?: { subject: string }[] }) => [
      u.id,
      ...(u.sub ? [u.sub] : []),
      ...(u.identities ?? []).map((identity) => identity.subject),
    ]),
    ...departments.map((d) => d.id),
    ...points.flatMap((p) => [p.id, ...p.photos.map((photo: { id: string }) => photo.id)]),
    ...extraIds,
  ];
  if (shape !== 'linquan') secrets.push('对照');
  return {
    seeded,
    token,
    pointId: withPhoto.id,
    photoId: withPhoto.photos[0].id,
    userId: seeded.user('grid.member'),
    unitName: (units[0] as { name: string }).name,
    more,
    secrets,
  };
}

/** An alert sent in by a source at a unit, as its monitoring system would: its id. */
async function sentAlert(
  api: ReliabilityApi,
  tenant: string,
  source: { id: string; secret: string },
  unitId: string,
): Promise<string> {
  const raw = JSON.stringify({
    sourceId: source.id,
    eventId: `isolation-${serial++}`,
    unitId,
    kind: 'gas_concentration',
    level: 'yellow',
    message: '隔离告警',
    observedAt: new Date().toISOString(),
  });
  const answer = await api.app.request(`${countyApiBasePath(tenant)}/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(source.secret, raw) },
    body: raw,
  });
  if (answer.status !== 202) throw new Error(`POST /alerts answered ${answer.status}`);
  return ((await answer.json()) as { id: string }).id;
}

function nonEmpty<T>(list: string, items: T[]): T[] {
  if (items.length === 0) throw new Error(`the ${list} list answered no items: the seed made some`);
  return items;
}

/** The body of a read that must answer 200; any other answer stops the check that relies on it. */
async function answered(admin: CountyClient, path: string): Promise<any> {
  const answer = await admin.get(path);
  if (answer.status !== 200)
    throw new Error(`GET ${path} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  return answer.body;
}

/**
 * What the second county looks like from its own admin's seat, to prove the attempts changed nothing: every
 * record kind the sweep writes to (grids, units, risk points, users, departments, hazards, patrols, settings),
 * each with its version and audit chain where it has one. Every read must answer 200, so two failed reads
 * cannot compare equal.
 */
export async function snapshotCounty(api: ReliabilityApi, county: CountyFixture) {
  const admin = countyClient(api.app, county.seeded.tenant, county.token);
  const hazardId = county.more.hazards;
  const patrolId = county.more.patrols;
  if (!hazardId || !patrolId) throw new Error('the county fixture names no hazard or patrol to watch');
  const versions = (items: { id: string; version: number; status?: string }[]) =>
    items.map((item) => [item.id, item.version, item.status ?? null]);
  return {
    stats: await answered(admin, `/grids/${county.seeded.county}/stats`),
    grids: versions(await admin.all(`/grids?within=${county.seeded.county}`)),
    grid: await answered(admin, `/grids/${county.seeded.village1}`),
    units: versions(await admin.all('/units')),
    unit: await answered(admin, `/units/${county.seeded.unit(1)}`),
    points: versions(await admin.all('/risk-points')),
    point: await answered(admin, `/risk-points/${county.pointId}`),
    pointAudit: (await answered(admin, `/risk-points/${county.pointId}/audit`)).chain,
    users: versions(await admin.all('/users')),
    departments: await answered(admin, '/departments'),
    hazards: versions(await admin.all('/hazards')),
    hazard: await answered(admin, `/hazards/${hazardId}`),
    hazardAudit: (await answered(admin, `/hazards/${hazardId}/audit`)).chain,
    patrols: versions(await admin.all('/patrols')),
    patrol: await answered(admin, `/patrols/${patrolId}`),
    patrolAudit: (await answered(admin, `/patrols/${patrolId}/audit`)).chain,
    settings: await answered(admin, '/settings'),
    // The export's link is signed anew at each read: its progress and its trail are what must not change.
    exportJob: jobFacts(await answered(admin, `/exports/${county.more.exports}`)),
    exportAudit: (await answered(admin, `/exports/${county.more.exports}/audit`)).chain,
    importJob: jobFacts(await answered(admin, `/imports/${county.more.imports}`)),
    importAudit: (await answered(admin, `/imports/${county.more.imports}/audit`)).chain,
    notificationChannels: await answered(admin, '/notification-channels'),
    deliveries: (await admin.all('/notification-channels/deliveries')).map((d: { id: string }) => d.id),
    inspections: versions(await admin.all('/inspections')),
    inspectionAudit: (await answered(admin, `/inspections/${county.more.inspections}/audit`)).chain,
    alerts: versions(await admin.all('/alerts')),
    alertAudit: (await answered(admin, `/alerts/${county.more.alerts}/audit`)).chain,
    alertSources: (await answered(admin, '/alert-sources')).items,
    resources: versions(await admin.all('/resources')),
    resourceAudit: (await answered(admin, `/resources/${county.more.resources}/audit`)).chain,
    plans: versions((await answered(admin, `/plans?unit=${county.seeded.unit(1)}`)).items),
    planAudit: (await answered(admin, `/plans/${county.more.plans}/audit`)).chain,
    webhooks: (await answered(admin, '/webhooks')).items,
    webhookAudit: (await answered(admin, `/webhooks/${county.more.webhooks}/audit`)).chain,
    webhookDeliveries: (await answered(admin, `/webhooks/${county.more.webhooks}/deliveries`)).items,
  };
}

const jobFacts = ({ url: _url, ...facts }: Record<string, unknown>) => facts;
