import { ValidationError } from '@gridsafe/core';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.ts';
import { fieldProblems } from './problem.ts';

/**
 * Every router is built here so that request validation failures always become the same 400 problem+json
 * naming each bad field, thrown into the one error handler rather than answered ad hoc.
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ValidationError(fieldProblems(result.error, result.target));
      }
    },
  });
}
