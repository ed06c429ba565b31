import { countyApiBasePath } from '@gridsafe/core/contract';
import { computed, signal } from '@preact/signals';
import type { Problem, SessionAnswer, SessionUser } from './api/types.ts';
import {
  CodeFlowRefusedError,
  type CodeFlowTokens,
  type ProviderRef,
  refreshWithProvider,
  revokeAtProvider,
} from './auth/code-flow.ts';

export interface Session {
  tenant: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
  user: SessionUser;
  /** Set when the person signed in through an OpenID provider: refreshes go there, not to `/session/refresh`. */
  provider?: ProviderRef;
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
  const response = await fetch(`${countyApiBasePath(tenant)}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new LoginError(response.status, await readProblem(response));
  const next = fromAnswer(tenant, (await response.json()) as SessionAnswer);
  store(next);
  return next;
}

/**
 * Starts a session from an OpenID provider's tokens. The token only proves who the person is; who they are in
 * this county (role, scope) is the county's answer to `GET /me`. A 403 `not_linked` there means the provider
 * knows the person and the county does not (yet): the caller shows that, and no session starts.
 */
export async function loginWithProviderTokens(
  tenant: string,
  tokens: CodeFlowTokens,
  provider: ProviderRef,
): Promise<Session> {
  const response = await fetch(`${countyApiBasePath(tenant)}/me`, {
    headers: { accept: 'application/json', authorization: `Bearer ${tokens.accessToken}` },
  });
  if (!response.ok) throw new LoginError(response.status, await readProblem(response));
  const next: Session = {
    tenant,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
    user: (await response.json()) as SessionUser,
    provider,
  };
  store(next);
  return next;
}

/** A refresh at the OpenID provider the session came from; the same outcomes as the password session's. */
async function refreshAtProvider(current: Session & { provider: ProviderRef }): Promise<Session | null> {
  // A provider that issues no refresh token: the session ends with its access token, back to the login page.
  if (!current.refreshToken) {
    store(null);
    return null;
  }
  try {
    const tokens = await refreshWithProvider(current.provider, current.refreshToken);
    const next: Session = {
      ...current,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: Date.now() + tokens.expiresIn * 1000,
    };
    store(next);
    return next;
  } catch (error) {
    if (!(error instanceof CodeFlowRefusedError)) return current;
    store(null);
    return null;
  }
}

export function logout(): void {
  const ending = session.value;
  store(null);
  // A refresh token left valid at the provider would outlive the sign-out on a shared PC. Best effort: an
  // offline phone still signs out here, and the token then ends with the provider's session.
  if (ending?.provider && ending.refreshToken) {
    void revokeAtProvider(ending.provider, ending.refreshToken).catch(() => undefined);
  }
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
  const { provider } = current;
  refreshing ??= (async () => {
    try {
      if (provider) return await refreshAtProvider({ ...current, provider });
      const response = await fetch(`${countyApiBasePath(current.tenant)}/session/refresh`, {
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
