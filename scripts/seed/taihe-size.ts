/**
 * Taihe at the size its bureau reported (domain.md; seed 002): 23 industry-department grids, 32 township-level
 * grids (the development zone included), 314 village grids, 8,500 enterprise grids, and 2,684 risk points
 * reported (上报备案): filed red 12, orange 120, yellow 489, blue 1,386; 377 filed and not graded; 300 still in
 * review. The small demo county (demo-data.ts) is part of it: the sized seed only adds what takes the county
 * from the demo's counts to these.
 */
export const TAIHE_SIZE = {
  departments: 23,
  townships: 32,
  villages: 314,
  units: 8_500,
  filed: { red: 12, orange: 120, yellow: 489, blue: 1_386, ungraded: 377 },
  /** Submitted or approved by the township and waiting for the county. */
  inReview: 300,
  /** Hazards found in the quarter: about one in twelve units, most closed, a few open or overdue. */
  hazards: 700,
  /** Completed patrol tasks in the quarter (a unit with filed points is patrolled about monthly). */
  completedPatrols: 1_200,
} as const;

/**
 * The lifecycle of the sized seed's unit `serial` (the demo's own units stay active and licensed): one in a
 * thousand suspended (停产整顿), one closed (关闭取缔), one registered without a licence (无证照), so the lists,
 * the status control and the counters have some of each. Only active units are counted and patrolled.
 */
export function sizedUnitLifecycle(serial: number): {
  status: 'active' | 'suspended' | 'closed';
  unlicensed: boolean;
} {
  const status = serial % 1000 === 500 ? 'suspended' : serial % 1000 === 750 ? 'closed' : 'active';
  return { status, unlicensed: serial % 1000 === 250 };
}

/** How many of the sized seed's units from `firstSerial` to TAIHE_SIZE.units are not active (not counted). */
export function sizedInactiveUnits(firstSerial: number): number {
  let inactive = 0;
  for (let serial = firstSerial; serial <= TAIHE_SIZE.units; serial++)
    if (sizedUnitLifecycle(serial).status !== 'active') inactive += 1;
  return inactive;
}

/**
 * Taihe's towns and townships (after the demo's four, which are already seeded), and the two 街道 the
 * development zone's growth added, to make the 32 regional grids. Codes follow the county's division code.
 */
export const TAIHE_MORE_TOWNSHIPS = [
  '皮条孙镇',
  '原墙镇',
  '倪邱镇',
  '李兴镇',
  '大新镇',
  '肖口镇',
  '关集镇',
  '三塔镇',
  '双庙镇',
  '蔡庙镇',
  '三堂镇',
  '苗集镇',
  '马集镇',
  '宫集镇',
  '坟台镇',
  '洪山镇',
  '清浅镇',
  '五星镇',
  '高庙镇',
  '桑营镇',
  '双浮镇',
  '赵庙镇',
  '阮桥镇',
  '二郎镇',
  '胡总镇',
  '赵集乡',
  '细阳街道',
  '沙河街道',
] as const;

/** Invented village names: a stem and a suffix, unique within a township. */
export const VILLAGE_STEMS = [
  '王庄',
  '李楼',
  '张寨',
  '刘集',
  '陈庄',
  '杨湖',
  '赵庙',
  '孙营',
  '周楼',
  '吴寨',
  '郑店',
  '胡庄',
  '高台',
  '林桥',
  '马园',
  '朱湖',
] as const;

/** The departments beyond the demo's five, to make Taihe's 23 industry-department grids (行业部门网格). */
export const TAIHE_MORE_DEPARTMENTS = [
  { key: 'education', name: '县教育局', industries: [] },
  { key: 'public-security', name: '县公安局', industries: [] },
  { key: 'civil-affairs', name: '县民政局', industries: [] },
  { key: 'natural-resources', name: '县自然资源和规划局', industries: [] },
  { key: 'ecology', name: '县生态环境分局', industries: [] },
  { key: 'water', name: '县水利局', industries: [] },
  { key: 'agriculture', name: '县农业农村局', industries: [] },
  { key: 'culture-tourism', name: '县文化旅游体育局', industries: [] },
  { key: 'health', name: '县卫生健康委员会', industries: [] },
  { key: 'forestry', name: '县林业局', industries: [] },
  { key: 'fire-rescue', name: '县消防救援大队', industries: [] },
  { key: 'economy-it', name: '县经济和信息化局', industries: [] },
  { key: 'development-reform', name: '县发展和改革委员会', industries: [] },
  { key: 'urban-management', name: '县城市管理局', industries: [] },
  { key: 'power', name: '县供电公司', industries: [] },
  { key: 'tobacco', name: '县烟草专卖局', industries: [] },
  { key: 'postal', name: '县邮政管理局', industries: [] },
  { key: 'weather', name: '县气象局', industries: [] },
] as const;
