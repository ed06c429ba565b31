import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 2026-01-01T00:00:00Z: demo records look like they were made at the start of the year. */
const DEMO_EPOCH_MS = Date.UTC(2026, 0, 1);

/**
 * A stable ULID for a demo record, derived from its tenant and a name. Seeding twice produces the same ids,
 * so the second run finds everything present and writes nothing: `npm start` twice never duplicates the demo.
 */
export function demoId(tenant: string, name: string, offsetMs = 0): string {
  let time = DEMO_EPOCH_MS + offsetMs;
  let timePart = '';
  for (let i = 0; i < 10; i++) {
    timePart = CROCKFORD[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  const digest = createHash('sha256').update(`${tenant}/${name}`).digest();
  let randomPart = '';
  for (let i = 0; i < 16; i++) randomPart += CROCKFORD[(digest[i] ?? 0) % 32];
  return timePart + randomPart;
}
