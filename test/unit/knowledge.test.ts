import { describe, expect, it } from 'vitest';
import {
  findIndustry,
  findTemplate,
  type KnowledgeBase,
  type KnowledgeOverrides,
  knowledgeBaseSchema,
  knowledgeOverridesSchema,
  LEC_C_VALUES,
  LEC_E_VALUES,
  LEC_L_VALUES,
  listIndustrySummaries,
  loadVendorKnowledgeBase,
  mergeKnowledge,
  type RiskPointTemplate,
} from '../../packages/core/src/knowledge/index.ts';
import { vendorKnowledgeBase } from '../../packages/core/src/knowledge/vendor-default.ts';

const REQUIRED_INDUSTRIES: Record<string, string> = {
  hazardous_chemicals: '危险化学品',
  non_coal_mine: '非煤矿山',
  fireworks: '烟花爆竹',
  gas_station: '加油站',
  ammonia_refrigeration: '涉氨制冷',
  combustible_dust: '粉尘涉爆',
  confined_space: '有限空间',
  metal_smelting: '金属冶炼',
  gas: '燃气',
  industry_trade_general: '工贸通用',
  commerce_trade: '商贸',
  crowded_places: '人员密集场所',
  construction: '建筑施工',
  road_transport: '道路运输',
  special_equipment: '特种设备',
  civil_explosives: '民用爆炸物品',
  hazardous_waste: '危险废物',
};

// The twenty categories of GB 6441; a bare 爆炸 is not one of them (gas and dust explosions are 其他爆炸).
const GB6441_ACCIDENT_TYPES = new Set([
  '物体打击',
  '车辆伤害',
  '机械伤害',
  '起重伤害',
  '触电',
  '淹溺',
  '灼烫',
  '火灾',
  '高处坠落',
  '坍塌',
  '冒顶片帮',
  '透水',
  '放炮',
  '火药爆炸',
  '瓦斯爆炸',
  '锅炉爆炸',
  '容器爆炸',
  '其他爆炸',
  '中毒和窒息',
  '其他伤害',
]);

const CJK = /[\u4e00-\u9fff]/;
// Chinese text takes full-width punctuation; an ASCII comma or bracket in it reads as a typo on a notice board.
const ASCII_PUNCTUATION = /[,;:()"]/;

// The default banding from the domain brief; counties may change theirs, the vendor suggestions are judged by it.
function colourOf(template: RiskPointTemplate): 'red' | 'orange' | 'yellow' | 'blue' {
  const { L, E, C } = template.suggestedAssessment;
  const d = L * E * C;
  if (d > 320) return 'red';
  if (d > 160) return 'orange';
  if (d > 70) return 'yellow';
  return 'blue';
}

const allTemplates = vendorKnowledgeBase.industries.flatMap((industry) => industry.templates);

function template(code: string, name: string): RiskPointTemplate {
  return {
    code,
    name,
    description: `${name}的测试说明`,
    hazardFactors: ['测试危险因素'],
    accidentTypes: ['其他伤害'],
    checklist: [{ code: 'c01', text: '测试检查项' }],
    controlMeasures: ['测试管控措施'],
    emergencyMeasures: ['测试应急措施'],
    suggestedAssessment: { method: 'LEC', L: 1, E: 1, C: 1 },
    gradingCriteria: ['测试判定标准'],
  };
}

/** A small vendor base: two industries, so merge behaviour can be read off without the full data set. */
function miniVendor(version: string, templatesOfA: RiskPointTemplate[]): KnowledgeBase {
  return {
    version,
    industries: [
      { code: 'ind_a', name: '行业甲', supervisingDepartmentHint: '应急管理局', templates: templatesOfA },
      {
        code: 'ind_b',
        name: '行业乙',
        supervisingDepartmentHint: '商务局',
        templates: [template('b_one', '乙一')],
      },
    ],
  };
}

const v1 = miniVendor('2026.11.1', [
  template('a_one', '甲一'),
  template('a_two', '甲二'),
  template('a_three', '甲三'),
]);

describe('vendor knowledge base', () => {
  it('parses with its own schema', () => {
    const result = knowledgeBaseSchema.safeParse(vendorKnowledgeBase);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('has exactly the required industries, each with at least four templates', () => {
    const summaries = listIndustrySummaries(vendorKnowledgeBase);
    expect(Object.fromEntries(summaries.map((s) => [s.code, s.name]))).toEqual(REQUIRED_INDUSTRIES);
    for (const summary of summaries) expect(summary.templateCount, summary.code).toBeGreaterThanOrEqual(4);
  });

  it('gives every template a code unique across the whole base', () => {
    const codes = allTemplates.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('gives every checklist item a code unique within its template', () => {
    for (const t of allTemplates) {
      const codes = t.checklist.map((item) => item.code);
      expect(new Set(codes).size, t.code).toBe(codes.length);
    }
  });

  it('meets the minimum depth of content in every template', () => {
    for (const t of allTemplates) {
      expect(t.hazardFactors.length, t.code).toBeGreaterThanOrEqual(3);
      expect(t.checklist.length, t.code).toBeGreaterThanOrEqual(5);
      expect(t.controlMeasures.length, t.code).toBeGreaterThanOrEqual(4);
      expect(t.emergencyMeasures.length, t.code).toBeGreaterThanOrEqual(3);
      expect(t.gradingCriteria.length, t.code).toBeGreaterThanOrEqual(1);
      expect(t.accidentTypes.length, t.code).toBeGreaterThanOrEqual(1);
    }
  });

  it('repeats no sentence within a template', () => {
    for (const t of allTemplates) {
      const texts = [
        ...t.hazardFactors,
        ...t.checklist.map((item) => item.text),
        ...t.controlMeasures,
        ...t.emergencyMeasures,
        ...t.gradingCriteria,
      ];
      expect(new Set(texts).size, t.code).toBe(texts.length);
    }
  });

  it('names accident types from the GB 6441 classification', () => {
    for (const t of allTemplates) {
      for (const type of t.accidentTypes)
        expect(GB6441_ACCIDENT_TYPES.has(type), `${t.code}: ${type}`).toBe(true);
    }
  });

  it('suggests only allowed LEC values', () => {
    for (const t of allTemplates) {
      const { method, L, E, C } = t.suggestedAssessment;
      expect(method).toBe('LEC');
      expect(LEC_L_VALUES as readonly number[], t.code).toContain(L);
      expect(LEC_E_VALUES as readonly number[], t.code).toContain(E);
      expect(LEC_C_VALUES as readonly number[], t.code).toContain(C);
    }
  });

  it('spans all four colours in its suggested assessments', () => {
    const colours = new Set(allTemplates.map(colourOf));
    expect([...colours].sort()).toEqual(['blue', 'orange', 'red', 'yellow']);
  });

  it('rates the textbook major risks red', () => {
    for (const code of [
      'ar_ammonia_receiver',
      'cs_sewage_well',
      'cd_dust_removal_system',
      'hc_storage_tank',
    ]) {
      const t = findTemplate(vendorKnowledgeBase, code);
      expect(t, code).toBeDefined();
      expect(colourOf(t!), code).toBe('red');
    }
  });

  it('writes every text field non-empty, in Chinese, with Chinese punctuation', () => {
    const texts: [string, string][] = [];
    for (const industry of vendorKnowledgeBase.industries) {
      texts.push([`${industry.code}.name`, industry.name]);
      texts.push([`${industry.code}.supervisingDepartmentHint`, industry.supervisingDepartmentHint]);
      for (const t of industry.templates) {
        texts.push([`${t.code}.name`, t.name], [`${t.code}.description`, t.description]);
        for (const [field, list] of Object.entries({
          hazardFactors: t.hazardFactors,
          accidentTypes: t.accidentTypes,
          controlMeasures: t.controlMeasures,
          emergencyMeasures: t.emergencyMeasures,
          gradingCriteria: t.gradingCriteria,
        })) {
          list.forEach((text, i) => {
            texts.push([`${t.code}.${field}[${i}]`, text]);
          });
        }
        for (const item of t.checklist) texts.push([`${t.code}.checklist.${item.code}`, item.text]);
      }
    }
    for (const [where, text] of texts) {
      expect(text.trim().length, where).toBeGreaterThan(0);
      expect(CJK.test(text), where).toBe(true);
      expect(text, where).not.toMatch(ASCII_PUNCTUATION);
    }
  });

  it('rejects a base in which two industries share a template code', () => {
    const clash: KnowledgeBase = {
      version: 'x',
      industries: [
        { ...v1.industries[0]!, templates: [template('dup', '甲')] },
        { ...v1.industries[1]!, templates: [template('dup', '乙')] },
      ],
    };
    expect(knowledgeBaseSchema.safeParse(clash).success).toBe(false);
  });

  it('rejects an LEC value outside the scale', () => {
    const bad = { ...template('a_bad', '甲'), suggestedAssessment: { method: 'LEC', L: 4, E: 6, C: 15 } };
    const kb = { version: 'x', industries: [{ ...v1.industries[0]!, templates: [bad] }] };
    expect(knowledgeBaseSchema.safeParse(kb).success).toBe(false);
  });
});

describe('lookups', () => {
  it('finds an industry and a template by code', () => {
    expect(findIndustry(vendorKnowledgeBase, 'gas')?.name).toBe('燃气');
    expect(findTemplate(vendorKnowledgeBase, 'gs_oil_unloading')?.name).toBe('卸油作业');
  });

  it('returns undefined for codes it does not know', () => {
    expect(findIndustry(vendorKnowledgeBase, 'no_such_industry')).toBeUndefined();
    expect(findTemplate(vendorKnowledgeBase, 'no_such_template')).toBeUndefined();
  });

  it('summarises industries with their template counts', () => {
    expect(listIndustrySummaries(v1)).toEqual([
      { code: 'ind_a', name: '行业甲', templateCount: 3 },
      { code: 'ind_b', name: '行业乙', templateCount: 1 },
    ]);
  });
});

describe('mergeKnowledge', () => {
  const overrides: KnowledgeOverrides = {
    baseVersion: '2026.11.1',
    industries: {
      ind_a: {
        name: '本县行业甲',
        hiddenTemplates: ['a_two'],
        templates: {
          a_one: { name: '本县甲一', controlMeasures: ['本县管控措施'] },
        },
        addedTemplates: [template('county_a_extra', '本县新增')],
      },
    },
    addedIndustries: [
      {
        code: 'county_ind',
        name: '本县特色行业',
        supervisingDepartmentHint: '农业农村局',
        templates: [template('county_c_one', '特色一')],
      },
    ],
  };

  it('accepts its test overrides as valid overrides', () => {
    expect(knowledgeOverridesSchema.safeParse(overrides).success).toBe(true);
  });

  it('returns a copy of the vendor base when there are no overrides', () => {
    const merged = mergeKnowledge(v1, undefined);
    expect(merged).toEqual(v1);
    expect(merged).not.toBe(v1);
  });

  it('lets a county override win field by field and keeps the vendor fields it did not touch', () => {
    const merged = mergeKnowledge(v1, overrides);
    const a = findIndustry(merged, 'ind_a')!;
    expect(a.name).toBe('本县行业甲');
    expect(a.supervisingDepartmentHint).toBe('应急管理局');
    const one = findTemplate(merged, 'a_one')!;
    expect(one.name).toBe('本县甲一');
    expect(one.controlMeasures).toEqual(['本县管控措施']);
    expect(one.description).toBe('甲一的测试说明');
    expect(one.checklist).toEqual(v1.industries[0]!.templates[0]!.checklist);
  });

  it('ignores a patch field explicitly set to undefined', () => {
    const merged = mergeKnowledge(v1, {
      baseVersion: '2026.11.1',
      industries: { ind_a: { templates: { a_one: { name: undefined } } } },
    });
    expect(findTemplate(merged, 'a_one')?.name).toBe('甲一');
  });

  it('removes a hidden template', () => {
    const merged = mergeKnowledge(v1, overrides);
    expect(findTemplate(merged, 'a_two')).toBeUndefined();
    expect(findIndustry(merged, 'ind_a')!.templates.map((t) => t.code)).not.toContain('a_two');
  });

  it('appends added templates and added industries after the vendor ones', () => {
    const merged = mergeKnowledge(v1, overrides);
    expect(findIndustry(merged, 'ind_a')!.templates.map((t) => t.code)).toEqual([
      'a_one',
      'a_three',
      'county_a_extra',
    ]);
    expect(merged.industries.map((i) => i.code)).toEqual(['ind_a', 'ind_b', 'county_ind']);
    expect(findTemplate(merged, 'county_c_one')?.name).toBe('特色一');
  });

  it('produces a base that still satisfies the schema', () => {
    expect(knowledgeBaseSchema.safeParse(mergeKnowledge(v1, overrides)).success).toBe(true);
    expect(knowledgeBaseSchema.safeParse(mergeKnowledge(vendorKnowledgeBase, overrides)).success).toBe(true);
  });

  it('leaves its inputs untouched and shares no objects with them', () => {
    const vendorBefore = structuredClone(v1);
    const overridesBefore = structuredClone(overrides);
    const merged = mergeKnowledge(v1, overrides);
    expect(v1).toEqual(vendorBefore);
    expect(overrides).toEqual(overridesBefore);
    findTemplate(merged, 'a_three')!.hazardFactors.push('篡改');
    findTemplate(merged, 'county_a_extra')!.hazardFactors.push('篡改');
    expect(v1).toEqual(vendorBefore);
    expect(overrides).toEqual(overridesBefore);
  });

  it('keeps a county override after the vendor ships a new version', () => {
    const v2 = miniVendor('2027.3.1', [
      { ...template('a_one', '甲一(新版)'), description: '新版说明' },
      template('a_two', '甲二'),
      template('a_three', '甲三'),
    ]);
    const merged = mergeKnowledge(v2, overrides);
    expect(merged.version).toBe('2027.3.1');
    const one = findTemplate(merged, 'a_one')!;
    expect(one.name).toBe('本县甲一');
    expect(one.description).toBe('新版说明');
    expect(findTemplate(merged, 'a_two')).toBeUndefined();
  });

  it('shows a template the vendor added in a new version under the old overrides', () => {
    const v2 = miniVendor('2027.3.1', [...v1.industries[0]!.templates, template('a_four', '甲四')]);
    const merged = mergeKnowledge(v2, overrides);
    expect(findIndustry(merged, 'ind_a')!.templates.map((t) => t.code)).toEqual([
      'a_one',
      'a_three',
      'a_four',
      'county_a_extra',
    ]);
  });

  it('ignores an override of a template the vendor removed', () => {
    const v2 = miniVendor('2027.3.1', [template('a_two', '甲二'), template('a_three', '甲三')]);
    const merged = mergeKnowledge(v2, overrides);
    expect(findTemplate(merged, 'a_one')).toBeUndefined();
    expect(findIndustry(merged, 'ind_a')!.templates.map((t) => t.code)).toEqual([
      'a_three',
      'county_a_extra',
    ]);
  });

  it('ignores overrides for an industry the vendor removed', () => {
    const v2: KnowledgeBase = { version: '2027.3.1', industries: [v1.industries[1]!] };
    const merged = mergeKnowledge(v2, overrides);
    expect(merged.industries.map((i) => i.code)).toEqual(['ind_b', 'county_ind']);
    expect(findTemplate(merged, 'county_a_extra')).toBeUndefined();
  });

  it('keeps the county template when the vendor later ships one with the same code', () => {
    const v2 = miniVendor('2027.3.1', [
      ...v1.industries[0]!.templates,
      template('county_a_extra', '厂商同名'),
    ]);
    const merged = mergeKnowledge(v2, overrides);
    const codes = merged.industries.flatMap((i) => i.templates.map((t) => t.code));
    expect(codes.filter((c) => c === 'county_a_extra')).toHaveLength(1);
    expect(findTemplate(merged, 'county_a_extra')?.name).toBe('本县新增');
  });

  it('keeps the county industry when the vendor later ships one with the same code', () => {
    const v2: KnowledgeBase = {
      version: '2027.3.1',
      industries: [
        ...v1.industries,
        { code: 'county_ind', name: '厂商同名行业', supervisingDepartmentHint: '应急管理局', templates: [] },
      ],
    };
    const merged = mergeKnowledge(v2, overrides);
    expect(merged.industries.filter((i) => i.code === 'county_ind')).toHaveLength(1);
    expect(findIndustry(merged, 'county_ind')?.name).toBe('本县特色行业');
  });

  it('applies real county overrides to the vendor default', () => {
    const merged = mergeKnowledge(vendorKnowledgeBase, {
      baseVersion: vendorKnowledgeBase.version,
      industries: {
        gas_station: { supervisingDepartmentHint: '应急管理局', hiddenTemplates: ['gs_power_room'] },
        gas: {
          templates: { gas_restaurant_use: { suggestedAssessment: { method: 'LEC', L: 3, E: 6, C: 40 } } },
        },
      },
    });
    expect(findIndustry(merged, 'gas_station')?.supervisingDepartmentHint).toBe('应急管理局');
    expect(findTemplate(merged, 'gs_power_room')).toBeUndefined();
    expect(colourOf(findTemplate(merged, 'gas_restaurant_use')!)).toBe('red');
    expect(listIndustrySummaries(merged).find((s) => s.code === 'gas_station')?.templateCount).toBe(
      findIndustry(vendorKnowledgeBase, 'gas_station')!.templates.length - 1,
    );
  });
});

describe('loadVendorKnowledgeBase', () => {
  it('loads the same vendor knowledge base the module exports, once', async () => {
    const first = await loadVendorKnowledgeBase();
    expect(first).toBe(vendorKnowledgeBase);
    expect(await loadVendorKnowledgeBase()).toBe(first);
    expect(findIndustry(first, 'gas')?.name).toBe('燃气');
  });
});
