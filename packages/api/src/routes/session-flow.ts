import { randomBytes } from 'node:crypto';
import { type LoginEventKind, type Principal, TooManyRequestsError, UnauthorizedError } from '@gridsafe/core';
import {
  LoginAttemptRepository,
  LoginEventLog,
  LoginSessionRepository,
  type PendingLogin,
  SettingsRepository,
} from '@gridsafe/db';
import { type LoginStep, otpauthUri, poolUsername, type TokenSet } from '@gridsafe/identity';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { resolveCaller } from '../auth.ts';
import { cachedSettings } from '../settings-cache.ts';
import { sessionUserOf } from './session-user.ts';

/** The name authenticator apps show above the code. */
const TOTP_ISSUER = 'Gridsafe';

/**
 * One login attempt of one username in one county: the lockout, the directory's steps, the county's second
 * factor for admins, and the login log. Every route of /session goes through it.
 */
export class LoginFlow {
  readonly now: Date;
  private readonly attempts: LoginAttemptRepository;
  private readonly log: LoginEventLog;
  readonly sessions: LoginSessionRepository;

  constructor(
    private readonly c: Context<AppEnv>,
    readonly username: string,
  ) {
    const store = c.get('store');
    this.now = c.get('deps').clock.now();
    this.attempts = new LoginAttemptRepository(store);
    this.log = new LoginEventLog(store);
    this.sessions = new LoginSessionRepository(store);
  }

  private get deps() {
    return this.c.get('deps');
  }

  private get tenant() {
    return this.c.get('tenant');
  }

  get directoryName() {
    return poolUsername(this.tenant, this.username);
  }

  async settings() {
    return (await cachedSettings(this.tenant, new SettingsRepository(this.c.get('store')))).settings;
  }

  /** Refuses every answer, the right password included, while the username is locked out. */
  async refuseWhileLocked(): Promise<void> {
    const until = await this.attempts.lockedUntil(this.username, this.now);
    if (!until) return;
    throw new TooManyRequestsError('Too many wrong answers for this username; try again later.', {
      code: 'login_locked',
      retryAfterSeconds: (until.getTime() - this.now.getTime()) / 1000,
    });
  }

  /** Runs a directory call; a wrong password or code counts toward the lockout and is logged. */
  async guarded<T>(kind: 'login_failed' | 'mfa_failed', run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof UnauthorizedError) await this.wrongAnswer(kind);
      throw error;
    }
  }

  private async wrongAnswer(kind: 'login_failed' | 'mfa_failed'): Promise<void> {
    const outcome = await this.attempts.recordFailure(this.username, this.now);
    await this.record(kind);
    if (outcome.lockedNow && outcome.lockedUntil) {
      this.deps.logger.warn('login locked out', {
        tenant: this.tenant,
        username: this.username,
        lockedUntil: outcome.lockedUntil.toISOString(),
        requestId: this.c.get('requestId'),
      });
      await this.record('lockout', { detail: `locked_until=${outcome.lockedUntil.toISOString()}` });
    }
  }

  async record(kind: LoginEventKind, extra: { userId?: string; detail?: string } = {}): Promise<void> {
    const forwarded = this.c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    const agent = this.c.req.header('user-agent');
    await this.log.append({
      id: this.deps.ids.next(),
      at: this.now.toISOString(),
      kind,
      username: this.username,
      ...(extra.userId ? { userId: extra.userId } : {}),
      ...(forwarded ? { sourceIp: forwarded.slice(0, 64) } : {}),
      ...(agent ? { userAgent: agent.slice(0, 256) } : {}),
      ...(extra.detail ? { detail: extra.detail } : {}),
    });
  }

  /**
   * The next step after the directory answered: hand the challenge to the browser under a session id of our
   * own, walk a county admin without TOTP through its setup when the county requires it, or finish.
   */
  async continueWith(step: LoginStep, mfaDone: boolean) {
    if ('challenge' in step) {
      return this.pending({ challenge: step.challenge, directorySession: step.session, mfaDone });
    }
    // The person comes from the county's records, as on every request: a directory account alone gets nothing.
    const { principal } = await resolveCaller(this.c, await this.deps.tokens.verify(step.tokens.accessToken));
    const settings = await this.settings();
    if (!mfaDone && principal.role === 'county_admin' && settings.security.requireTotpForAdmins) {
      // Cognito hands out tokens without a second factor when the person has none (the pools' MFA is
      // OPTIONAL: one pool serves counties with and without the rule), so the API holds them back until a
      // first code proves the app is set up.
      const secretCode = await this.deps.identity.associateSoftwareToken(step.tokens.accessToken);
      const answer = await this.pending({ challenge: 'MFA_SETUP', tokens: step.tokens, mfaDone: false });
      return {
        ...answer,
        secretCode,
        otpauthUri: otpauthUri(secretCode, `${this.username}@${this.tenant}`, TOTP_ISSUER),
      };
    }
    await this.attempts.clear(this.username);
    await this.sessions.touch(
      step.tokens.refreshToken,
      { username: this.username, userId: principal.userId },
      this.now,
    );
    await this.record('login', { userId: principal.userId });
    return this.answer(step.tokens, principal, settings.security.idleMinutes);
  }

  answer(
    tokens: Omit<TokenSet, 'refreshToken'> & { refreshToken: string },
    principal: Principal,
    idleMinutes: number,
  ) {
    return {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresIn: tokens.expiresIn,
      idleMinutes,
      user: sessionUserOf(principal),
    };
  }

  private async pending(pending: Omit<PendingLogin, 'username' | 'wrongAnswers' | 'expiresAt'>) {
    const session = randomBytes(32).toString('base64url');
    await this.sessions.putPending(session, { ...pending, username: this.username }, this.now);
    return { challenge: pending.challenge, session };
  }
}
