import { AdjustableClock } from '@gridsafe/core';
import { createCognitoIdentityProvider, totpCode } from '@gridsafe/identity';
import { describe, expect } from 'vitest';
import { startLocalIssuer } from '../../scripts/local/local-issuer.ts';
import { freePort } from '../../scripts/local/ports.ts';
import { countyTest, type TestApi } from '../support/fixtures.ts';
import { clientFor, DEMO_LOGIN_PASSWORD, TEST_PASSWORD } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const clock = new AdjustableClock();

/** The county's login door as a phone or browser meets it: POST without a token, a user agent, any answer. */
function loginDoor(api: TestApi, tenant: string) {
  const post = async (path: string, body: unknown) => {
    const response = await api.app.request(`/t/${tenant}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'login-security-test' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const login = (username: string, password: string) => post('/session', { username, password });
  /** The county admin, logged in through the door (so the login log's newest entry is this login). */
  const adminClient = async () => {
    const answer = await login('county.admin', DEMO_LOGIN_PASSWORD);
    expect(answer.status).toBe(200);
    return clientFor(api.app, tenant, answer.body.accessToken);
  };
  const eventsOf = async (username: string) => {
    const page = await (await adminClient()).get('/login-events?limit=100');
    expect(page.status).toBe(200);
    return (page.body.items as { kind: string; username: string }[]).filter(
      (e) => e.username.toLowerCase() === username,
    );
  };
  return { post, login, adminClient, eventsOf };
}

/** The county's login door on one kind of directory, with the fixtures the tests below share. */
function doorTest(identity: 'county-directory' | undefined) {
  return countyTest({ prefix: identity ? 'lsd' : 'ls', clock, ...(identity ? { identity } : {}) })
    .extend('door', { scope: 'file' }, ({ api, county }) => loginDoor(api, county.tenant))
    .extend('tenant', { scope: 'file' }, ({ county }) => county.tenant)
    .extend('post', { scope: 'file' }, ({ door }) => door.post)
    .extend('login', { scope: 'file' }, ({ door }) => door.login)
    .extend('adminClient', { scope: 'file' }, ({ door }) => door.adminClient)
    .extend('eventsOf', { scope: 'file' }, ({ door }) => door.eventsOf);
}

/**
 * The login door behaves the same whichever directory holds the county's passwords: the local issuer speaking
 * Cognito's protocol (a Cognito cell), or the county's own directory in its partition (the global cells' default).
 */
const doors = [
  { directory: 'the Cognito-protocol issuer', it: doorTest(undefined) },
  { directory: "the county's own directory", it: doorTest('county-directory') },
];

describe.each(doors)('with $directory', ({ it }) => {
  describe('guessing passwords', () => {
    it('locks one username for 15 minutes after 10 wrong passwords, even against the right one', async ({
      api,
      tenant,
      login,
    }) => {
      await api.createUser(tenant, 'guessed.one', 'grid_member');
      await api.createUser(tenant, 'bystander', 'grid_member');
      // Changing the case of the name does not start a count of its own (the directory ignores case).
      for (let i = 0; i < 10; i++)
        expect((await login(i % 2 ? 'Guessed.One' : 'guessed.one', `wrong-${i}`)).status).toBe(401);
      const refused = await login('guessed.one', TEST_PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(refused.body.code).toBe('login_locked');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // Another username of the same county is not affected.
      expect((await login('bystander', TEST_PASSWORD)).status).toBe(200);
      // When the lockout has passed, the right password works again.
      clock.advance(15 * 60_000 + 1_000);
      expect((await login('guessed.one', TEST_PASSWORD)).status).toBe(200);
    });

    it('shows the failures and the one lockout in the county’s login log', async ({ eventsOf }) => {
      const events = await eventsOf('guessed.one');
      expect(events.filter((e) => e.kind === 'login_failed')).toHaveLength(10);
      expect(events.filter((e) => e.kind === 'lockout')).toHaveLength(1);
      expect(events[0]?.kind).toBe('login');
    });

    it('locks an unknown username the same way, so a lockout does not tell which names exist', async ({
      login,
    }) => {
      for (let i = 0; i < 10; i++) expect((await login('no.such.person', `wrong-${i}`)).status).toBe(401);
      expect((await login('no.such.person', 'anything')).status).toBe(429);
    });
  });

  describe('logging out', () => {
    it('revokes the refresh token, so a later refresh answers 401', async ({ post, login, eventsOf }) => {
      const session = await login('grid.member', DEMO_LOGIN_PASSWORD);
      expect((await post('/session/refresh', { refreshToken: session.body.refreshToken })).status).toBe(200);
      expect((await post('/session/logout', { refreshToken: session.body.refreshToken })).status).toBe(200);
      expect((await post('/session/refresh', { refreshToken: session.body.refreshToken })).status).toBe(401);
      expect((await eventsOf('grid.member')).map((e) => e.kind)).toContain('logout');
    });
  });

  describe('an admin’s reset', () => {
    it("ends the person's sessions, and disabling them ends the new one", async ({
      adminClient,
      county,
      post,
      login,
    }) => {
      const admin = await adminClient();
      const person = await admin.post('/users', {
        username: 'reset.me',
        displayName: '重置测试',
        role: 'grid_member',
        scope: [`grid:${county.village1}`],
        password: TEST_PASSWORD,
      });
      expect(person.status, JSON.stringify(person.body)).toBe(201);
      const before = await login('reset.me', TEST_PASSWORD);
      expect((await post('/session/refresh', { refreshToken: before.body.refreshToken })).status).toBe(200);

      const reset = await admin.post(
        `/users/${person.body.id}/password`,
        { password: 'Reset-by-admin-2027', temporary: false },
        { 'if-match': '1' },
      );
      expect(reset.status, JSON.stringify(reset.body)).toBe(200);
      // The session the old password started is over (a stolen phone keeps nothing); the new password starts one.
      expect((await post('/session/refresh', { refreshToken: before.body.refreshToken })).status).toBe(401);
      const after = await login('reset.me', 'Reset-by-admin-2027');
      expect(after.status).toBe(200);
      expect((await login('reset.me', TEST_PASSWORD)).status).toBe(401);

      const disabled = await admin.patch(`/users/${person.body.id}`, { enabled: false }, { 'if-match': '2' });
      expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
      expect((await post('/session/refresh', { refreshToken: after.body.refreshToken })).status).toBe(401);
      expect((await login('reset.me', 'Reset-by-admin-2027')).status).toBe(401);
    });
  });

  describe('a temporary password', () => {
    it('must be replaced at the first login by one that meets the policy', async ({
      api,
      tenant,
      post,
      login,
      eventsOf,
    }) => {
      // A person of the county whose password was handed over: temporary in the directory.
      await createPerson(api.deps, tenant, 'new.member', 'grid_member', [], 'Handed-over-2026', {
        temporary: true,
      });
      const first = await login('new.member', 'Handed-over-2026');
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ challenge: 'NEW_PASSWORD_REQUIRED', session: expect.any(String) });
      expect(first.body.accessToken).toBeUndefined();
      const weak = await post('/session/challenge', { session: first.body.session, newPassword: 'short1A' });
      expect(weak.status).toBe(400);
      expect(weak.body.errors.map((e: { path: string }) => e.path)).toEqual(['newPassword']);
      const noClasses = await post('/session/challenge', {
        session: first.body.session,
        newPassword: 'onlylowercaseletters',
      });
      expect(noClasses.status).toBe(400);
      expect(noClasses.body.errors[0].path).toBe('newPassword');
      const done = await post('/session/challenge', {
        session: first.body.session,
        newPassword: 'Chosen-by-me-2026',
      });
      expect(done.status).toBe(200);
      expect(done.body.user).toMatchObject({ username: 'new.member', role: 'grid_member' });
      expect((await login('new.member', 'Handed-over-2026')).status).toBe(401);
      expect((await login('new.member', 'Chosen-by-me-2026')).body.accessToken).toEqual(expect.any(String));
      expect((await eventsOf('new.member')).map((e) => e.kind)).toContain('password_changed');
    });

    it('refuses an answer to a login session that does not exist', async ({ post }) => {
      const answer = await post('/session/challenge', {
        session: 'x'.repeat(43),
        newPassword: 'Chosen-by-me-2026',
      });
      expect(answer.status).toBe(401);
    });
  });

  describe('TOTP for county admins', () => {
    it('walks an admin without TOTP through its setup, then asks for a code at every login', async ({
      api,
      tenant,
      post,
      login,
      adminClient,
      eventsOf,
    }) => {
      const admin = await adminClient();
      const current = await admin.get('/settings');
      const saved = await admin.put('/settings', {
        settings: { ...current.body.settings, security: { requireTotpForAdmins: true, idleMinutes: 30 } },
        version: current.body.version,
      });
      expect(saved.status).toBe(200);
      await api.createUser(tenant, 'second.admin', 'county_admin');
      // Other roles are not asked.
      expect((await login('grid.member', DEMO_LOGIN_PASSWORD)).body.accessToken).toEqual(expect.any(String));

      const setup = await login('second.admin', TEST_PASSWORD);
      expect(setup.body).toMatchObject({ challenge: 'MFA_SETUP', secretCode: expect.any(String) });
      expect(setup.body.accessToken).toBeUndefined();
      expect(setup.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
      const wrongCode = totpCode(setup.body.secretCode, new Date(Date.now() - 10 * 60_000));
      expect(
        (await post('/session/challenge', { session: setup.body.session, code: wrongCode })).status,
      ).toBe(401);
      const badShape = await post('/session/challenge', { session: setup.body.session, code: '12ab' });
      expect(badShape.status).toBe(400);
      expect(badShape.body.errors[0].path).toBe('code');
      const done = await post('/session/challenge', {
        session: setup.body.session,
        code: totpCode(setup.body.secretCode),
      });
      expect(done.status).toBe(200);
      expect(done.body.user.role).toBe('county_admin');

      const next = await login('second.admin', TEST_PASSWORD);
      expect(next.body).toEqual({ challenge: 'SOFTWARE_TOKEN_MFA', session: expect.any(String) });
      expect((await post('/session/challenge', { session: next.body.session, code: wrongCode })).status).toBe(
        401,
      );
      const withCode = await post('/session/challenge', {
        session: next.body.session,
        code: totpCode(setup.body.secretCode),
      });
      expect(withCode.status).toBe(200);
      expect(withCode.body.accessToken).toEqual(expect.any(String));
      // The rule off again, so the demo admin (who has no TOTP) logs in without it in the tests below.
      const restored = await clientFor(api.app, tenant, withCode.body.accessToken).put('/settings', {
        settings: { ...current.body.settings, security: { requireTotpForAdmins: false, idleMinutes: 30 } },
        version: saved.body.version,
      });
      expect(restored.status).toBe(200);
      const kinds = (await eventsOf('second.admin')).map((e) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['mfa_setup', 'mfa_failed', 'login']));
    });
  });

  describe('idle sessions', () => {
    it('refuses a refresh after the county’s idle time and logs why', async ({ post, login, eventsOf }) => {
      const session = await login('township.officer', DEMO_LOGIN_PASSWORD);
      expect(session.body.idleMinutes).toBe(30);
      clock.advance(20 * 60_000);
      const active = await post('/session/refresh', { refreshToken: session.body.refreshToken });
      expect(active.status).toBe(200);
      clock.advance(31 * 60_000);
      const idle = await post('/session/refresh', { refreshToken: active.body.refreshToken });
      expect(idle.status).toBe(401);
      expect((await eventsOf('township.officer')).map((e) => e.kind)).toContain('session_idle_ended');
    });
  });

  describe('the login log', () => {
    it('is readable by the county admin only, newest first, a page at a time', async ({
      api,
      tenant,
      login,
      adminClient,
    }) => {
      const admin = await adminClient();
      const first = await admin.get('/login-events?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.items[0].at >= first.body.items[1].at).toBe(true);
      const second = await admin.get(`/login-events?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
      for (const username of ['dept.officer', 'township.officer', 'grid.member', 'unit.manager']) {
        const token = (await login(username, DEMO_LOGIN_PASSWORD)).body.accessToken;
        expect((await clientFor(api.app, tenant, token).get('/login-events')).status).toBe(403);
      }
    });
  });
});

/** The local issuer's own property (the county directory's is in county-directory.test.ts). */
describe('the Cognito-protocol issuer', () => {
  const it = doors[0]!.it;
  it('runs the password hash for an unknown username exactly as for a wrong password', async () => {
    let hashes = 0;
    const issuer = await startLocalIssuer({ port: await freePort(), onPasswordHash: () => (hashes += 1) });
    try {
      const directory = createCognitoIdentityProvider({
        userPoolId: issuer.userPoolId,
        clientId: issuer.clientId,
        endpoint: issuer.url,
        region: 'cn-north-1',
      });
      await directory.createUser('x:known', TEST_PASSWORD, {});
      const attempt = async (username: string, password: string) => {
        const before = hashes;
        const outcome = await directory.login(username, password).then(
          () => 'tokens',
          (error: Error) => error.constructor.name,
        );
        return { outcome, hashes: hashes - before };
      };
      const wrong = await attempt('x:known', 'wrong-password');
      const unknown = await attempt('x:unknown', 'wrong-password');
      expect(wrong).toEqual({ outcome: 'UnauthorizedError', hashes: 1 });
      expect(unknown).toEqual(wrong);
      expect(await attempt('x:known', TEST_PASSWORD)).toEqual({ outcome: 'tokens', hashes: 1 });
    } finally {
      await issuer.close();
    }
  });
});
