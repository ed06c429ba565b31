import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckChar,
  creditCodeProblem,
  isValidCreditCode,
  makeCreditCode,
  normalizeCreditCode,
  orgCodeCheckChar,
} from '../../packages/core/src/credit-code.ts';

// Real codes published online (a sample of those python-stdnum tests against, plus the commonly cited
// 91350100M000100Y43): old organisation codes, post-2015 "MA…" codes, individual businesses (92…), a public
// institution (12…), X and 0 check characters.
const REAL_CODES = [
  '91350100M000100Y43',
  '91110000600037341L',
  '121200004013590816',
  '91310115MA1K3BTP2B',
  '9144030071526726XG',
  '91620105L015101280',
  '91340621MA2PEMUHX8',
  '92340603MA2PBMYMX1',
  '92340621MA2PBKRXXG',
  '91440300568520498A',
  '92340603MA2PBMCG0U',
];

describe('normalizeCreditCode', () => {
  it('trims, upper-cases and removes inner spaces', () => {
    expect(normalizeCreditCode('  91350100m000100y43 ')).toBe('91350100M000100Y43');
    expect(normalizeCreditCode('91 350100 M000100Y4 3')).toBe('91350100M000100Y43');
  });

  it('turns full-width characters and ideographic spaces typed with a Chinese IME into ASCII', () => {
    expect(normalizeCreditCode('９１３５０１００ｍ０００１００Ｙ４３')).toBe('91350100M000100Y43');
    expect(normalizeCreditCode('\u3000913501\u300000M000100Y43\t')).toBe('91350100M000100Y43');
  });

  it('leaves validation to creditCodeProblem', () => {
    expect(normalizeCreditCode('io-zsv')).toBe('IO-ZSV');
  });
});

describe('creditCodeProblem', () => {
  it.each(REAL_CODES)('accepts the published code %s', (code) => {
    expect(creditCodeProblem(code)).toBeUndefined();
    expect(isValidCreditCode(code)).toBe(true);
  });

  it('reports the wrong length with the length found', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toBe(
      '统一社会信用代码应为18位 (must be 18 characters, got 17)',
    );
    expect(creditCodeProblem('91350100M000100Y431')).toMatch(/^统一社会信用代码应为18位 .*got 19\)$/);
    expect(creditCodeProblem('')).toMatch(/got 0\)$/);
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('reports the letter %s, which the alphabet leaves out', (letter) => {
    const code = `91350100M00010${letter}Y43`;
    expect(creditCodeProblem(code)).toBe(`含有非法字符 ${letter} (invalid character at position 15)`);
  });

  it('reports lower case, punctuation and full-width characters as invalid until normalized', () => {
    expect(creditCodeProblem('91350100m000100Y43')).toBe('含有非法字符 m (invalid character at position 9)');
    expect(creditCodeProblem('91350100-000100Y43')).toBe('含有非法字符 - (invalid character at position 9)');
    expect(creditCodeProblem('９1350100M000100Y43')).toBe(
      '含有非法字符 ９ (invalid character at position 1)',
    );
  });

  it('reports letters in the division code (positions 3–8)', () => {
    expect(creditCodeProblem('913501A0M000100Y43')).toBe(
      '第3–8位行政区划码应为数字 (positions 3–8 must be digits)',
    );
  });

  it('reports a wrong final check character', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('校验码错误 (check character mismatch)');
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
  });

  it('reports a mistyped character in the body as a check character mismatch', () => {
    expect(creditCodeProblem('91350100M000101Y43')).toBe('校验码错误 (check character mismatch)');
  });

  it('reports a code whose final check is right but whose organisation code check is wrong', () => {
    const first17 = '91350100M000100Y5';
    const code = first17 + creditCodeCheckChar(first17);
    expect(creditCodeProblem(code)).toBe(
      '组织机构代码校验码错误 (organisation code check character mismatch)',
    );
  });
});

describe('creditCodeCheckChar', () => {
  it('computes the GB 32100 check character of published codes', () => {
    for (const code of REAL_CODES) expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it('throws on a wrong length or a character outside the alphabet', () => {
    expect(() => creditCodeCheckChar('91350100M000100Y')).toThrow(RangeError);
    expect(() => creditCodeCheckChar('91350100M000100O4')).toThrow(RangeError);
  });
});

describe('orgCodeCheckChar', () => {
  it('computes the GB 11714 check character of published codes, including X and 0', () => {
    for (const code of REAL_CODES) expect(orgCodeCheckChar(code.slice(8, 16))).toBe(code[16]);
    expect(orgCodeCheckChar('71526726')).toBe('X');
    expect(orgCodeCheckChar('L0151012')).toBe('8');
  });

  it('writes a remainder of 0 as the digit 0, not 11', () => {
    expect(orgCodeCheckChar('00000000')).toBe('0');
    // From the published code 92340603MA2PBMCG0U.
    expect(orgCodeCheckChar('MA2PBMCG')).toBe('0');
  });

  it('throws on anything but eight digits or capital letters', () => {
    expect(() => orgCodeCheckChar('7152672')).toThrow(RangeError);
    expect(() => orgCodeCheckChar('7152672a')).toThrow(RangeError);
  });
});

describe('makeCreditCode', () => {
  it('generates the same valid code for the same prefix and serial', () => {
    expect(makeCreditCode('91341222', 1)).toBe('91341222000000019P');
    expect(makeCreditCode('91341222', 1)).toBe(makeCreditCode('91341222', 1));
    expect(makeCreditCode('91341222MA', 1)).toBe('91341222MA0000015E');
  });

  it('generates valid, distinct codes for a run of serials', () => {
    const codes = Array.from({ length: 2000 }, (_, serial) => makeCreditCode('92341222MA', serial));
    expect(codes.filter((code) => !isValidCreditCode(code))).toEqual([]);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((code) => code.startsWith('92341222MA'))).toBe(true);
  });

  it('refuses a prefix or serial that cannot make a valid code', () => {
    expect(() => makeCreditCode('9134122', 1)).toThrow(RangeError);
    expect(() => makeCreditCode('9134122212345678', 1)).toThrow(RangeError);
    expect(() => makeCreditCode('9134I222', 1)).toThrow(RangeError);
    expect(() => makeCreditCode('91A41222', 1)).toThrow(RangeError);
    expect(() => makeCreditCode('91341222', -1)).toThrow(RangeError);
    expect(() => makeCreditCode('91341222', 1.5)).toThrow(RangeError);
    expect(() => makeCreditCode('91341222MA', 1_000_000)).toThrow(RangeError);
  });
});
