import { loadVendorKnowledgeBase, mergeKnowledge } from '@gridsafe/core';
import { KnowledgeRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';

/**
 * The county's knowledge base: the vendor's (a chunk of its own, loaded at first use) with the county's
 * overrides. Its own module, so filing a risk point does not load the knowledge routes' schemas at a cold start.
 */
export async function countyKnowledge(c: Context<AppEnv>) {
  const { overrides, version } = await new KnowledgeRepository(c.get('store')).getOverrides();
  return { knowledge: mergeKnowledge(await loadVendorKnowledgeBase(), overrides), overrides, version };
}
