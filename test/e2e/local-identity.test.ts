import { beforeAll, describe, expect, it } from 'vitest';
import { type E2eClient, e2eStack } from '../support/e2e-stack.ts';

/** The local stack's identity as `npm start` wires it (scripts/local/config.ts, localAuthProviders). */
let stack: E2eClient;

beforeAll(() => {
  stack = e2eStack();
});

async function authConfig(tenant: string) {
  const response = await fetch(`${stack.url}/t/${tenant}/api/v1/auth-config`);
  expect(response.status).toBe(200);
  return (await response.json()) as { passwordLogin: boolean; providers: { id: string }[] };
}

describe('the local stack’s logins', () => {
  it('logs the demo users of both demo counties in with the password form, each as a person of their county', async () => {
    for (const tenant of ['taihe', 'linquan']) {
      const token = await stack.token('county.admin', tenant);
      const me = await stack.api<{ id: string; username: string; role: string }>(
        token,
        'GET',
        '/me',
        undefined,
        tenant,
      );
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ username: 'county.admin', role: 'county_admin' });
      expect((await authConfig(tenant)).passwordLogin).toBe(true);
    }
  });

  it('refuses a linquan token on taihe’s paths: the same username is another person there', async () => {
    const token = await stack.token('county.admin', 'linquan');
    const answer = await stack.api<{ code: string }>(token, 'GET', '/me', undefined, 'taihe');
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('not_linked');
  });

  it('offers linquan no code-flow provider', async () => {
    expect((await authConfig('linquan')).providers).toEqual([]);
  });
});
