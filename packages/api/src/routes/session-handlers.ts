import { UnauthorizedError, ValidationError } from '@gridsafe/core';
import { LoginSessionRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { resolveCaller } from '../auth.ts';
import { LoginFlow } from './session-flow.ts';

/**
 * What `/session` and its steps do, loaded at the first login of a process (session.ts): a person logs in once
 * an hour or so, and every other request of a cold start would otherwise carry the login flow's code.
 */

export async function logIn(
  c: Context<AppEnv>,
  { username, password }: { username: string; password: string },
) {
  const flow = new LoginFlow(c, username);
  await flow.refuseWhileLocked();
  const step = await flow.guarded('login_failed', () =>
    c.get('deps').identity.startLogin(flow.directoryName, password),
  );
  return flow.continueWith(step, false);
}

export async function answerChallenge(
  c: Context<AppEnv>,
  body: { session: string; newPassword?: string; code?: string },
) {
  const deps = c.get('deps');
  const pending = await new LoginSessionRepository(c.get('store')).getPending(body.session, deps.clock.now());
  if (!pending) throw new UnauthorizedError('This login has expired or ended; log in again.');
  const flow = new LoginFlow(c, pending.username);
  await flow.refuseWhileLocked();
  if (pending.challenge === 'NEW_PASSWORD_REQUIRED') {
    if (!body.newPassword) throw missing('newPassword', 'is required to finish the first login');
    const newPassword = body.newPassword;
    const step = await deps.identity.answerChallenge(
      flow.directoryName,
      'NEW_PASSWORD_REQUIRED',
      pending.directorySession ?? '',
      { newPassword },
    );
    await flow.sessions.deletePending(body.session);
    await flow.record('password_changed');
    return flow.continueWith(step, pending.mfaDone);
  }
  if (!body.code) throw missing('code', 'is required: the 6 digits the authenticator app shows');
  const code = body.code;
  const step = await flow
    .guarded('mfa_failed', async () => {
      if (pending.challenge === 'MFA_SETUP') {
        if (!pending.tokens) throw new UnauthorizedError('This login has expired or ended; log in again.');
        await deps.identity.verifySoftwareToken(pending.tokens.accessToken, code);
        return { tokens: pending.tokens };
      }
      return deps.identity.answerChallenge(
        flow.directoryName,
        'SOFTWARE_TOKEN_MFA',
        pending.directorySession ?? '',
        { code },
      );
    })
    .catch(async (error: unknown) => {
      if (error instanceof UnauthorizedError) await flow.sessions.countWrongAnswer(body.session);
      throw error;
    });
  await flow.sessions.deletePending(body.session);
  if (pending.challenge === 'MFA_SETUP') await flow.record('mfa_setup');
  return flow.continueWith(step, true);
}

export async function refreshSession(c: Context<AppEnv>, refreshToken: string) {
  const deps = c.get('deps');
  const sessions = new LoginSessionRepository(c.get('store'));
  const known = await sessions.get(refreshToken);
  const flow = new LoginFlow(c, known?.username ?? '');
  const { idleMinutes } = (await flow.settings()).security;
  // A refresh token from before idle sessions existed has no record: it is accepted once and gets one.
  if (known && flow.now.getTime() - known.lastSeen.getTime() > idleMinutes * 60_000) {
    await deps.identity.revokeRefreshToken(refreshToken);
    await sessions.forget(refreshToken);
    await flow.record('session_idle_ended', { userId: known.userId });
    throw new UnauthorizedError(`The session ended after ${idleMinutes} idle minutes; log in again.`);
  }
  const tokens = await deps.identity.refresh(refreshToken);
  // The person comes from the county's records: a disabled person's refresh gets nothing.
  const { principal } = await resolveCaller(c, await deps.tokens.verify(tokens.accessToken));
  const next = tokens.refreshToken ?? refreshToken;
  await sessions.touch(next, { username: principal.username, userId: principal.userId }, flow.now);
  const answering = new LoginFlow(c, principal.username);
  return answering.answer({ ...tokens, refreshToken: next }, principal, idleMinutes);
}

export async function logOut(c: Context<AppEnv>, refreshToken: string) {
  const deps = c.get('deps');
  const sessions = new LoginSessionRepository(c.get('store'));
  const known = await sessions.get(refreshToken);
  await deps.identity.revokeRefreshToken(refreshToken);
  if (known) {
    await sessions.forget(refreshToken);
    await new LoginFlow(c, known.username).record('logout', { userId: known.userId });
  }
  return { revoked: true as const };
}

function missing(field: string, message: string) {
  return new ValidationError([{ path: field, message }]);
}
