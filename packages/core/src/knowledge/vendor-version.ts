/**
 * The version of the vendor knowledge base that ships with this code. Kept apart from the knowledge base
 * itself (160 KB of text) so code that only records the version, like onboarding, does not bundle the text.
 */
export const VENDOR_KB_VERSION = '2026.12.1';
