import { describe, expect } from 'vitest';
import { type Client, countyTest } from '../support/fixtures.ts';

/**
 * The request budgets of docs/performance.md, through the real app on DynamoDB Local: what each hot path costs
 * in DynamoDB calls (the `x-dynamodb-calls` header every county response carries) and which calls they are
 * (recorded on the app's own DynamoDB client). These hold at any county size, which is what lets the
 * benchmark's latencies hold at Nanjing's.
 */
/** Every operation the app sent since the recorder was installed, and since the last `measure`. */
const everySent: string[] = [];
let sent: string[] = [];

const it = countyTest({ prefix: 'bu', reportDynamoCalls: true })
  /** `measure` for the county admin, with the recorder on the app's own DynamoDB client installed once seeded. */
  .extend('measure', { scope: 'file' }, ({ api, admin }) => {
    api.deps.documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        // The document client's commands arrive here as the low-level ones (GetCommand → GetItemCommand).
        const operation = String((context as { commandName?: string }).commandName).replace(/Command$/, '');
        sent.push(operation);
        everySent.push(operation);
        return next(args);
      },
      { step: 'initialize', name: 'budgetRecorder', priority: 'high' },
    );
    return (method: 'GET' | 'POST', path: string, body?: unknown) => measure(admin, method, path, body);
  });

/**
 * One request, with the DynamoDB calls it made. A GET /me first fills the per-process county-status cache (one
 * read per county per 30 s, whichever request comes then), so the count is the path's own.
 */
async function measure(admin: Client, method: 'GET' | 'POST', path: string, body?: unknown) {
  await admin.get('/me');
  sent = [];
  const response = method === 'GET' ? await admin.get(path) : await admin.post(path, body);
  return {
    status: response.status,
    body: response.body,
    calls: Number(response.headers.get('x-dynamodb-calls')),
    operations: [...sent],
  };
}

/** Risk points of the seeded county in one status, found through the API. */
async function pointsIn(
  admin: Client,
  status: string,
): Promise<{ id: string; color: string; photos: { status: string }[] }[]> {
  const page = await admin.get(`/risk-points?status=${status}&limit=100`);
  expect(page.status).toBe(200);
  return page.body.items;
}

describe('request budgets', () => {
  it.for([
    ['county', 'county'],
    ['township', 'township1'],
    ['village', 'village1'],
  ] as const)('reads %s stats with one GetItem and one Query', async ([, node], { county, measure }) => {
    const result = await measure('GET', `/grids/${county[node]}/stats`);
    expect(result.status).toBe(200);
    expect(result.calls).toBeLessThanOrEqual(2);
    // The two are sent at once (the counters do not wait for the node), so in either order.
    expect([...result.operations].sort()).toEqual(['GetItem', 'Query']);
  });

  it('lists the red risk points of a township with one GetItem and one Query', async ({
    county,
    measure,
  }) => {
    const result = await measure('GET', `/risk-points?grid=${county.township1}&color=red`);
    expect(result.status).toBe(200);
    expect(result.body.items.length).toBeGreaterThan(0);
    // Summaries, not whole records: the template texts and gradings stay on the record page.
    for (const item of result.body.items) {
      expect(item).toMatchObject({
        color: 'red',
        unitName: expect.any(String),
        location: expect.any(Object),
      });
      expect(item).not.toHaveProperty('checklist');
      expect(item).not.toHaveProperty('gradings');
    }
    expect(result.calls).toBeLessThanOrEqual(2);
    expect(result.operations).toEqual(['GetItem', 'Query']);
  });

  it('lists the units of a township with one GetItem and one Query', async ({ county, measure }) => {
    const result = await measure('GET', `/units?grid=${county.township1}`);
    expect(result.status).toBe(200);
    expect(result.body.items.length).toBeGreaterThan(0);
    expect(result.calls).toBeLessThanOrEqual(2);
    expect(result.operations).toEqual(['GetItem', 'Query']);
  });

  it('reads a risk point with exactly one GetItem', async ({ admin, measure }) => {
    const [point] = await pointsIn(admin, 'filed');
    const result = await measure('GET', `/risk-points/${point!.id}`);
    expect(result.status).toBe(200);
    expect(result.calls).toBe(1);
    expect(result.operations).toEqual(['GetItem']);
  });

  it('approves a submitted risk point with one GetItem and one TransactWriteItems, then re-rates its unit once filed', async ({
    admin,
    measure,
  }) => {
    const [point] = await pointsIn(admin, 'submitted');
    const result = await measure('POST', `/risk-points/${point!.id}/approve`, {});
    expect(result.status).toBe(200);
    expect(result.operations.slice(0, 2)).toEqual(['GetItem', 'TransactWriteItems']);
    // A filing changes the unit's credit rating (docs/decisions.md, "Unit credit ratings"): the rules, the unit and
    // its rating, its village's points and hazards, its patrols and its inspections' outcomes, and the rating's
    // write when it changed.
    const refresh = result.operations.slice(2);
    expect(refresh.length, refresh.join(', ')).toBeLessThanOrEqual(result.body.status === 'filed' ? 8 : 0);
    expect(refresh.every((operation) => ['GetItem', 'Query', 'TransactWriteItems'].includes(operation))).toBe(
      true,
    );
  });

  it('returns a submitted risk point with one GetItem and one TransactWriteItems', async ({
    admin,
    measure,
  }) => {
    const [point] = await pointsIn(admin, 'submitted');
    const result = await measure('POST', `/risk-points/${point!.id}/return`, {
      reason: '照片不清晰，请重新拍摄',
    });
    expect(result.status).toBe(200);
    expect(result.calls).toBe(2);
    expect(result.operations).toEqual(['GetItem', 'TransactWriteItems']);
  });

  it('submits a draft with one GetItem and one TransactWriteItems once the settings are cached', async ({
    county,
    admin,
    measure,
  }) => {
    const drafts = (await pointsIn(admin, 'draft')).filter((p) =>
      p.photos.some((photo) => photo.status === 'verified'),
    );
    expect(drafts.length).toBeGreaterThanOrEqual(2);
    // The first submit in a process reads the county's settings (cached for 30 s, like the county status).
    expect((await admin.post(`/risk-points/${drafts[0]!.id}/submit`, {})).status).toBe(200);
    const result = await measure('POST', `/risk-points/${drafts[1]!.id}/submit`, {});
    expect(result.status).toBe(200);
    expect(result.calls).toBe(2);
    expect(result.operations).toEqual(['GetItem', 'TransactWriteItems']);
  });

  it('sends no Scan on any of these paths', () => {
    expect(everySent.length).toBeGreaterThan(0);
    expect(everySent.filter((operation) => operation === 'Scan')).toEqual([]);
  });
});
