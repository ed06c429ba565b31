import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, query } from './api/client.ts';
import type { Page } from './api/types.ts';

export interface AsyncState<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; a stale answer (deps changed meanwhile) is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  // The caller's deps decide when to load again (the loader itself is a new closure every render).
  useEffect(() => {
    let live = true;
    setState((previous) => ({ data: previous.data, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

/**
 * One page of a list endpoint with its filters, and the cursors seen so far (so "previous" needs no API support);
 * changing a filter starts again at the first page. Hand `pager` to `<Pager>`.
 */
export function usePagedList<T>(
  path: string,
  filters: Record<string, string | undefined>,
  pageSize = 20,
): AsyncState<Page<T>> & {
  pager: { cursors: string[]; nextCursor?: string; onChange: (c: string[]) => void };
} {
  const filterKey = JSON.stringify(filters);
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = paging.key === filterKey ? paging.cursors : [];
  const cursor = cursors[cursors.length - 1];
  const list = useAsync(
    () => api<Page<T>>(`${path}${query({ ...filters, limit: pageSize, cursor })}`),
    [path, filterKey, cursor],
  );
  return {
    ...list,
    pager: {
      cursors,
      nextCursor: list.data?.nextCursor,
      onChange: (next: string[]) => setPaging({ key: filterKey, cursors: next }),
    },
  };
}
