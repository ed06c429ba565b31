import * as z from 'zod/mini';

/**
 * Codes are stable keys: county overrides, filed risk points and patrol records refer to them across vendor
 * releases, so they are plain ASCII snake_case and never translated.
 */
export const KNOWLEDGE_CODE_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** The LEC factor scales; any other value would make D land between the bands the tables were built for. */
export const LEC_L_VALUES = [10, 6, 3, 1, 0.5, 0.2, 0.1] as const;
export const LEC_E_VALUES = [10, 6, 3, 2, 1, 0.5] as const;
export const LEC_C_VALUES = [100, 40, 15, 7, 3, 1] as const;

const codeSchema = z.string().check(z.regex(KNOWLEDGE_CODE_PATTERN, 'must be snake_case ASCII'));
const textSchema = z.string().check(z.trim(), z.minLength(1));
const textListSchema = z.array(textSchema).check(z.minLength(1));

export const checklistItemSchema = z.object({
  code: codeSchema,
  text: textSchema,
});

const checklistSchema = z.array(checklistItemSchema).check(
  z.minLength(1),
  z.superRefine((items, ctx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.code)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'code'],
          message: `duplicate checklist code ${item.code}`,
        });
      }
      seen.add(item.code);
    });
  }),
);

export const lecAssessmentSchema = z.object({
  method: z.literal('LEC'),
  L: z.literal(LEC_L_VALUES),
  E: z.literal(LEC_E_VALUES),
  C: z.literal(LEC_C_VALUES),
});

// Kept free of object-level refinements so the override patch can be derived from it with omit/partial.
export const riskPointTemplateSchema = z.object({
  code: codeSchema,
  name: textSchema,
  description: textSchema,
  hazardFactors: textListSchema,
  accidentTypes: textListSchema,
  checklist: checklistSchema,
  controlMeasures: textListSchema,
  emergencyMeasures: textListSchema,
  suggestedAssessment: lecAssessmentSchema,
  gradingCriteria: textListSchema,
});

export const knowledgeIndustrySchema = z.object({
  code: codeSchema,
  name: textSchema,
  supervisingDepartmentHint: textSchema,
  templates: z.array(riskPointTemplateSchema),
});

function addDuplicateIssues(
  codes: { code: string; path: PropertyKey[] }[],
  what: string,
  ctx: z.core.$RefinementCtx,
) {
  const seen = new Set<string>();
  for (const { code, path } of codes) {
    if (seen.has(code)) ctx.addIssue({ code: 'custom', path, message: `duplicate ${what} code ${code}` });
    seen.add(code);
  }
}

const industryListSchema = z.array(knowledgeIndustrySchema).check(
  z.superRefine((industries, ctx) => {
    addDuplicateIssues(
      industries.map((industry, i) => ({ code: industry.code, path: [i, 'code'] })),
      'industry',
      ctx,
    );
    // Template codes are unique across the whole base, not per industry, so a risk point can name its template alone.
    addDuplicateIssues(
      industries.flatMap((industry, i) =>
        industry.templates.map((template, j) => ({ code: template.code, path: [i, 'templates', j, 'code'] })),
      ),
      'template',
      ctx,
    );
  }),
);

export const knowledgeBaseSchema = z.object({
  version: textSchema,
  industries: industryListSchema,
});

/** Every field but the code: a county may reword anything, but the key that ties records to it stays put. */
export const riskPointTemplatePatchSchema = z.partial(z.omit(riskPointTemplateSchema, { code: true }));

export const industryOverrideSchema = z.object({
  name: z.optional(textSchema),
  supervisingDepartmentHint: z.optional(textSchema),
  hiddenTemplates: z.optional(z.array(codeSchema)),
  templates: z.optional(z.record(codeSchema, riskPointTemplatePatchSchema)),
  addedTemplates: z.optional(z.array(riskPointTemplateSchema)),
});

export const knowledgeOverridesSchema = z
  .object({
    /** The vendor version the county edited against; informational, the merge keys on codes only. */
    baseVersion: textSchema,
    industries: z.record(codeSchema, industryOverrideSchema),
    addedIndustries: z.optional(z.array(knowledgeIndustrySchema)),
  })
  .check(
    z.superRefine((overrides, ctx) => {
      addDuplicateIssues(
        (overrides.addedIndustries ?? []).map((industry, i) => ({
          code: industry.code,
          path: ['addedIndustries', i, 'code'],
        })),
        'added industry',
        ctx,
      );
      addDuplicateIssues(
        [
          ...Object.entries(overrides.industries).flatMap(([industryCode, override]) =>
            (override.addedTemplates ?? []).map((template, j) => ({
              code: template.code,
              path: ['industries', industryCode, 'addedTemplates', j, 'code'],
            })),
          ),
          ...(overrides.addedIndustries ?? []).flatMap((industry, i) =>
            industry.templates.map((template, j) => ({
              code: template.code,
              path: ['addedIndustries', i, 'templates', j, 'code'],
            })),
          ),
        ],
        'added template',
        ctx,
      );
    }),
  );

export type ChecklistItem = z.infer<typeof checklistItemSchema>;
export type LecAssessment = z.infer<typeof lecAssessmentSchema>;
export type RiskPointTemplate = z.infer<typeof riskPointTemplateSchema>;
export type RiskPointTemplatePatch = z.infer<typeof riskPointTemplatePatchSchema>;
export type KnowledgeIndustry = z.infer<typeof knowledgeIndustrySchema>;
export type KnowledgeBase = z.infer<typeof knowledgeBaseSchema>;
export type IndustryOverride = z.infer<typeof industryOverrideSchema>;
export type KnowledgeOverrides = z.infer<typeof knowledgeOverridesSchema>;

export interface IndustrySummary {
  code: string;
  name: string;
  templateCount: number;
}
