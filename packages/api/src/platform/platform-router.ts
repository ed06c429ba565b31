import { ValidationError } from '@gridsafe/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import { fieldProblems } from '../problem.ts';
import type { PlatformEnv } from './platform-deps.ts';

/** The control plane's routers: a validation failure is the same 400 problem+json naming each bad field. */
export function createPlatformRouter(): OpenAPIHono<PlatformEnv> {
  return new OpenAPIHono<PlatformEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new ValidationError(fieldProblems(result.error, result.target));
    },
  });
}

export type PlatformRouter = ReturnType<typeof createPlatformRouter>;
