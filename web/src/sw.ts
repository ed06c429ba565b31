/**
 * The service worker: keeps the app shell (index.html, the built JS/CSS, icons, manifest) so the app opens with
 * no network. It never touches the API (/t/..., /platform/...) or other origins (map tiles): API answers are
 * per person and must never be served from a cache; offline writes go through the IndexedDB outbox instead.
 */

// Minimal service-worker types: the WebWorker lib cannot sit beside DOM in one TypeScript program.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
}
const worker = self as unknown as WorkerScope;

const SHELL_CACHE = 'gridsafe-shell';
const STATIC_FILES = [
  '/',
  '/index.html',
  '/manifest.webmanifest',
  '/icon.svg',
  '/icon-192.png',
  '/icon-512.png',
];

function isApi(url: URL): boolean {
  return url.pathname.startsWith('/t/') || url.pathname.startsWith('/platform/');
}

async function precache(): Promise<void> {
  const cache = await caches.open(SHELL_CACHE);
  const response = await fetch('/shell-manifest.json', { cache: 'no-store' });
  const built = response.ok ? ((await response.json()) as string[]) : [];
  await cache.addAll([
    ...STATIC_FILES,
    ...built.filter((file) => !isApi(new URL(file, worker.location.href))),
  ]);
}

worker.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => worker.skipWaiting()));
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(worker.clients.claim());
});

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== worker.location.origin || isApi(url)) return;
  if (request.mode === 'navigate') {
    // Pages: the network first (a new release shows at once), the cached shell when there is none.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok)
            void caches.open(SHELL_CACHE).then((cache) => cache.put('/index.html', response.clone()));
          return response;
        })
        .catch(async () => (await caches.match('/index.html')) ?? Response.error()),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed file names never change content: the cache first, and keep what the network brings.
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ??
          fetch(request).then((response) => {
            if (response.ok)
              void caches.open(SHELL_CACHE).then((cache) => cache.put(request, response.clone()));
            return response;
          }),
      ),
    );
    return;
  }
  if (STATIC_FILES.includes(url.pathname)) {
    event.respondWith(fetch(request).catch(async () => (await caches.match(request)) ?? Response.error()));
  }
});
