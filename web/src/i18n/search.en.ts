import type { searchZhCN } from './search.zh-CN.ts';

/** Search in English: the same keys as search.zh-CN.ts. */
export const searchEn: Record<keyof typeof searchZhCN, string> = {
  'search.label': 'Search',
  'search.submit': 'Search',
  'search.units': 'Unit name, address or start of the credit code',
  'search.riskPoints': 'Risk point name',
  'search.hazards': 'Hazard title',
  'search.none': 'Nothing matches “{q}”.',
};
