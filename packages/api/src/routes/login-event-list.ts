import { LoginEventLog } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** One page of the county's login log, newest first. */
export function listLoginEvents(c: Context<AppEnv>, limit: number, cursor: string | undefined) {
  return new LoginEventLog(c.get('store')).list({ limit, ...(cursor ? { cursor } : {}) });
}
