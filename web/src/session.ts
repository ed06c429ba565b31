import { computed, signal } from '@preact/signals';
import type { Problem, SessionAnswer, SessionUser } from './api/types.ts';

export interface Session {
  tenant: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  user: SessionUser;
}

/** Same rule as the API's tenant ids: a lowercase letter, then 1–31 lowercase letters or digits. */
export const TENANT_PATTERN = /^[a-z][a-z0-9]{1,31}$/;
export const DEFAULT_TENANT = 'taihe';

// sessionStorage, not localStorage: a shared office PC forgets the login when the tab closes, while a reload
// (or the phone killing a background tab and restoring it) keeps it.
const STORAGE_KEY = 'gridsafe.session';
/** Refresh this long before expiry, so a request never leaves with a token that dies in flight. */
const REFRESH_MARGIN_MS = 60_000;

export const session = signal<Session | null>(load());
export const currentUser = computed(() => session.value?.user);

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<Session | null> | undefined;

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Session;
    return typeof parsed.accessToken === 'string' && TENANT_PATTERN.test(parsed.tenant) ? parsed : null;
  } catch {
    return null;
  }
}

function store(next: Session | null) {
  session.value = next;
  if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(STORAGE_KEY);
  scheduleRefresh();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const current = session.value;
  if (!current) return;
  const wait = Math.max(5_000, current.expiresAt - Date.now() - REFRESH_MARGIN_MS);
  refreshTimer = setTimeout(() => void refreshSession().catch(() => undefined), wait);
}

function fromAnswer(tenant: string, answer: SessionAnswer): Session {
  return {
    tenant,
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken,
    expiresAt: Date.now() + answer.expiresIn * 1000,
    user: answer.user,
  };
}

export class LoginError extends Error {
  constructor(
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
  }
}

export async function login(tenant: string, username: string, password: string): Promise<Session> {
  const response = await fetch(`/t/${tenant}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new LoginError(response.status, await readProblem(response));
  const next = fromAnswer(tenant, (await response.json()) as SessionAnswer);
  store(next);
  return next;
}

export function logout(): void {
  store(null);
}

/** Keeps the session a finished login challenge answered with (login-steps.ts runs the challenges). */
export function adoptSession(tenant: string, answer: SessionAnswer): Session {
  const next = fromAnswer(tenant, answer);
  store(next);
  return next;
}

/**
 * Exchanges the refresh token for a new access token. Concurrent callers share one request. A refused refresh
 * (expired or revoked) ends the session; a network failure keeps it, so an offline phone is not logged out.
 */
export function refreshSession(): Promise<Session | null> {
  const current = session.value;
  if (!current) return Promise.resolve(null);
  refreshing ??= (async () => {
    try {
      const response = await fetch(`/t/${current.tenant}/api/v1/session/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
      if (response.status === 400 || response.status === 401 || response.status === 403) {
        store(null);
        return null;
      }
      if (!response.ok) return current;
      const next = fromAnswer(current.tenant, (await response.json()) as SessionAnswer);
      store(next);
      return next;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** An access token good for at least the refresh margin, refreshing first when needed. */
export async function accessToken(): Promise<string | undefined> {
  const current = session.value;
  if (!current) return undefined;
  if (current.expiresAt - Date.now() > REFRESH_MARGIN_MS) return current.accessToken;
  const next = await refreshSession().catch(() => current);
  return next?.accessToken;
}

export async function readProblem(response: Response): Promise<Problem | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return (await response.json()) as Problem;
  } catch {
    return undefined;
  }
}

/** The ids a person's scope names, by kind (`grid:<id>` → grid). */
export function scopeIds(user: SessionUser | undefined, kind: 'grid' | 'dept' | 'unit'): string[] {
  return (user?.scope ?? [])
    .filter((grant) => grant.startsWith(`${kind}:`))
    .map((grant) => grant.slice(kind.length + 1));
}

scheduleRefresh();
