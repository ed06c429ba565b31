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
export { vendorKnowledgeBase } from './vendor-default.ts';
export { VENDOR_KB_VERSION } from './vendor-version.ts';
