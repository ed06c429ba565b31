import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../../scripts/bench/options.ts';

describe('the benchmark command line', () => {
  it('measures every endpoint unless --only names some', () => {
    expect(parseOptions(['--scale', '0.01']).only).toEqual([]);
    expect(parseOptions(['--scale', '0.01', '--only', 'record page, list: units']).only).toEqual([
      'record page',
      'list: units',
    ]);
    expect(parseOptions(['--only=no-op']).only).toEqual(['no-op']);
  });

  it('refuses --only without a row label', () => {
    expect(() => parseOptions(['--only', ' , '])).toThrow(UsageError);
    expect(() => parseOptions(['--only'])).toThrow('--only needs a value.');
  });
});
