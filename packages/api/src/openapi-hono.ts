import type { AppEnv } from './app-env.ts';
import { Router } from './openapi/route.ts';

/**
 * Every router is built here so that request validation failures always become the same 400 problem+json
 * naming each bad field, thrown into the one error handler rather than answered ad hoc (openapi/route.ts).
 */
export function createRouter(): Router<AppEnv> {
  return new Router<AppEnv>();
}
