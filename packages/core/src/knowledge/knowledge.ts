import type {
  IndustryOverride,
  IndustrySummary,
  KnowledgeBase,
  KnowledgeIndustry,
  KnowledgeOverrides,
  RiskPointTemplate,
  RiskPointTemplatePatch,
} from './knowledge-types.ts';

/**
 * The county's view of the knowledge base: the vendor's, with the county's overrides laid over it.
 *
 * Overrides are keyed by industry and template code, never by position or version, so the same overrides
 * apply to every later vendor release: a template the vendor adds shows up, and an override whose target the
 * vendor has removed simply has nothing to apply to. A patched field replaces the vendor's field whole
 * (lists included), because a county that rewrote a checklist means its list, not a blend with the vendor's.
 * County-added entries win a code collision with the vendor, since the county's own records point at them.
 *
 * The result shares no objects with the inputs.
 */
export function mergeKnowledge(
  vendor: KnowledgeBase,
  overrides: KnowledgeOverrides | undefined,
): KnowledgeBase {
  if (!overrides) return structuredClone(vendor);

  const addedIndustries = overrides.addedIndustries ?? [];
  const addedIndustryCodes = new Set(addedIndustries.map((industry) => industry.code));
  const industries = [
    ...vendor.industries.filter((industry) => !addedIndustryCodes.has(industry.code)),
    ...addedIndustries,
  ];
  const presentIndustryCodes = new Set(industries.map((industry) => industry.code));

  const countyTemplateCodes = new Set<string>();
  for (const industry of addedIndustries) {
    for (const template of industry.templates) countyTemplateCodes.add(template.code);
  }
  for (const [industryCode, override] of Object.entries(overrides.industries)) {
    if (!presentIndustryCodes.has(industryCode)) continue;
    for (const template of override.addedTemplates ?? []) countyTemplateCodes.add(template.code);
  }

  const merged = industries.map((industry) => {
    const isCounty = addedIndustryCodes.has(industry.code);
    // A vendor template is shadowed by a county-added one of the same code; the county's own are kept as is.
    const base = isCounty
      ? industry
      : { ...industry, templates: industry.templates.filter((t) => !countyTemplateCodes.has(t.code)) };
    return applyIndustryOverride(base, overrides.industries[industry.code]);
  });

  return structuredClone({ version: vendor.version, industries: merged });
}

function applyIndustryOverride(
  industry: KnowledgeIndustry,
  override: IndustryOverride | undefined,
): KnowledgeIndustry {
  if (!override) return industry;
  const hidden = new Set(override.hiddenTemplates ?? []);
  const patches = override.templates ?? {};
  const templates = [...industry.templates, ...(override.addedTemplates ?? [])]
    .filter((template) => !hidden.has(template.code))
    .map((template) => applyTemplatePatch(template, patches[template.code]));
  return {
    code: industry.code,
    name: override.name ?? industry.name,
    supervisingDepartmentHint: override.supervisingDepartmentHint ?? industry.supervisingDepartmentHint,
    templates,
  };
}

function applyTemplatePatch(
  template: RiskPointTemplate,
  patch: RiskPointTemplatePatch | undefined,
): RiskPointTemplate {
  if (!patch) return template;
  // Only fields the county actually set: an explicit undefined must not blank out the vendor's value.
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { ...template, ...defined, code: template.code };
}

export function findIndustry(kb: KnowledgeBase, code: string): KnowledgeIndustry | undefined {
  return kb.industries.find((industry) => industry.code === code);
}

export function findTemplate(kb: KnowledgeBase, templateCode: string): RiskPointTemplate | undefined {
  for (const industry of kb.industries) {
    const template = industry.templates.find((t) => t.code === templateCode);
    if (template) return template;
  }
  return undefined;
}

export function listIndustrySummaries(kb: KnowledgeBase): IndustrySummary[] {
  return kb.industries.map((industry) => ({
    code: industry.code,
    name: industry.name,
    templateCount: industry.templates.length,
  }));
}
