import { ChosenPasswordSchema } from '@gridsafe/core';
import { newTotpSecret, otpauthUri, totpCode, verifyTotp } from '@gridsafe/identity';
import { describe, expect, it } from 'vitest';

// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890", whose 8-digit codes end in these 6 digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at = (seconds: number) => new Date(seconds * 1000);

describe('TOTP codes', () => {
  it('match the RFC 6238 test vectors', () => {
    expect(totpCode(RFC_SECRET, at(59))).toBe('287082');
    expect(totpCode(RFC_SECRET, at(1111111109))).toBe('081804');
    expect(totpCode(RFC_SECRET, at(1234567890))).toBe('005924');
    expect(totpCode(RFC_SECRET, at(2000000000))).toBe('279037');
  });

  it('accept the code of the step before and after, and nothing further away', () => {
    const now = at(1234567890);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, at(1234567890 - 30)), now)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, at(1234567890 + 30)), now)).toBe(true);
    expect(verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, at(1234567890 - 90)), now)).toBe(false);
    expect(verifyTotp(RFC_SECRET, '12345', now)).toBe(false);
  });

  it('makes a new 160-bit base32 secret each time and an otpauth URI apps read', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    expect(otpauthUri(secret, 'county.admin@taihe', 'Gridsafe')).toBe(
      `otpauth://totp/Gridsafe%3Acounty.admin%40taihe?secret=${secret}&issuer=Gridsafe&algorithm=SHA1&digits=6&period=30`,
    );
  });
});

describe('a chosen password', () => {
  it('needs 12 characters from three of the four classes', () => {
    expect(ChosenPasswordSchema.safeParse('Chosen-by-me').success).toBe(true);
    expect(ChosenPasswordSchema.safeParse('chosenbyme2026').success).toBe(false);
    expect(ChosenPasswordSchema.safeParse('Chosen-by1').success).toBe(false);
    expect(ChosenPasswordSchema.safeParse('chosen-by-me-2026').success).toBe(true);
  });
});
