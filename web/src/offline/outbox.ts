import type { Problem } from '../api/types.ts';

/**
 * The device's queue of writes not yet accepted by the API, in IndexedDB so it survives reloads, a killed
 * browser and a phone restart. Each write carries the Idempotency-Key it was given when the person pressed
 * save: however often the network drops mid-request, the server applies it once.
 */
export interface OutboxItem {
  /** The Idempotency-Key; also the record key. */
  key: string;
  /** Creation order: writes are sent oldest first. */
  seq: number;
  tenant: string;
  /** Only the person who made a write sends it; another login on the same phone never replays it. */
  userId: string;
  kind:
    | 'unit.create'
    | 'riskPoint.create'
    | 'riskPoint.photo'
    | 'hazard.create'
    | 'hazard.photo'
    | 'hazard.action'
    | 'patrol.complete';
  method: 'POST' | 'PATCH';
  path: string;
  body: unknown;
  /**
   * The write whose answer this one needs (a photo needs its risk point's id): its path holds `{parent}` until
   * the parent is accepted, and it is never sent before.
   */
  dependsOn?: string;
  /** What the person will recognise in the list (the unit's name). */
  label: string;
  createdAt: string;
  status: 'pending' | 'failed' | 'conflict';
  attempts: number;
  nextAttemptAt: number;
  problem?: Problem;
  /** Why the last attempt did not go through, when it was transient (offline, 503). */
  lastError?: string;
}

const DB_NAME = 'gridsafe';
const STORE = 'outbox';

let opening: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: 'key' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

async function run<T>(
  mode: IDBTransactionMode,
  action: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const request = action(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

let lastSeq = 0;
/** Strictly increasing even within one millisecond, so two quick saves keep their order. */
export function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

export async function putItem(item: OutboxItem): Promise<void> {
  await run('readwrite', (store) => store.put(item));
}

export async function deleteItem(key: string): Promise<void> {
  await run('readwrite', (store) => store.delete(key));
}

export async function getItem(key: string): Promise<OutboxItem | undefined> {
  return run('readonly', (store) => store.get(key) as IDBRequest<OutboxItem | undefined>);
}

/** A photo waiting on the device: the bytes themselves (IndexedDB keeps Blobs) and what the API must verify. */
export interface QueuedPhoto {
  blob: Blob;
  contentType: string;
  size: number;
  sha256: string;
  takenAt?: string;
  location?: { lat: number; lng: number };
  /** A hazard's photo: `finding` for what the report shows; the API takes it as evidence of a fix otherwise. */
  purpose?: 'finding' | 'fix';
}

/**
 * A photo that is part of a larger write (a rectification report, a patrol result): once uploaded it has the id
 * the API gave it, and once confirmed it is evidence on the record, so a retry carries on where it stopped.
 */
export interface StagedPhoto extends QueuedPhoto {
  id?: string;
  confirmed?: boolean;
}

/** A hazard step (start, report-rectified, verify ...): sent with If-Match, after its photos are on the record. */
export interface QueuedHazardAction {
  hazardId: string;
  action: string;
  /** The version the person saw when they pressed the button. */
  version: number;
  input: Record<string, unknown>;
  photos: StagedPhoto[];
}

/** A patrol's results: the checklist answers with their photos, the position, sent with If-Match and the key. */
export interface QueuedPatrolResult {
  patrolId: string;
  version: number;
  position: { lat: number; lng: number };
  note?: string;
  items: { code: string; result: 'ok' | 'deficient'; note?: string; photos: StagedPhoto[] }[];
}

/** This person's queued writes in this county, oldest first. */
export async function listItems(tenant: string, userId: string): Promise<OutboxItem[]> {
  const all = await run('readonly', (store) => store.getAll() as IDBRequest<OutboxItem[]>);
  return all.filter((item) => item.tenant === tenant && item.userId === userId).sort((a, b) => a.seq - b.seq);
}
