import { newCursorSecret } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { countyTest, type TestApi } from '../support/fixtures.ts';
import { clientFor, DEMO_LOGIN_PASSWORD, startTestApi } from '../support/harness.ts';

/**
 * Issue 21, item 5: list cursors are sealed (AES-256-GCM) for one county and one list with the cell's rotating
 * secret. A tampered, foreign or other-list cursor is a 400 naming `query.cursor`, never DynamoDB's "invalid
 * starting key" 500, and a cursor names no record to whoever holds it.
 */
const oldSecret = newCursorSecret();
const newSecret = newCursorSecret();

/** One cell before its rotation (the fixtures' `api`), after it, and after the previous key was finally dropped. */
const it = countyTest({
  prefix: 'pc',
  neighbour: { prefix: 'pc', shape: 'taihe' },
  cursorSecrets: () => ({ current: oldSecret }),
})
  .extend('rotated', { scope: 'file' }, ({ counties }) =>
    startTestApi({
      tenants: counties.map((county) => county.tenant),
      cursorSecrets: () => ({ current: newSecret, previous: [oldSecret] }),
    }),
  )
  .extend('forgotten', { scope: 'file' }, ({ counties }) =>
    startTestApi({
      tenants: counties.map((county) => county.tenant),
      cursorSecrets: () => ({ current: newSecret }),
    }),
  )
  /** The county admin's client on one of the three apps (one token: the apps share the county's directory). */
  .extend('adminOn', { scope: 'file' }, async ({ api, county }) => {
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    return (app: TestApi) => clientFor(app.app, county.tenant, token);
  });

const withCursor = (path: string, cursor: string) =>
  `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;

function expectCursorRefused(answer: { status: number; body: any; headers: Headers }) {
  expect(answer.status).toBe(400);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.cursor']);
}

describe('list cursors', () => {
  it('page through every unit of the county, each exactly once', async ({ admin }) => {
    const all = await admin.get('/units?limit=100');
    expect(all.status).toBe(200);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await admin.get(cursor ? withCursor('/units?limit=7', cursor) : '/units?limit=7');
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((u: { id: string }) => u.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(all.body.items.map((u: { id: string }) => u.id));
  });

  it('name no record, key or county in clear, even decoded', async ({ county, admin }) => {
    const page = await admin.get('/units?limit=3');
    const cursor: string = page.body.nextCursor;
    expect(cursor).toBeDefined();
    const decoded = Buffer.from(cursor, 'base64url');
    for (const text of [decoded.toString('utf8'), decoded.toString('latin1'), cursor]) {
      expect(text).not.toMatch(/[0-9A-HJKMNP-TV-Z]{26}/);
      expect(text).not.toContain(county.tenant);
      expect(text).not.toContain('T#');
      for (const unit of page.body.items) expect(text).not.toContain(unit.id);
    }
  });

  it('answer 400 naming query.cursor when one byte of a cursor is changed, and change nothing', async ({
    county,
    admin,
  }) => {
    const page = await admin.get('/hazards?limit=2');
    const bytes = Buffer.from(page.body.nextCursor as string, 'base64url');
    for (const at of [0, 3, 10, bytes.length - 20, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[at] = tampered[at]! ^ 0x01;
      expectCursorRefused(await admin.get(withCursor('/hazards?limit=2', tampered.toString('base64url'))));
    }
    expectCursorRefused(await admin.get(withCursor('/hazards?limit=2', 'not-a-cursor')));
    // A cursor of the old, readable format (a base64 DynamoDB key) is refused too, not handed to DynamoDB.
    const oldFormat = Buffer.from(
      JSON.stringify({ pk: `T#${county.tenant}#HAZARD#x`, sk: 'HAZARD' }),
    ).toString('base64url');
    expectCursorRefused(await admin.get(withCursor('/hazards?limit=2', oldFormat)));
    // The list itself is untouched: its first page still holds the same hazards.
    expect((await admin.get('/hazards?limit=2')).body.items).toEqual(page.body.items);
  });

  it('answer 400 for another county’s cursor', async ({ api, neighbour, admin }) => {
    const otherAdmin = clientFor(
      api.app,
      neighbour.tenant,
      await api.login(neighbour.tenant, 'county.admin', DEMO_LOGIN_PASSWORD),
    );
    const foreign = await otherAdmin.get('/units?limit=2');
    expect(foreign.body.nextCursor).toBeDefined();
    expectCursorRefused(await admin.get(withCursor('/units?limit=2', foreign.body.nextCursor)));
  });

  it('answer 400 for a cursor of another list, or of the same list in another grid', async ({
    county,
    admin,
  }) => {
    const units = await admin.get('/units?limit=2');
    expectCursorRefused(await admin.get(withCursor('/hazards?limit=2', units.body.nextCursor)));
    const inTownship = await admin.get(`/units?grid=${county.township1}&limit=2`);
    expect(inTownship.body.nextCursor).toBeDefined();
    expectCursorRefused(
      await admin.get(withCursor(`/units?grid=${county.township2}&limit=2`, inTownship.body.nextCursor)),
    );
  });

  it('made before a rotation still open after it, and stop opening once the previous key is dropped', async ({
    admin,
    adminOn,
    rotated,
    forgotten,
  }) => {
    const first = await admin.get('/units?limit=5');
    const continued = await adminOn(rotated).get(withCursor('/units?limit=5', first.body.nextCursor));
    const expected = await admin.get(withCursor('/units?limit=5', first.body.nextCursor));
    expect(continued.status).toBe(200);
    expect(continued.body.items).toEqual(expected.body.items);
    // New cursors are sealed with the new key: they open after the rotation but not on the old key alone.
    expect(
      (await adminOn(forgotten).get(withCursor('/units?limit=5', continued.body.nextCursor))).status,
    ).toBe(200);
    expectCursorRefused(await admin.get(withCursor('/units?limit=5', continued.body.nextCursor)));
    expectCursorRefused(await adminOn(forgotten).get(withCursor('/units?limit=5', first.body.nextCursor)));
  });

  it('handed to a unit manager whose page the scope emptied name none of the other units’ points', async ({
    admin,
    unitUser,
  }) => {
    const everyPoint = await admin.get('/risk-points?limit=100');
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await unitUser.get(
        cursor ? withCursor('/risk-points?limit=1', cursor) : '/risk-points?limit=1',
      );
      expect(page.status).toBe(200);
      cursor = page.body.nextCursor;
      if (cursor) {
        const decoded = Buffer.from(cursor, 'base64url').toString('latin1');
        for (const point of everyPoint.body.items) expect(decoded).not.toContain(point.id);
        expect(decoded).not.toMatch(/[0-9A-HJKMNP-TV-Z]{26}/);
      }
      pages += 1;
    } while (cursor && pages < 60);
    expect(pages).toBeGreaterThan(1);
  });
  it('fill each page of a filtered list past the items the filter drops, so no page is empty before its end', async ({
    admin,
  }) => {
    // A department's units narrowed to one industry: the department index is read, the industry filtered.
    const units: { id: string; departmentId?: string; industry: string }[] = (
      await admin.get('/units?limit=100')
    ).body.items;
    const candidates = new Set(units.flatMap((unit) => (unit.departmentId ? [unit.departmentId] : [])));
    let chosen: { path: string; expected: string[] } | undefined;
    for (const departmentId of candidates) {
      const listed: { id: string; industry: string }[] = (
        await admin.get(`/units?department=${departmentId}&limit=100`)
      ).body.items;
      // An industry none of whose units is among the department's first two: one Query of two items matches none.
      const late = [...new Set(listed.map((unit) => unit.industry))].find(
        (industry) => !listed.slice(0, 2).some((unit) => unit.industry === industry),
      );
      if (!late) continue;
      chosen = {
        path: `/units?department=${departmentId}&industry=${encodeURIComponent(late)}`,
        expected: listed.filter((unit) => unit.industry === late).map((unit) => unit.id),
      };
      break;
    }
    expect(chosen, 'the demo county has a department whose list starts with other industries').toBeDefined();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const path = cursor ? withCursor(`${chosen!.path}&limit=2`, cursor) : `${chosen!.path}&limit=2`;
      const page = await admin.get(path);
      expect(page.status).toBe(200);
      if (page.body.nextCursor) expect(page.body.items.length).toBe(2);
      seen.push(...page.body.items.map((unit: { id: string }) => unit.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen).toEqual(chosen!.expected);
  });
});
