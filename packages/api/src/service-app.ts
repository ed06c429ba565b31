import type { IdSource, Logger } from '@gridsafe/core';
import { type Context, type Env, Hono } from 'hono';
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
    setAnswerHeader(c, 'x-request-id', c.get('requestId'));
  });
  return app as unknown as Hono<E>;
}

/**
 * Sets a header of the answer a handler has already made. hono's `c.header` copies a finished answer into a new
 * Response around its body stream (in case its headers are immutable), so every header a middleware added after
 * `next()` streamed the body once more; on @hono/node-server it also turned the JSON string into a stream. That
 * was most of the county API's own cost per request (docs/performance.md, issue 20). The app's answers have
 * mutable headers, so they are set in place; an immutable one still gets hono's copy.
 */
export function setAnswerHeader(c: Context, name: string, value: string): void {
  if (!c.finalized) {
    c.header(name, value);
    return;
  }
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}
