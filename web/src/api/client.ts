import { countyApiBasePath } from '@gridsafe/core/contract';
import { accessToken, logout, readProblem, refreshSession, session } from '../session.ts';
import type { Page, Problem } from './types.ts';

/** The API answered with an error (problem+json when it could). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
  }
}

/** The request never got an answer: offline, DNS, connection reset. */
export class NetworkError extends Error {}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Sent as is (CSV, files) instead of JSON. */
  rawBody?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * Keep the last good answer on this device and return it when the network is down, so the field forms
   * still have their pick lists offline. Only for small reference reads; the service worker never caches the API.
   */
  offlineCache?: boolean;
}

export function apiBase(tenant: string): string {
  return countyApiBasePath(tenant);
}

function cacheKey(path: string): string | undefined {
  const current = session.value;
  // Per person: two people on one phone see different areas.
  return current ? `gridsafe.cache.${current.tenant}.${current.user.id}.${path}` : undefined;
}

export function clearOfflineCache(): void {
  for (const key of Object.keys(localStorage))
    if (key.startsWith('gridsafe.cache.')) localStorage.removeItem(key);
}

/** Calls the county API of the logged-in county with the current token, refreshing it once on a 401. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const current = session.value;
  if (!current) throw new ApiError(401);
  const send = async (token: string | undefined) => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    try {
      return await fetch(`${apiBase(current.tenant)}${path}`, {
        method: options.method ?? 'GET',
        headers,
        body,
      });
    } catch (error) {
      throw new NetworkError(error instanceof Error ? error.message : String(error));
    }
  };
  const key = options.offlineCache ? cacheKey(path) : undefined;
  let response: Response;
  try {
    response = await send(await accessToken());
    if (response.status === 401) {
      const renewed = await refreshSession().catch(() => null);
      if (renewed) response = await send(renewed.accessToken);
    }
  } catch (error) {
    const cached = key ? localStorage.getItem(key) : null;
    if (error instanceof NetworkError && cached) return JSON.parse(cached) as T;
    throw error;
  }
  // Still refused after a refresh: the session is over (disabled account, revoked token); back to login.
  if (response.status === 401) logout();
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (key) {
    try {
      localStorage.setItem(key, text);
    } catch {
      // Storage full: the offline copy is a convenience, the answer itself is fine.
    }
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Every page of a list, up to `max` items (for pick lists and the map; large lists page in the UI). */
export async function listAll<T>(
  path: string,
  params: Record<string, string | undefined> = {},
  max = 1000,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<Page<T>>(`${path}${query({ ...params, limit: 100, cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}
