import type { KnowledgeBase } from './knowledge-types.ts';

let loading: Promise<KnowledgeBase> | undefined;

/**
 * The vendor knowledge base, loaded at first use. It is 160 KB of text that only knowledge, filing and
 * import requests read; a static import would put it in every Lambda cold start (the bundler makes this
 * `import()` a chunk of its own). Code that needs only the version reads `VENDOR_KB_VERSION`.
 *
 * @example
 * const kb = await loadVendorKnowledgeBase();
 * findIndustry(kb, 'gas')?.name; // '燃气'
 */
export function loadVendorKnowledgeBase(): Promise<KnowledgeBase> {
  loading ??= import('./vendor-default.ts').then(
    ({ vendorKnowledgeBase }) => vendorKnowledgeBase,
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
