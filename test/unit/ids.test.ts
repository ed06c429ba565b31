import { isUlid, ulidSource } from '@gridsafe/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

const DIGITS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const timeOf = (id: string) => [...id.slice(0, 10)].reduce((ms, digit) => ms * 32 + DIGITS.indexOf(digit), 0);

describe('ulidSource', () => {
  afterEach(() => vi.useRealTimers());

  it('mints ULIDs whose first ten digits are the time they were minted', () => {
    vi.useFakeTimers({ now: new Date('2026-12-07T05:00:00.123Z'), toFake: ['Date'] });
    const id = ulidSource.next();
    expect(isUlid(id)).toBe(true);
    expect(timeOf(id)).toBe(Date.parse('2026-12-07T05:00:00.123Z'));
  });

  it('mints ids in one millisecond that sort in the order they were minted, each the last plus one', () => {
    vi.useFakeTimers({ now: new Date('2026-12-07T05:00:01Z'), toFake: ['Date'] });
    const ids = Array.from({ length: 2_000 }, () => ulidSource.next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => timeOf(id) === Date.parse('2026-12-07T05:00:01Z'))).toBe(true);
    const last = (id: string) => DIGITS.indexOf(id[25]!);
    expect((last(ids[0]!) + 1) % 32).toBe(last(ids[1]!));
  });

  it('keeps sorting in creation order when the clock steps back', () => {
    vi.useFakeTimers({ now: new Date('2026-12-07T05:00:02Z'), toFake: ['Date'] });
    const before = ulidSource.next();
    vi.setSystemTime(new Date('2026-12-07T05:00:01.500Z'));
    const after = ulidSource.next();
    expect(after > before).toBe(true);
  });

  it('draws fresh random digits in each new millisecond', () => {
    vi.useFakeTimers({ now: new Date('2026-12-07T05:00:03Z'), toFake: ['Date'] });
    const randoms = new Set<string>();
    for (let i = 0; i < 50; i++) {
      vi.setSystemTime(Date.parse('2026-12-07T05:00:03Z') + i);
      randoms.add(ulidSource.next().slice(10));
    }
    expect(randoms.size).toBe(50);
  });
});
