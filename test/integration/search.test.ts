import { backfillSearchIndex, SearchIndex, unitSearchDocument } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { indexSizedCountyForSearch } from '../../scripts/seed/seed-county-at-size.ts';
import { type Client, countyTest, everyItem } from '../support/fixtures.ts';

const it = countyTest({ prefix: 'se', neighbour: { prefix: 'sn' }, reportDynamoCalls: true });

interface Named {
  id: string;
  name: string;
  gridPath: string;
  address?: string;
  creditCode?: string;
  industry?: string;
}

/** Every page of a search, as `client` sees it. */
const searched = (client: Client, path: string, q: string) =>
  everyItem<Named>(client, `${path}${path.includes('?') ? '&' : '?'}q=${encodeURIComponent(q)}`);
const ids = (items: { id: string }[]) => items.map((item) => item.id).sort();

describe('searching the units list', () => {
  it('finds a township officer’s units by part of their name, and only those of the township', async ({
    county,
    admin,
    township,
  }) => {
    const all = await everyItem<Named>(admin, '/units');
    // The prefix of a unit of the township's (太和县<prefix><kind>): the same prefix names units elsewhere too.
    const query = all.find((unit) => unit.gridPath.includes(county.township1))!.name.slice(3, 5);
    const expected = all.filter((unit) => unit.name.includes(query));
    const inTownship = expected.filter((unit) => unit.gridPath.includes(county.township1));
    expect(inTownship.length).toBeGreaterThan(0);
    expect(expected.length).toBeGreaterThan(inTownship.length);
    expect(ids(await searched(admin, '/units', query))).toEqual(ids(expected));
    expect(ids(await searched(township, '/units', query))).toEqual(ids(inTownship));
  });

  it('finds units by part of their address, with the industry filter applied too', async ({ admin }) => {
    const all = await everyItem<Named>(admin, '/units');
    const sample = all.find((unit) => unit.industry === 'gas_station')!;
    const query = sample.address!.slice(0, 3);
    const expected = all.filter((unit) => unit.address?.includes(query) && unit.industry === 'gas_station');
    expect(expected.length).toBeGreaterThan(0);
    expect(ids(await searched(admin, '/units?industry=gas_station', query))).toEqual(ids(expected));
  });

  it('finds a unit by the start of its credit code', async ({ county, admin }) => {
    const unit = (await admin.get(`/units/${county.unit(7)}`)).body as Named;
    const found = await searched(admin, '/units', unit.creditCode!.slice(0, 17));
    expect(found.map((item) => item.id)).toContain(unit.id);
    expect(found.every((item) => item.creditCode!.startsWith(unit.creditCode!.slice(0, 17)))).toBe(true);
  });

  it('ignores case, full-width letters and spaces, and finds a single character', async ({ admin }) => {
    const all = await everyItem<Named>(admin, '/units');
    expect(ids(await searched(admin, '/units', ' 恒 达 '))).toEqual(
      ids(all.filter((unit) => unit.name.includes('恒达'))),
    );
    expect(ids(await searched(admin, '/units', '鑫'))).toEqual(
      ids(all.filter((unit) => unit.name.includes('鑫') || unit.address?.includes('鑫'))),
    );
  });

  it('finds a renamed unit by its new name and no longer by its old one', async ({ county, admin }) => {
    const before = (await admin.get(`/units/${county.unit(11)}`)).body;
    const renamed = await admin.patch(
      `/units/${county.unit(11)}`,
      { name: '太和县澜沧新材料有限公司' },
      { 'if-match': String(before.version) },
    );
    expect(renamed.status).toBe(200);
    expect(ids(await searched(admin, '/units', '澜沧新材'))).toEqual([county.unit(11)]);
    const old = await searched(admin, '/units', before.name);
    expect(old.map((unit) => unit.id)).not.toContain(county.unit(11));
  });

  it('pages through many hits with cursors, each unit once', async ({ admin }) => {
    const all = await everyItem<Named>(admin, '/units');
    const expected = all.filter((unit) => unit.name.includes('有限公司'));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await admin.get(
        `/units?q=${encodeURIComponent('有限公司')}&limit=5${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((unit: Named) => unit.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(ids(expected));
  });

  it('reads a bounded number of items for a page, whatever the county’s size', async ({ admin }) => {
    const page = await admin.get(`/units?q=${encodeURIComponent('恒达化工')}&limit=20`);
    expect(page.status).toBe(200);
    // At most four probes of one page each and one batch read of the hits: no Scan, no county-wide read.
    expect(Number(page.headers.get('x-dynamodb-calls'))).toBeLessThanOrEqual(6);
  });

  it('finds nothing of the neighbouring county', async ({ neighbour, admin }) => {
    const found = await searched(admin, '/units', '县');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((unit) => !unit.gridPath.includes(neighbour.county))).toBe(true);
  });

  it('refuses an empty or over-long query, naming q', async ({ admin }) => {
    for (const q of ['%20', 'x'.repeat(51)]) {
      const answer = await admin.get(`/units?q=${q}`);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('q');
    }
  });

  it('lets a unit’s own person search only the units they hold', async ({ unitUser }) => {
    const own = (await unitUser.get('/units')).body.items as Named[];
    expect(own).toHaveLength(1);
    const part = own[0]!.name.slice(3, 6);
    expect(ids(await searched(unitUser, '/units', part))).toEqual(ids(own));
    expect(await searched(unitUser, '/units', '不存在的名字')).toEqual([]);
  });
});

describe('the migration step', () => {
  it('writes the postings of a county whose units have none, so search finds them again', async ({
    county,
    admin,
    store,
  }) => {
    const unit = (await admin.get(`/units/${county.unit(3)}`)).body as Named;
    // The county as it was before search: this unit without postings.
    const index = new SearchIndex(store, 'unit');
    const removals = index.changes(unit.id, unitSearchDocument(unit), { text: '', grams: [] });
    await store.transact(removals, 'test');
    const part = unit.name.slice(3, 7);
    expect((await searched(admin, '/units', part)).map((found) => found.id)).not.toContain(unit.id);
    const report = await backfillSearchIndex(store);
    expect(report.units).toBeGreaterThan(0);
    expect((await searched(admin, '/units', part)).map((found) => found.id)).toContain(unit.id);
  });
});

describe('the sized demo county’s index, built after npm start answers', () => {
  it('is built once for a county seeded at its size, and never for a county that was not', async ({
    county,
    admin,
    store,
  }) => {
    const unit = (await admin.get(`/units/${county.unit(4)}`)).body as Named;
    const index = new SearchIndex(store, 'unit');
    await store.transact(index.changes(unit.id, unitSearchDocument(unit), { text: '', grams: [] }), 'test');
    const part = unit.name.slice(3, 7);
    const target = { client: store.client, tableName: store.tableName };
    // Not seeded at its size: nothing to build, and the unit stays unfound.
    expect((await indexSizedCountyForSearch(target, county.tenant)).present).toBe(true);
    expect((await searched(admin, '/units', part)).map((found) => found.id)).not.toContain(unit.id);
    // The sized seed's marker, as seedCountyAtSize leaves it: the index is built and the unit found.
    await store.transact(
      [
        {
          Put: {
            TableName: store.tableName,
            Item: { pk: store.key('SEED'), sk: 'county-at-size', type: 'SeedMarker' },
          },
        },
      ],
      'test',
    );
    const built = await indexSizedCountyForSearch(target, county.tenant);
    expect(built.present).toBe(false);
    expect(built.postings).toBeGreaterThan(0);
    expect((await searched(admin, '/units', part)).map((found) => found.id)).toContain(unit.id);
    // A later start finds it built.
    expect((await indexSizedCountyForSearch(target, county.tenant)).present).toBe(true);
  });
});

describe('searching risk points and hazards', () => {
  it('finds risk points by part of their name within the township, with the colour filter', async ({
    county,
    admin,
    township,
  }) => {
    const all = await everyItem<Named & { color: string }>(admin, '/risk-points');
    const sample = all.find((point) => point.gridPath.includes(county.township1));
    expect(sample).toBeDefined();
    const query = sample!.name.slice(2, 5);
    const expected = all.filter(
      (point) =>
        point.name.includes(query) &&
        point.color === sample!.color &&
        point.gridPath.includes(county.township1),
    );
    expect(ids(await searched(township, `/risk-points?color=${sample!.color}`, query))).toEqual(
      ids(expected),
    );
  });

  it('finds hazards by part of their title', async ({ admin, township }) => {
    const all = await everyItem<Named & { title: string }>(admin, '/hazards');
    expect(all.length).toBeGreaterThan(0);
    const query = all[0]!.title.slice(0, 3);
    expect(ids(await searched(admin, '/hazards', query))).toEqual(
      ids(all.filter((hazard) => hazard.title.includes(query))),
    );
    const visible = await everyItem<Named & { title: string }>(township, '/hazards');
    expect(ids(await searched(township, '/hazards', query))).toEqual(
      ids(visible.filter((hazard) => hazard.title.includes(query))),
    );
  });
});
