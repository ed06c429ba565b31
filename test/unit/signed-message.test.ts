import {
  SIGNATURE_HEADER,
  signatureOf,
  signedHeaders,
  TIMESTAMP_HEADER,
  verifySignature,
} from '@gridsafe/core/signed-message';
import { describe, expect, it } from 'vitest';

const body = JSON.stringify({ sourceId: 's1', eventId: 'e1', message: '可燃气体浓度超限' });
const now = 1_796_000_000;

describe('signed machine-to-machine messages', () => {
  it('matches an HMAC-SHA256 of "<timestamp>.<body>" computed the way the docs describe it', () => {
    // printf '%s' '1796000000.hello' | openssl dgst -sha256 -hmac secret
    expect(signatureOf('secret', now, 'hello')).toBe(
      'sha256=4b7151a86ba330273a8dccef00a11e2fe2074e1ec279c59a938a66f08d3c6256',
    );
  });

  it('accepts what signedHeaders produced, with the current or the previous secret', () => {
    const headers = signedHeaders('new-secret', body, now);
    const given = { timestamp: headers[TIMESTAMP_HEADER], signature: headers[SIGNATURE_HEADER] };
    expect(verifySignature(['new-secret'], given, body, now + 10)).toEqual({ ok: true });
    expect(verifySignature(['old-secret', 'new-secret'], given, body, now)).toEqual({ ok: true });
  });

  it('refuses a changed body, a wrong secret, a stale timestamp and missing headers', () => {
    const headers = signedHeaders('secret', body, now);
    const given = { timestamp: headers[TIMESTAMP_HEADER], signature: headers[SIGNATURE_HEADER] };
    expect(verifySignature(['secret'], given, `${body} `, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(['other'], given, body, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(['secret'], given, body, now + 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(['secret'], given, body, now - 301)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature(['secret'], { timestamp: null, signature: given.signature }, body, now)).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(verifySignature(['secret'], { ...given, signature: 'sha1=abc' }, body, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
