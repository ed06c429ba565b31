/**
 * The demo counties. Taihe (太和县, Anhui) is the model county of the domain brief; Linquan (临泉县), its
 * neighbour, is smaller and exists so that isolation between counties can be tried with the same usernames.
 * Township names are Taihe's real ones; villages, units and people are invented.
 */
export interface DemoCounty {
  tenant: string;
  name: string;
  divisionCode: string;
  /** Centre for plausible unit positions (WGS-84). */
  centre: { lat: number; lng: number };
  townships: { name: string; code: string; villages: string[] }[];
  unitsPerVillage: number;
}

export const DEMO_PASSWORD = 'Gridsafe-demo-2026';

export const TAIHE: DemoCounty = {
  tenant: 'taihe',
  name: '太和县 · 演示',
  divisionCode: '341222',
  centre: { lat: 33.16, lng: 115.62 },
  townships: [
    { name: '城关镇', code: '341222100', villages: ['东关社区', '西关社区', '南关村', '北关村'] },
    { name: '旧县镇', code: '341222101', villages: ['旧县村', '大王庄村', '刘楼村'] },
    { name: '税镇镇', code: '341222102', villages: ['税镇村', '何寨村', '张竹园村'] },
    { name: '太和经济开发区', code: '341222400', villages: ['工业园社区', '沙河社区', '新华社区'] },
  ],
  unitsPerVillage: 3,
};

export const LINQUAN: DemoCounty = {
  tenant: 'linquan',
  name: '临泉县 · 演示',
  divisionCode: '341221',
  centre: { lat: 33.06, lng: 115.26 },
  townships: [
    { name: '城关街道', code: '341221001', villages: ['解放路社区', '人民路社区'] },
    { name: '杨桥镇', code: '341221102', villages: ['杨桥村', '前进村'] },
  ],
  unitsPerVillage: 2,
};

export const DEMO_DEPARTMENTS = [
  {
    key: 'emergency',
    name: '县应急管理局',
    industries: [
      'hazardous_chemicals',
      'non_coal_mine',
      'fireworks',
      'metal_smelting',
      'combustible_dust',
      'ammonia_refrigeration',
      'confined_space',
      'industry_trade_general',
    ],
  },
  { key: 'commerce', name: '县商务局', industries: ['gas_station'] },
  { key: 'housing', name: '县住房和城乡建设局', industries: ['gas'] },
  { key: 'market', name: '县市场监督管理局', industries: ['special_equipment'] },
  { key: 'transport', name: '县交通运输局', industries: ['road_transport'] },
] as const;

/** Unit templates the seeder cycles through: a name pattern and an industry. */
export const DEMO_UNIT_KINDS = [
  { suffix: '化工有限公司', industry: 'hazardous_chemicals' },
  { suffix: '加油站', industry: 'gas_station' },
  { suffix: '液化气供应站', industry: 'gas' },
  { suffix: '冷藏食品有限公司', industry: 'ammonia_refrigeration' },
  { suffix: '木业加工厂', industry: 'combustible_dust' },
  { suffix: '烟花爆竹经营部', industry: 'fireworks' },
  { suffix: '机械制造有限公司', industry: 'industry_trade_general' },
  { suffix: '铸造有限公司', industry: 'metal_smelting' },
  { suffix: '污水处理厂', industry: 'confined_space' },
  { suffix: '石料厂', industry: 'non_coal_mine' },
] as const;

export const DEMO_UNIT_PREFIXES = [
  '恒达',
  '顺发',
  '金源',
  '华兴',
  '宏图',
  '丰泰',
  '永盛',
  '鑫隆',
  '瑞祥',
  '安达',
  '广源',
  '新时代',
  '利民',
  '东方',
  '兴旺',
  '万通',
];
