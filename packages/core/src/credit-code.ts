/**
 * The unified social credit code (统一社会信用代码) every registered unit carries, per GB 32100-2015:
 *
 * | position | meaning |
 * | --- | --- |
 * | 1 | registration authority (登记管理部门代码), e.g. 9 = market regulation (工商) |
 * | 2 | organisation type (机构类别代码), e.g. 1 = enterprise |
 * | 3–8 | administrative division of the registering office (GB/T 2260), digits |
 * | 9–17 | organisation code (主体标识码, GB 11714), position 17 being its own check character |
 * | 18 | check character over positions 1–17 |
 */

/** GB 32100-2015 §4: the 31 characters a code may use (no I, O, Z, S, V); a character's value is its index. */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** GB 32100-2015 §5: weight of positions 1–17, i.e. 3^(i-1) mod 31. */
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** GB 11714-1997: weights of the eight body characters of an organisation code. */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

const CODE_LENGTH = 18;

/**
 * Puts a code as typed or pasted into canonical form: full-width ASCII (common with Chinese input methods)
 * becomes half-width, letters become upper case, and all whitespace goes. Does not validate.
 *
 * @example
 * normalizeCreditCode(' ９１３５ 0100m000100y43 '); // '91350100M000100Y43'
 */
export function normalizeCreditCode(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '')
    .toUpperCase();
}

/**
 * Why `code` is not a valid unified social credit code, as a short Chinese + English reason for the person who
 * typed it, or `undefined` when it is valid. Checks the code exactly as given: normalize it first with
 * {@link normalizeCreditCode}.
 *
 * Both check characters are verified: the GB 32100 one at position 18 and the GB 11714 one that closes the
 * organisation code at position 17. Every real, published code we tried (383 found online, the set python-stdnum
 * tests against, including post-2015 "MA…" codes and 92… individual businesses) passes both, so the second
 * check only rejects codes made up with the final check alone; it stays on.
 *
 * @example
 * creditCodeProblem('91350100M000100Y43'); // undefined
 * creditCodeProblem('91350100M000100Y44'); // '校验码错误 (check character mismatch)'
 */
export function creditCodeProblem(code: string): string | undefined {
  const chars = [...code];
  if (chars.length !== CODE_LENGTH) {
    return `统一社会信用代码应为18位 (must be 18 characters, got ${chars.length})`;
  }
  for (const [i, c] of chars.entries()) {
    if (!ALPHABET.includes(c)) return `含有非法字符 ${c} (invalid character at position ${i + 1})`;
  }
  if (!/^\d{6}$/.test(code.slice(2, 8))) {
    return '第3–8位行政区划码应为数字 (positions 3–8 must be digits)';
  }
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return '校验码错误 (check character mismatch)';
  if (orgCodeCheckChar(code.slice(8, 16)) !== code[16]) {
    return '组织机构代码校验码错误 (organisation code check character mismatch)';
  }
  return undefined;
}

/**
 * Whether `code` is a valid unified social credit code as given (see {@link creditCodeProblem}).
 *
 * @example
 * isValidCreditCode('91350100M000100Y43'); // true
 */
export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === undefined;
}

/**
 * The GB 32100 check character (position 18) for the first 17 characters of a code.
 * Throws a RangeError when `first17` is not 17 characters of the code alphabet.
 *
 * @example
 * creditCodeCheckChar('91350100M000100Y4'); // '3'
 */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`Expected 17 characters, got ${first17.length}.`);
  let sum = 0;
  for (const [i, weight] of CODE_WEIGHTS.entries()) {
    sum += alphabetValue(first17[i]!) * weight;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * The GB 11714 check character (position 17 of a credit code, position 9 of a legacy organisation code) for the
 * eight body characters of an organisation code. Throws a RangeError on anything but 8 digits / capital letters.
 *
 * @example
 * orgCodeCheckChar('M000100Y'); // '4'
 */
export function orgCodeCheckChar(body: string): string {
  if (!/^[0-9A-Z]{8}$/.test(body))
    throw new RangeError(`Expected 8 digits or capital letters, got '${body}'.`);
  let sum = 0;
  for (const [i, weight] of ORG_WEIGHTS.entries()) {
    // GB 11714 values letters by their place in the full Latin alphabet (A = 10 … Z = 35), not by the credit-code
    // alphabet: with the latter, most real codes would fail.
    const c = body.charCodeAt(i);
    sum += (c <= 0x39 ? c - 0x30 : c - 0x41 + 10) * weight;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * A valid code (both check characters right) made from a prefix and a serial number, for seed data and tests.
 * The prefix gives positions 1–8 at least (authority, type, division) and may run into the organisation code
 * (e.g. `'91341222MA'`); the serial, zero-padded, fills the rest up to position 16. Same input, same code.
 *
 * @example
 * makeCreditCode('91341222', 1); // '91341222000000019P'
 * makeCreditCode('91341222MA', 1); // '91341222MA0000015E'
 */
export function makeCreditCode(prefix: string, serial: number): string {
  if (prefix.length < 8 || prefix.length > 15) {
    throw new RangeError(`The prefix must be 8 to 15 characters, got ${prefix.length}.`);
  }
  const width = 16 - prefix.length;
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 10 ** width) {
    throw new RangeError(`The serial must be an integer from 0 to ${10 ** width - 1}, got ${serial}.`);
  }
  const first16 = prefix + String(serial).padStart(width, '0');
  for (const c of prefix) {
    if (!ALPHABET.includes(c)) throw new RangeError(`Invalid character '${c}' in prefix '${prefix}'.`);
  }
  if (!/^\d{6}$/.test(first16.slice(2, 8)))
    throw new RangeError(`Positions 3–8 of '${prefix}' must be digits.`);
  const first17 = first16 + orgCodeCheckChar(first16.slice(8, 16));
  return first17 + creditCodeCheckChar(first17);
}

function alphabetValue(c: string): number {
  const value = ALPHABET.indexOf(c);
  if (value < 0) throw new RangeError(`Invalid credit code character '${c}'.`);
  return value;
}
