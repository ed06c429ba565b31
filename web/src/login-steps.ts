import { countyApiBasePath } from '@gridsafe/core/contract';
import type { SessionAnswer } from './api/types.ts';
import { adoptSession, LoginError, logout, readProblem, type Session, session } from './session.ts';

/** A step the county's directory asks for between the password and the session. */
export interface LoginChallenge {
  challenge: 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';
  session: string;
  secretCode?: string;
  otpauthUri?: string;
}

/** The username is locked after too many wrong answers; `retryAt` is when it opens again. */
export class LoginLockedError extends Error {
  constructor(readonly retryAt: Date) {
    super('login locked');
  }
}

type Outcome = { session: Session } | { challenge: LoginChallenge };

const IDLE_KEY = 'gridsafe.idleMinutes';

async function post(tenant: string, path: string, body: unknown): Promise<Outcome> {
  const response = await fetch(`${countyApiBasePath(tenant)}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after') ?? '900');
    throw new LoginLockedError(new Date(Date.now() + (Number.isFinite(seconds) ? seconds : 900) * 1000));
  }
  if (!response.ok) throw new LoginError(response.status, await readProblem(response));
  const answer = (await response.json()) as (SessionAnswer & { idleMinutes?: number }) | LoginChallenge;
  if ('challenge' in answer) return { challenge: answer };
  if (answer.idleMinutes) sessionStorage.setItem(IDLE_KEY, String(answer.idleMinutes));
  return { session: adoptSession(tenant, answer) };
}

/** POST /session: a session, or the first challenge to answer. */
export function passwordLogin(tenant: string, username: string, password: string): Promise<Outcome> {
  return post(tenant, '/session', { username, password });
}

/** POST /session/challenge with a new password or a TOTP code: a session, or the next challenge. */
export function answerChallenge(
  tenant: string,
  session: string,
  answer: { newPassword: string } | { code: string },
): Promise<Outcome> {
  return post(tenant, '/session/challenge', { session, ...answer });
}

/**
 * Logs out here and at the county: the refresh token is revoked, so a copy of it (a shared PC's memory, a
 * stolen phone's storage) cannot start a new session.
 */
export async function logoutEverywhere(): Promise<void> {
  const current = session.value;
  logout();
  sessionStorage.removeItem(IDLE_KEY);
  if (!current) return;
  await fetch(`${countyApiBasePath(current.tenant)}/session/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: current.refreshToken }),
  }).catch(() => undefined);
}

/**
 * Ends the session after the county's idle time without a key, click or touch. The API refuses a refresh after
 * that time too; this side makes it visible and stops the refresh timer from keeping an idle session alive.
 */
export function watchIdle(onIdle: () => void): () => void {
  let last = Date.now();
  const touch = () => {
    last = Date.now();
  };
  const events = ['pointerdown', 'keydown', 'touchstart', 'scroll'] as const;
  for (const name of events) window.addEventListener(name, touch, { passive: true });
  const timer = setInterval(() => {
    const minutes = Number(sessionStorage.getItem(IDLE_KEY) ?? '0');
    if (session.value && minutes > 0 && Date.now() - last > minutes * 60_000) onIdle();
  }, 15_000);
  return () => {
    clearInterval(timer);
    for (const name of events) window.removeEventListener(name, touch);
  };
}
