import { makeCreditCode } from '@gridsafe/core';
import { test as base, describe, expect } from 'vitest';
import { uniqueTenant } from '../../support/harness.ts';
import { call, problemShapeIssues } from '../../support/reliability/client.ts';
import {
  alertSigner,
  fuzzOperations,
  oversizedBodies,
  prepareFuzzCounty,
} from '../../support/reliability/fuzz.ts';
import { loadOperations, type Operation } from '../../support/reliability/openapi-routes.ts';
import { injectedServices } from '../../support/reliability/services.ts';
import { buildApi } from '../../support/reliability/stack.ts';
import { VERBATIM_NAMES, validPathFor } from '../../support/reliability/verbatim.ts';

/**
 * Bad input, the way the field and the internet send it: property-based requests against every operation the
 * OpenAPI document lists, oversized bodies, and names full of emoji, markup and injection-looking text.
 */
// Per operation and property (body/query/headers, and path parameters): about 24 requests per operation.
const RUNS = Number(process.env.GRIDSAFE_FUZZ_RUNS ?? 12);

const tenant = uniqueTenant('fz');
/** The fuzzed county (Linquan's shape, a point with a verified photo, a hazard and a patrol), and its document. */
const it = base
  .extend('api', { scope: 'file' }, () => buildApi(injectedServices(), { tenants: [tenant] }))
  .extend('fuzzCounty', { scope: 'file' }, ({ api }) => prepareFuzzCounty(api, tenant))
  .extend('county', { scope: 'file' }, ({ fuzzCounty }) => fuzzCounty.county)
  .extend('admin', { scope: 'file' }, ({ fuzzCounty }) => fuzzCounty.admin)
  /** The records the fuzzed paths name: the point, its photo, and one of each other collection. */
  .extend('named', { scope: 'file' }, ({ fuzzCounty: { pointId, photoId, more } }) => ({
    pointId,
    photoId,
    more,
  }))
  .extend('documented', { scope: 'file' }, ({ api }) => loadOperations(api.app, tenant))
  /** Where a sweep of every documented operation sends its requests: the admin's, on real records' paths. */
  .extend('sweep', { scope: 'file' }, ({ api, county, admin, named, documented }) => ({
    app: api.app,
    tenant: county.tenant,
    token: admin.token,
    operations: documented.operations,
    validPath: (op: Operation) => validPathFor(op, county, named),
  }));
it.beforeAll(async ({ fuzzCounty, documented }) => void [fuzzCounty, documented], 120_000);

describe('bad input', () => {
  it('answers every documented operation with an allowed status and problem+json, whatever it is sent', async ({
    sweep,
    documented,
    fuzzCounty,
  }) => {
    const report = await fuzzOperations({
      ...sweep,
      sign: alertSigner(fuzzCounty.alertSource),
      doc: documented.doc,
      numRuns: RUNS,
      concurrency: 3,
    });
    console.info(
      `fuzz: ${report.operations} operations, ${report.requests} requests (${report.unsendable} unsendable) in ${report.ms} ms; statuses ${JSON.stringify(report.statuses)}`,
    );
    for (const failure of report.failures)
      console.info(
        `fuzz failure: ${failure.operation} (${failure.property}, seed ${failure.seed}): ${failure.problem.slice(0, 240)}`,
      );
    expect(report.operations).toBeGreaterThanOrEqual(40);
    expect(report.failures).toEqual([]);
  }, 120_000);

  it('refuses a body over the limit on every operation that takes one with 413, declared or streamed', async ({
    sweep,
  }) => {
    const result = await oversizedBodies(sweep);
    expect(result.checked).toBeGreaterThanOrEqual(30);
    expect(result.failures).toEqual([]);
  });

  it('stores names with emoji, markup and injection-looking text verbatim and reads them back equal', async ({
    county,
    admin,
  }) => {
    const mismatches: string[] = [];
    for (const [index, name] of VERBATIM_NAMES.entries()) {
      const unit = await admin.post('/units', {
        name,
        creditCode: makeCreditCode('91341221', 8800 + index),
        industry: 'gas',
        gridId: county.village1,
        address: name,
      });
      if (unit.status !== 201) {
        mismatches.push(`unit ${JSON.stringify(name)}: ${unit.status} ${unit.text}`);
        continue;
      }
      const point = await admin.post('/risk-points', {
        name,
        unitId: unit.body.id,
        industry: 'gas',
        location: { lat: 33.06, lng: 115.26 },
        description: name,
        hazardFactors: [name],
        responsiblePerson: { name: name.slice(0, 50) },
      });
      if (point.status !== 201) {
        mismatches.push(`risk point ${JSON.stringify(name)}: ${point.status} ${point.text}`);
        continue;
      }
      const unitBack = await admin.get(`/units/${unit.body.id}`);
      const pointBack = await admin.get(`/risk-points/${point.body.id}`);
      const listed = await admin.get(`/risk-points?grid=${county.village1}&unit=${unit.body.id}`);
      const audit = await admin.get(`/risk-points/${point.body.id}/audit`);
      const seen = {
        'unit name': unitBack.body.name,
        'unit address': unitBack.body.address,
        'point name': pointBack.body.name,
        'point unitName': pointBack.body.unitName,
        'point description': pointBack.body.description,
        'point hazard factor': pointBack.body.hazardFactors?.[0],
        'listed name': listed.body.items?.[0]?.name,
        'audited name': audit.body.items?.[0]?.details?.name,
      };
      for (const [where, value] of Object.entries(seen)) {
        if (value !== name)
          mismatches.push(`${where}: sent ${JSON.stringify(name)}, got ${JSON.stringify(value)}`);
      }
      expect(audit.body.chain.intact).toBe(true);
    }
    expect(mismatches).toEqual([]);
  });

  it('escapes stored markup on the server-rendered notice board', async ({ api, county, admin }) => {
    const name = '<script>alert("xss")</script><img src=x onerror=alert(1)>';
    const point = await admin.post('/risk-points', {
      name,
      unitId: county.unit(2),
      industry: 'gas_station',
      location: { lat: 33.06, lng: 115.26 },
      controlMeasures: ['</li><script>alert(2)</script>'],
      responsiblePerson: { name: '"><svg onload=alert(3)>' },
    });
    expect(point.status).toBe(201);
    const page = await api.app.request(
      `/t/${county.tenant}/api/v1/risk-points/${point.body.id}/notice-board`,
      {
        headers: { authorization: `Bearer ${admin.token}` },
      },
    );
    const html = await page.text();
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // The only markup is the page's own (the QR code is an inline <svg>): no element came from the data.
    const tags = new Set([...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    const own = [
      'html',
      'head',
      'meta',
      'title',
      'style',
      'body',
      'div',
      'header',
      'h1',
      'h2',
      'p',
      'main',
      'section',
      'ul',
      'li',
      'aside',
      'svg',
      'path',
      'footer',
    ];
    expect([...tags].filter((tag) => !own.includes(tag))).toEqual([]);
    expect(html).not.toMatch(/<svg[^>]*onload|<script|<img/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;/li&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('refuses control characters with 400 naming the field, on create and on change', async ({
    county,
    admin,
  }) => {
    const failures: string[] = [];
    // In the middle of the text: at the ends, whitespace controls (VT, FF) are trimmed like spaces.
    for (const bad of [
      'a\u0000b',
      'be\u0007ll',
      'esc\u001b[31m',
      'de\u007fl',
      'v\u000bt',
      'f\u000cf',
      'u\u001fs',
    ]) {
      const created = await admin.post('/risk-points', {
        name: bad,
        unitId: county.unit(1),
        industry: 'hazardous_chemicals',
        location: { lat: 33.06, lng: 115.26 },
      });
      const changed = await admin.patch(`/units/${county.unit(1)}`, { address: bad });
      const listed = await admin.post('/risk-points', {
        name: '控制字符',
        unitId: county.unit(1),
        industry: 'hazardous_chemicals',
        location: { lat: 33.06, lng: 115.26 },
        hazardFactors: ['ok', bad],
      });
      for (const [what, answer, field] of [
        ['create name', created, 'name'],
        ['patch address', changed, 'address'],
        ['list item', listed, 'hazardFactors.1'],
      ] as const) {
        const paths = (answer.body?.errors ?? []).map((e: { path: string }) => e.path);
        if (answer.status !== 400 || !paths.includes(field)) {
          failures.push(`${what} ${JSON.stringify(bad)}: ${answer.status} ${JSON.stringify(paths)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses text that cannot be stored as UTF-8 (a lone surrogate) rather than altering it', async ({
    county,
    admin,
  }) => {
    const created = await admin.post('/risk-points', {
      name: `孤立代理项\ud800`,
      unitId: county.unit(1),
      industry: 'hazardous_chemicals',
      location: { lat: 33.06, lng: 115.26 },
    });
    // Either refused naming the field, or kept exactly: never silently changed into U+FFFD.
    if (created.status === 201) {
      const back = await admin.get(`/risk-points/${created.body.id}`);
      expect(back.body.name).toBe(`孤立代理项\ud800`);
    } else {
      expect(created.status).toBe(400);
      expect(created.body.errors.map((e: { path: string }) => e.path)).toContain('name');
    }
  });
});

describe('bad input at the edges of the contract', () => {
  it('answers malformed JSON with a 400 whose errors[] names the body', async ({ api, county, admin }) => {
    const answer = await call(api.app, 'POST', `/t/${county.tenant}/api/v1/risk-points`, {
      token: admin.token,
      rawBody: '{"name": "未闭合',
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(problemShapeIssues(answer)).toEqual([]);
  });

  it('answers a record filter that is not an id with 400 or 404, never 500', async ({ county, admin }) => {
    // Over 2 KB the value cannot be a DynamoDB key: unvalidated, it reaches GetItem and comes back a 500.
    const huge = '中'.repeat(1000);
    const failures: string[] = [];
    for (const path of [
      `/grids?within=${huge}`,
      `/grids?parent=${huge}`,
      `/units?grid=${huge}`,
      `/units?department=${huge}`,
      `/risk-points?grid=${huge}`,
      `/risk-points?department=${huge}`,
      `/risk-points?grid=${county.village1}&unit=${huge}`,
      `/hazards?grid=${huge}`,
      `/hazards?unit=${huge}`,
      `/patrols?grid=${huge}`,
      `/patrols?unit=${huge}`,
    ]) {
      const answer = await admin.get(path);
      const emptyList = answer.status === 200 && answer.body.items?.length === 0;
      if (![400, 404].includes(answer.status) && !emptyList)
        failures.push(`${path.slice(0, 40)}…: ${answer.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers a quarter the calendar cannot hold with 400, not 500', async ({ admin }) => {
    // `\d{4}Q4` admits 9999Q4, whose end (10000-01-01) is no Date: toISOString throws (docs/reliability.md, finding 6).
    const failures: string[] = [];
    for (const quarter of ['9999Q4', '0000Q1', '2026Q4']) {
      const answer = await admin.get(`/assessments?quarter=${quarter}`);
      if (answer.status >= 500) failures.push(`${quarter}: ${answer.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('stores or refuses a coordinate too small for DynamoDB (1e-200), never 500', async ({
    county,
    admin,
    named: { pointId },
  }) => {
    // The schema allows any double in range, DynamoDB refuses magnitudes under 1e-130 (docs/reliability.md, finding 7).
    const location = { lat: 1e-200, lng: 115.26 };
    const failures: string[] = [];
    const point = await admin.post('/risk-points', {
      name: '微小坐标',
      unitId: county.unit(1),
      industry: 'gas',
      location,
    });
    const hazard = await admin.post('/hazards', {
      unitId: county.unit(1),
      severity: 'general',
      title: '微小坐标',
      location,
    });
    const patched = await admin.patch(`/risk-points/${pointId}`, { location });
    for (const [what, answer] of [
      ['POST /risk-points', point],
      ['POST /hazards', hazard],
      ['PATCH /risk-points/{id}', patched],
    ] as const) {
      if (answer.status >= 500) failures.push(`${what}: ${answer.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers a JSON body sent as another media type with a problem that says so', async ({
    api,
    county,
    admin,
  }) => {
    const answer = await call(api.app, 'POST', `/t/${county.tenant}/api/v1/departments`, {
      token: admin.token,
      rawBody: JSON.stringify({ name: '媒体类型', industries: [] }),
      headers: { 'content-type': 'text/plain' },
    });
    expect([400, 415]).toContain(answer.status);
    expect(problemShapeIssues(answer)).toEqual([]);
    expect(answer.body).not.toMatchObject({ title: 'Error' });
    expect(answer.body.code).not.toBe('http_error');
  });

  it('names an unknown field whose name is empty as "" rather than with an empty path', async ({
    api,
    county,
    admin,
  }) => {
    const answer = await call(api.app, 'POST', `/t/${county.tenant}/api/v1/departments`, {
      token: admin.token,
      rawBody: JSON.stringify({ '': 1, name: '空字段名', industries: [] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: '""', message: 'unknown field' }]);
  });
});
