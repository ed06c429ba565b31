import { inject } from 'vitest';
import type { Services } from './stack.ts';

/** The services test/support/global-setup.ts started for the whole run (vitest only). */
export function injectedServices(): Services {
  return inject('services');
}
