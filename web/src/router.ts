import { computed, signal } from '@preact/signals';

/**
 * A small history router. URLs are `/<county>/<page>...` (the local server and CloudFront answer index.html
 * for any path that is not a file or the API under /t/), so a link to a record can be shared or bookmarked.
 */
export const location = signal(readLocation());

function readLocation() {
  return { path: window.location.pathname, search: window.location.search };
}

export const searchParams = computed(() => new URLSearchParams(location.value.search));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  location.value = readLocation();
  window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  location.value = readLocation();
});

// Plain <a href> links inside the app navigate without a reload; new-tab clicks and downloads are left alone.
document.addEventListener('click', (event) => {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  )
    return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith('/t/')) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

/** Matches `units/:id` against `units/01J...`; answers the parameters, or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = have[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return undefined;
  }
  return params;
}

/** The same page with some query parameters changed (empty values removed). */
export function withQuery(changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(location.value.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') params.delete(name);
    else params.set(name, value);
  }
  const text = params.toString();
  return `${location.value.path}${text ? `?${text}` : ''}`;
}

/**
 * Where to go after logging in to `tenant`: the `next` the login page was sent with, when it is a path inside
 * that county (so a crafted link cannot send the person anywhere else), or undefined.
 */
export function nextAfterLogin(tenant: string): string | undefined {
  const next = new URLSearchParams(location.value.search).get('next') ?? '';
  return next.startsWith(`/${tenant}/`) && !next.startsWith('//') ? next : undefined;
}
