import { describe, expect } from 'vitest';
import { countyTest } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';

const it = countyTest({ prefix: 'f', neighbour: { prefix: 'g' } });

describe('health', () => {
  it('reports every dependency as ok when DynamoDB, S3 and the issuer answer', async ({ api, county }) => {
    const response = await api.app.request(`/t/${county.tenant}/api/v1/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      dependencies: Record<string, { status: string }>;
    };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.dependencies).sort()).toEqual(['database', 'evidence', 'tokenIssuer']);
    expect(Object.values(body.dependencies).every((d) => d.status === 'ok')).toBe(true);
  });

  it('answers 404 problem+json for a county this deployment does not serve', async ({ api }) => {
    const response = await api.app.request('/t/nosuchcounty/api/v1/health');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('openapi', () => {
  it('publishes an OpenAPI 3.1 document generated from the schemas', async ({ api, county }) => {
    const response = await api.app.request(`/t/${county.tenant}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/session', '/me']));
    expect(doc.components.schemas).toHaveProperty('Problem');
    expect(doc.components.schemas).toHaveProperty('LoginRequest');
  });
});

describe('session', () => {
  it('logs a user in and the access token opens /me', async ({ api, county }) => {
    const response = await api.app.request(`/t/${county.tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'county.admin', password: DEMO_LOGIN_PASSWORD }),
    });
    expect(response.status).toBe(200);
    const session = (await response.json()) as {
      accessToken: string;
      refreshToken: string;
      expiresIn: number;
      user: { role: string; username: string };
    };
    expect(session.user).toMatchObject({ username: 'county.admin', role: 'county_admin' });
    expect(session.expiresIn).toBeGreaterThan(0);
    const me = await api.app.request(`/t/${county.tenant}/api/v1/me`, {
      headers: { authorization: `Bearer ${session.accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'county.admin', role: 'county_admin' });
  });

  it('refreshes an access token with the refresh token', async ({ api, county }) => {
    const login = await api.app.request(`/t/${county.tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'county.admin', password: DEMO_LOGIN_PASSWORD }),
    });
    const { refreshToken } = (await login.json()) as { refreshToken: string };
    const refreshed = await api.app.request(`/t/${county.tenant}/api/v1/session/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(refreshed.status).toBe(200);
    const { accessToken } = (await refreshed.json()) as { accessToken: string };
    const me = await api.app.request(`/t/${county.tenant}/api/v1/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
  });

  it('answers 401 for a wrong password and for an unknown user alike', async ({ api, county }) => {
    for (const username of ['county.admin', 'nobody']) {
      const response = await api.app.request(`/t/${county.tenant}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'wrong-password' }),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { code: string }).code).toBe('unauthorized');
    }
  });

  it('answers 400 naming each bad field and rejects unknown fields', async ({ api, county }) => {
    const response = await api.app.request(`/t/${county.tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: '', extra: 1 }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path).sort()).toEqual(['extra', 'password', 'username']);
  });
});

describe('authentication', () => {
  it('answers 401 without a token and with a garbage token', async ({ api, county }) => {
    expect((await api.app.request(`/t/${county.tenant}/api/v1/me`)).status).toBe(401);
    const garbage = await api.app.request(`/t/${county.tenant}/api/v1/me`, {
      headers: { authorization: 'Bearer abc.def.ghi' },
    });
    expect(garbage.status).toBe(401);
  });

  it('refuses a token of another county with 403', async ({ api, county, neighbour }) => {
    const token = await api.login(neighbour.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const response = await api.app.request(`/t/${county.tenant}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(403);
  });

  it('answers 413 for a JSON body over 1 MB', async ({ api, county }) => {
    const response = await api.app.request(`/t/${county.tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'x'.repeat(1_100_000), password: 'y' }),
    });
    expect(response.status).toBe(413);
  });
});
