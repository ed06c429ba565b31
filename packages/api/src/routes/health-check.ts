import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** Checks run in parallel and each is bounded, so a dead dependency makes health slow by at most ~3 s. */
export async function checkHealth(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const tenant = c.get('tenant');
  const entries = await Promise.all(
    Object.entries(deps.healthChecks).map(async ([name, check]) => {
      const started = performance.now();
      try {
        await withTimeout(check(tenant), 3_000);
        return [name, { status: 'ok' as const, latencyMs: Math.round(performance.now() - started) }] as const;
      } catch (error) {
        deps.logger.warn('health check failed', { dependency: name, error });
        return [
          name,
          {
            status: 'down' as const,
            latencyMs: Math.round(performance.now() - started),
            detail: 'unreachable',
          },
        ] as const;
      }
    }),
  );
  const dependencies = Object.fromEntries(entries);
  const healthy = entries.every(([, state]) => state.status === 'ok');
  const body = {
    status: healthy ? ('ok' as const) : ('degraded' as const),
    tenant,
    time: deps.clock.now().toISOString(),
    dependencies,
  };
  return { healthy, body };
}
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
