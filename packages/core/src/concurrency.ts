/**
 * Runs `work` over `items` with at most `limit` in flight, in order of start; the first failure rejects (the
 * others already started still finish). For bulk work against a service that should not see everything at once.
 */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
