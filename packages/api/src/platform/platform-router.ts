import { Router } from '../openapi/route.ts';
import type { PlatformEnv } from './platform-deps.ts';

/** The control plane's routers: a validation failure is the same 400 problem+json naming each bad field. */
export function createPlatformRouter(): Router<PlatformEnv> {
  return new Router<PlatformEnv>();
}

export type PlatformRouter = ReturnType<typeof createPlatformRouter>;
