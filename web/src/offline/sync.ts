import { signal } from '@preact/signals';
import type { Problem } from '../api/types.ts';
import { accessToken, readProblem, refreshSession, session } from '../session.ts';
import {
  deleteItem,
  getItem,
  listItems,
  nextSeq,
  type OutboxItem,
  putItem,
  type QueuedPhoto,
} from './outbox.ts';
import { ownItems } from './own-items.ts';
import { attemptWrite } from './queued-writes.ts';

export interface SyncState {
  pending: number;
  failed: number;
  syncing: boolean;
  online: boolean;
  /** The queue waits for a login (the refresh token was refused). */
  needsLogin: boolean;
  items: OutboxItem[];
}

export const syncState = signal<SyncState>({
  pending: 0,
  failed: 0,
  syncing: false,
  online: navigator.onLine,
  needsLogin: false,
  items: [],
});

/** What became of a write: accepted (with the API's answer), refused for good, or still waiting. */
export type Outcome =
  | { state: 'done'; body: unknown }
  | { state: 'failed' | 'conflict'; problem?: Problem }
  | { state: 'pending' };

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 60_000;
const listeners = new Map<string, (outcome: Outcome) => void>();
let flushing: Promise<void> | undefined;
let again = false;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Exponential backoff with jitter (1 s, 2 s, 4 s ... 60 s), so a village's phones do not retry in step. */
export function backoffDelay(attempts: number): number {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** Statuses worth retrying: the request may succeed later unchanged. */
function transient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export async function refreshSyncState(): Promise<void> {
  const current = session.value;
  const items = current ? await ownItems(current) : [];
  syncState.value = {
    ...syncState.value,
    online: navigator.onLine,
    items,
    pending: items.filter((item) => item.status === 'pending').length,
    failed: items.filter((item) => item.status !== 'pending').length,
  };
}

type NewWrite = Pick<OutboxItem, 'kind' | 'method' | 'path' | 'body' | 'label'>;

/**
 * Queues a write and the writes that need its answer (a risk point and its photos), in that order, then sends
 * them. Answers what became of the first within `timeoutMs`, as {@link submitWrite} does.
 */
export async function submitGroup(
  first: NewWrite,
  dependents: NewWrite[],
  timeoutMs: number,
): Promise<{ item: OutboxItem; dependents: OutboxItem[]; outcome: Outcome }> {
  const item = await enqueue(first, false);
  const queued: OutboxItem[] = [];
  for (const write of dependents) queued.push(await enqueue({ ...write }, false, item.key));
  const outcome = waitForOutcome(item.key, navigator.onLine ? timeoutMs : 0);
  void flush();
  return { item, dependents: queued, outcome: await outcome };
}

/**
 * A new record and its photos (each waiting for the record's id) through the outbox, as {@link submitGroup}. A
 * refused record is taken out of the queue again with its photos: the form shows why while the person is there.
 */
export async function submitWithPhotos(
  first: NewWrite,
  photos: { kind: OutboxItem['kind']; path: string; items: QueuedPhoto[] },
  timeoutMs: number,
): Promise<Outcome> {
  const { item, outcome } = await submitGroup(
    first,
    photos.items.map((photo) => ({
      kind: photos.kind,
      method: 'POST' as const,
      path: photos.path,
      body: photo,
      label: first.label,
    })),
    timeoutMs,
  );
  if (outcome.state === 'failed' || outcome.state === 'conflict') await discardItem(item.key);
  return outcome;
}

/**
 * Queues a write with an Idempotency-Key made now (so every retry, from any tab, is the same request) and tries
 * to send it at once. Answers what became of it within `timeoutMs`: a form can then show field errors while the
 * person is still there, or say "saved on this phone, will sync".
 */
export async function submitWrite(
  write: NewWrite,
  timeoutMs: number,
): Promise<{ item: OutboxItem; outcome: Outcome }> {
  const item = await enqueue(write, false);
  const outcome = waitForOutcome(item.key, navigator.onLine ? timeoutMs : 0);
  void flush();
  return { item, outcome: await outcome };
}

/** Queues a write with a fresh Idempotency-Key and (unless told not to) tries to send it at once. */
export async function enqueue(write: NewWrite, send = true, dependsOn?: string): Promise<OutboxItem> {
  const current = session.value;
  if (!current) throw new Error('not logged in');
  const item: OutboxItem = {
    ...write,
    key: crypto.randomUUID(),
    seq: nextSeq(),
    tenant: current.tenant,
    userId: current.user.id,
    createdAt: new Date().toISOString(),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: 0,
    ...(dependsOn ? { dependsOn } : {}),
  };
  await putItem(item);
  await refreshSyncState();
  if (send) void flush();
  return item;
}

/** Resolves when the write is settled, or with `pending` after `timeoutMs` (the form then says "queued"). */
export function waitForOutcome(key: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const done = (outcome: Outcome) => {
      clearTimeout(timeout);
      listeners.delete(key);
      resolve(outcome);
    };
    const timeout = setTimeout(() => done({ state: 'pending' }), timeoutMs);
    listeners.set(key, done);
  });
}

/** Tries every due write, oldest first. Calls while a flush runs make it go round once more. */
export function flush(): Promise<void> {
  if (flushing) {
    again = true;
    return flushing;
  }
  flushing = (async () => {
    try {
      do {
        again = false;
        await flushOnce();
      } while (again);
    } finally {
      flushing = undefined;
      syncState.value = { ...syncState.value, syncing: false };
      await refreshSyncState();
    }
  })();
  return flushing;
}

async function flushOnce(): Promise<void> {
  const current = session.value;
  if (!current || !navigator.onLine) return;
  const items = await ownItems(current);
  for (const item of items) {
    if (item.status !== 'pending') continue; // refused writes wait for the person; they do not block the rest
    const wait = item.nextAttemptAt - Date.now();
    if (wait > 0) {
      schedule(wait);
      return; // keep order: nothing behind a write that is backing off goes first
    }
    // Read again: an earlier write in this round may have given this one its parent's id.
    const fresh = await getItem(item.key);
    if (fresh?.status !== 'pending') continue;
    if (fresh.dependsOn) return; // its parent is still waiting, and nothing overtakes it
    syncState.value = { ...syncState.value, syncing: true };
    const result = await send(fresh);
    if (result === 'stop') return;
  }
}

function schedule(delay: number) {
  clearTimeout(timer);
  timer = setTimeout(() => void flush(), delay);
}

/** After a write is accepted, the writes waiting on it learn its id. */
async function releaseDependents(item: OutboxItem, body: unknown) {
  const id = (body as { id?: unknown } | undefined)?.id;
  for (const other of await listItems(item.tenant, item.userId)) {
    if (other.dependsOn !== item.key) continue;
    const { dependsOn: _parent, ...rest } = other;
    await putItem(
      typeof id === 'string'
        ? { ...rest, path: rest.path.replace('{parent}', encodeURIComponent(id)) }
        : other,
    );
  }
}

/** A refused write takes the writes that needed it down with it (shown together on the sync page). */
async function failDependents(item: OutboxItem) {
  for (const other of await listItems(item.tenant, item.userId)) {
    if (other.dependsOn === item.key) await putItem({ ...other, status: 'failed', lastError: 'parent' });
  }
}

async function send(item: OutboxItem): Promise<'next' | 'stop'> {
  const attempt = (token: string | undefined) => attemptWrite(item, token);
  let response: Response;
  try {
    response = await attempt(await accessToken());
    if (response.status === 401) {
      const renewed = await refreshSession().catch(() => null);
      if (!renewed) {
        syncState.value = { ...syncState.value, needsLogin: true };
        return 'stop';
      }
      response = await attempt(renewed.accessToken);
    }
  } catch (error) {
    await retryLater(item, error instanceof Error ? error.message : String(error));
    return 'stop';
  }
  syncState.value = { ...syncState.value, needsLogin: false };
  if (response.ok) {
    const body = await response.json().catch(() => undefined);
    await releaseDependents(item, body);
    await deleteItem(item.key);
    notify(item.key, { state: 'done', body });
    window.dispatchEvent(new CustomEvent('gridsafe:synced', { detail: { kind: item.kind, body } }));
    return 'next';
  }
  if (transient(response.status)) {
    const retryAfter = Number(response.headers.get('retry-after'));
    await retryLater(
      item,
      `HTTP ${response.status}`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
    return 'stop';
  }
  const problem = await readProblem(response);
  const status = response.status === 409 ? 'conflict' : 'failed';
  await putItem({ ...item, status, attempts: item.attempts + 1, ...(problem ? { problem } : {}) });
  await failDependents(item);
  notify(item.key, { state: status, problem });
  return 'next';
}

async function retryLater(item: OutboxItem, reason: string, delay?: number) {
  const attempts = item.attempts + 1;
  const wait = delay ?? backoffDelay(attempts);
  await putItem({ ...item, attempts, nextAttemptAt: Date.now() + wait, lastError: reason });
  schedule(wait);
}

function notify(key: string, outcome: Outcome) {
  listeners.get(key)?.(outcome);
}

/** Sends a refused write again as it is (after the cause was fixed elsewhere), under the same key. */
export async function retryItem(key: string): Promise<void> {
  const item = await getItem(key);
  if (!item) return;
  const { problem: _problem, lastError: _error, ...rest } = item;
  await putItem({ ...rest, status: 'pending', nextAttemptAt: 0 });
  for (const other of await listItems(item.tenant, item.userId)) {
    if (other.dependsOn === key) await putItem({ ...other, status: 'pending', nextAttemptAt: 0 });
  }
  await refreshSyncState();
  void flush();
}

/** Drops a write, and the writes that needed it. */
export async function discardItem(key: string): Promise<void> {
  const item = await getItem(key);
  if (item) {
    for (const other of await listItems(item.tenant, item.userId))
      if (other.dependsOn === key) await deleteItem(other.key);
  }
  await deleteItem(key);
  await refreshSyncState();
}

export function startSync(): void {
  window.addEventListener('online', () => {
    syncState.value = { ...syncState.value, online: true };
    // Back online: everything waiting goes now, not at the end of its backoff.
    void resetBackoff().then(flush);
  });
  window.addEventListener('offline', () => {
    syncState.value = { ...syncState.value, online: false };
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void flush();
  });
  void refreshSyncState().then(flush);
}

async function resetBackoff() {
  const current = session.value;
  if (!current) return;
  for (const item of await ownItems(current)) {
    if (item.status === 'pending' && item.nextAttemptAt > Date.now())
      await putItem({ ...item, nextAttemptAt: 0 });
  }
}
