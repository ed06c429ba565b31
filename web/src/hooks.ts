import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, query } from './api/client.ts';
import type { FieldProblem, Page } from './api/types.ts';

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

/**
 * A form's sending state. `submit(send)` runs one request: busy meanwhile, earlier problems cleared first; a 400
 * naming fields puts each problem beside its field (`errors`), any other failure shows as `error` (a 409 as the
 * conflict notice).
 */
export function useSubmission() {
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (send: () => Promise<void>) => {
    setBusy(true);
    setErrors([]);
    setError(undefined);
    try {
      await send();
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 400 && caught.problem?.errors)
        setErrors(caught.problem.errors);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return { errors, setErrors, error, setError, busy, submit };
}
