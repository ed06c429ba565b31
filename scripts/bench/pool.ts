/**
 * Runs `task(0..count-1)` with at most `concurrency` in flight, in index order. The first failure stops new
 * tasks and is rethrown once the running ones settle. `onProgress` is called at most once a second.
 */
export async function runBounded(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
  onProgress?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  let failure: unknown;
  let lastReport = Date.now();
  const worker = async () => {
    while (failure === undefined && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= error;
        return;
      }
      done += 1;
      if (onProgress && Date.now() - lastReport >= 1_000) {
        lastReport = Date.now();
        onProgress(done);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure !== undefined) throw failure;
  onProgress?.(done);
}
