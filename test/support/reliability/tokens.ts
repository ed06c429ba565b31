import { createPrivateKey, createPublicKey, randomUUID, sign as rsaSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';

/**
 * Makes the tokens an attacker (or a broken client) would send. It holds the real signing key of an issuer
 * this test started itself (the key file in its data directory), so "expired" and "wrong audience" tokens are
 * signed correctly and fail only for the reason they are named after.
 */
export async function tokenForger(issuer: { dataDir: string; issuer: string; clientId: string }) {
  const privateJwk = JSON.parse(readFileSync(join(issuer.dataDir, 'signing-key.json'), 'utf8')) as JWK;
  const rightKey = await importJWK(privateJwk, 'RS256');
  const kid = privateJwk.kid as string;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const publicPem = createPublicKey({ key: publicJwk as never, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const attacker = await generateKeyPair('RS256', { extractable: true });
  const attackerJwk = await exportJWK(attacker.publicKey);
  const now = () => Math.floor(Date.now() / 1000);

  const sign = (
    payload: JWTPayload,
    header: Record<string, unknown> = {},
    key: CryptoKey | Uint8Array = rightKey,
  ) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, ...header } as never).sign(key);

  /** Signs by hand, for headers jose refuses to produce (an unknown `crit` extension). */
  const signRaw = (payload: Record<string, unknown>, header: Record<string, unknown>) => {
    const input = `${base64url.encode(JSON.stringify({ alg: 'RS256', kid, ...header }))}.${base64url.encode(JSON.stringify(payload))}`;
    const signature = rsaSign(
      'sha256',
      Buffer.from(input),
      createPrivateKey({ key: privateJwk as never, format: 'jwk' }),
    );
    return `${input}.${base64url.encode(signature)}`;
  };

  /** A token with no signature at all, as `alg: none` attacks send it. */
  const unsigned = (payload: JWTPayload, withSignatureOf?: string) => {
    const head = base64url.encode(JSON.stringify({ alg: 'none', kid, typ: 'JWT' }));
    const body = base64url.encode(JSON.stringify(payload));
    return `${head}.${body}.${withSignatureOf ? withSignatureOf.split('.')[2] : ''}`;
  };

  return {
    kid,
    /** Re-signs a real token's claims with the real key: the control that shows the minting itself is right. */
    valid: (real: string) => sign(decodeJwt(real)),
    /**
     * Every kind of bad credential, keyed by a name for the report, built from a real token of the caller's
     * county. Each must be answered 401 problem+json with `WWW-Authenticate: Bearer`.
     */
    async badCredentials(real: string): Promise<Record<string, string | undefined>> {
      const claims: Record<string, unknown> = decodeJwt(real);
      const fresh: Record<string, unknown> = { ...claims, iat: now(), exp: now() + 600 };
      const [head, body, signature] = real.split('.') as [string, string, string];
      // Another person's subject: what an attacker would write into a token they could not sign.
      const tamperedBody = base64url.encode(JSON.stringify({ ...claims, sub: randomUUID() }));
      const { client_id: _client, ...withoutClient } = fresh;
      const { sub: _sub, ...withoutSubject } = fresh;
      const { token_use: _use, ...withoutTokenUse } = fresh;
      return {
        'no Authorization header': undefined,
        'empty bearer': 'Bearer ',
        'Basic scheme': 'Basic Y291bnR5LmFkbWluOkdyaWRzYWZlLWRlbW8tMjAyNg==',
        'garbage three-part token': 'Bearer abc.def.ghi',
        'a very long non-token': `Bearer ${'x'.repeat(16_000)}`,
        'right claims, attacker key, same kid': `Bearer ${await sign(fresh, {}, attacker.privateKey)}`,
        'right claims, attacker key, unknown kid': `Bearer ${await sign(fresh, { kid: 'attacker-key' }, attacker.privateKey)}`,
        'attacker key embedded as jwk header': `Bearer ${await sign(fresh, { jwk: attackerJwk }, attacker.privateKey)}`,
        'attacker JWKS in jku header': `Bearer ${await sign(fresh, { jku: 'http://127.0.0.1:1/jwks.json' }, attacker.privateKey)}`,
        'expired (right key)': `Bearer ${await sign({ ...claims, iat: now() - 7200, exp: now() - 3600 })}`,
        'not yet valid (right key)': `Bearer ${await sign({ ...fresh, nbf: now() + 3600 })}`,
        'wrong issuer (right key)': `Bearer ${await sign({ ...fresh, iss: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_evil' })}`,
        'wrong client_id (right key)': `Bearer ${await sign({ ...fresh, client_id: 'another-app-client' })}`,
        'no client_id (right key)': `Bearer ${await sign(withoutClient)}`,
        'an id token (right key)': `Bearer ${await sign({ ...fresh, token_use: 'id' })}`,
        'no subject (right key)': `Bearer ${await sign(withoutSubject)}`,
        'empty subject (right key)': `Bearer ${await sign({ ...fresh, sub: '' })}`,
        'no token_use (right key)': `Bearer ${await sign(withoutTokenUse)}`,
        'RS512 (right key)': `Bearer ${await new SignJWT(fresh).setProtectedHeader({ alg: 'RS512', kid }).sign(await importJWK(privateJwk, 'RS512'))}`,
        'unknown critical header (right key)': `Bearer ${signRaw(fresh, { crit: ['gs-unknown'], 'gs-unknown': true })}`,
        'alg none': `Bearer ${unsigned(fresh)}`,
        'alg none keeping a real signature': `Bearer ${unsigned(claims, real)}`,
        'HS256 keyed with the public key (PEM)': `Bearer ${await new SignJWT(fresh).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(publicPem))}`,
        'HS256 keyed with the public key (JWK JSON)': `Bearer ${await new SignJWT(fresh)
          .setProtectedHeader({ alg: 'HS256', kid })
          .sign(new TextEncoder().encode(JSON.stringify(publicJwk)))}`,
        'claims changed after signing': `Bearer ${head}.${tamperedBody}.${signature}`,
        'signature stripped': `Bearer ${head}.${body}.`,
        'header alg swapped to HS256, real signature': `Bearer ${base64url.encode(JSON.stringify({ ...decodeProtectedHeader(real), alg: 'HS256' }))}.${body}.${signature}`,
      };
    },
    /**
     * A correctly signed token of a person of another county: a subject no one here is linked to, whose
     * username (the provider's username claim) names `tenant`.
     */
    forCounty: (real: string, tenant: string) =>
      sign({
        ...decodeJwt(real),
        iat: now(),
        exp: now() + 600,
        sub: randomUUID(),
        username: `${tenant}:county.admin`,
      }),
  };
}
