import { describe, expect, it } from 'vitest';
import { FIELD_PHONE } from '../support/browser.ts';
import {
  openRegistrationOffline,
  registerGasStation,
  SLOW,
  useGridMemberWorld,
} from '../support/member-phone.ts';

const world = useGridMemberWorld();

describe('a phone that queued writes before person ids', () => {
  it('sends a write queued under the person’s token sub once, as the person, when the network returns', async () => {
    const context = await world.browser.newContext({ ...FIELD_PHONE, serviceWorkers: 'block' });
    const { page, badge } = await openRegistrationOffline(world, context);
    const name = `迁移前排队加油站${Date.now().toString(36)}`;
    await registerGasStation(page, name);

    // Make the queued write look as the app before person ids stored it: keyed by the token's `sub`.
    const rekeyed = await page.evaluate(async () => {
      const session = JSON.parse(sessionStorage.getItem('gridsafe.session') ?? '{}');
      const payload = session.accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const sub = JSON.parse(atob(payload)).sub as string;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('gridsafe', 1);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const items = await new Promise<{ userId: string }[]>((resolve) => {
        const request = db.transaction('outbox').objectStore('outbox').getAll();
        request.onsuccess = () => resolve(request.result);
      });
      await new Promise<void>((resolve) => {
        const tx = db.transaction('outbox', 'readwrite');
        for (const item of items) tx.objectStore('outbox').put({ ...item, userId: sub });
        tx.oncomplete = () => resolve();
      });
      return { sub, personId: session.user.id as string, count: items.length };
    });
    expect(rekeyed.count).toBe(1);
    expect(rekeyed.sub).not.toBe(rekeyed.personId);

    await context.setOffline(false);
    await page.reload();
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('已同步');
    // The badge can read 已同步 a moment before the reloaded page has sent its outbox: wait for the unit itself.
    const written = async () => (await world.villageUnits()).filter((unit) => unit.name === name).length;
    await expect.poll(written, { timeout: SLOW }).toBe(1);
    await expect.poll(() => badge.textContent(), { timeout: SLOW }).toContain('已同步');
    // Sent once, as the person: no second copy follows.
    expect(await written()).toBe(1);
    await context.close();
  });
});
