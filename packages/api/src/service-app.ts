import type { IdSource, Logger } from '@gridsafe/core';
import { type Env, Hono } from 'hono';
import { handleError, problemResponse } from './problem.ts';

/** What both APIs keep on every request: their dependencies and the request's id. */
interface ServiceEnv<D> extends Env {
  Variables: { deps: D; requestId: string };
}

/**
 * A hono app as the county API and the vendor's control plane both start: one error handler (problem+json out,
 * everything to the log), a problem for an unknown path, and a request id on every request and answer (the
 * caller's `x-request-id`, or a new one) so a log line and a complaint can be matched.
 */
export function serviceApp<D extends { logger: Logger; ids: IdSource }, E extends ServiceEnv<D>>(
  deps: D,
): Hono<E> {
  const app = new Hono<ServiceEnv<D>>();
  app.onError((error, c) => handleError(error, c, deps.logger));
  app.notFound((c) => problemResponse(c, 404, 'not_found', 'No such endpoint.'));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('requestId', c.req.header('x-request-id') ?? deps.ids.next());
    await next();
    c.header('x-request-id', c.get('requestId'));
  });
  return app as unknown as Hono<E>;
}
