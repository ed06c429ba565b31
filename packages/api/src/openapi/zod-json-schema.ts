/**
 * zod's JSON Schema writer, which only the OpenAPI document needs (at its first request). It is re-exported from a
 * file of its own so the Lambda bundler can take it from the module that defines it rather than through zod's
 * barrel (scripts/bundle-functions.ts, `directZodJsonSchema`): through the barrel, esbuild puts its 20 KB in the
 * chunk every cold start loads (evanw/esbuild#3704).
 */
export { toJSONSchema } from 'zod/v4/core';
