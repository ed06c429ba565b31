/** 搜索: the search boxes of the units, risk-point and hazard lists. Merged into zh-CN.ts. */
export const searchZhCN = {
  'search.label': '搜索',
  'search.submit': '搜索',
  'search.units': '单位名称、地址或统一社会信用代码开头',
  'search.riskPoints': '风险点名称',
  'search.hazards': '隐患标题',
  'search.none': '没有找到与“{q}”相符的记录。',
};
