export { findIndustry, findTemplate, listIndustrySummaries, mergeKnowledge } from './knowledge.ts';
export type {
  ChecklistItem,
  IndustryOverride,
  IndustrySummary,
  KnowledgeBase,
  KnowledgeIndustry,
  KnowledgeOverrides,
  LecAssessment,
  RiskPointTemplate,
  RiskPointTemplatePatch,
} from './knowledge-types.ts';
export {
  checklistItemSchema,
  industryOverrideSchema,
  KNOWLEDGE_CODE_PATTERN,
  knowledgeBaseSchema,
  knowledgeIndustrySchema,
  knowledgeOverridesSchema,
  LEC_C_VALUES,
  LEC_E_VALUES,
  LEC_L_VALUES,
  lecAssessmentSchema,
  riskPointTemplatePatchSchema,
  riskPointTemplateSchema,
} from './knowledge-types.ts';
export { loadVendorKnowledgeBase } from './load-vendor.ts';
// The knowledge base's text is not re-exported here: import it from '@gridsafe/core/vendor-knowledge', or load it
// with loadVendorKnowledgeBase(). A static re-export here put all 160 KB of it into every bundle that imports
// core (with code splitting esbuild keeps a file reached both ways in the entry's chunk).
export { VENDOR_KB_VERSION } from './vendor-version.ts';
