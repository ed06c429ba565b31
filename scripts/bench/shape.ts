/**
 * The synthetic county: Nanjing's size (12,000 grids, 320,000 units, 580,000 risk points in one city, as the
 * issue gives it) times a scale. About 100 townships (街道/镇) under the root, the rest villages and communities
 * spread evenly over them; units spread evenly over the villages and risk points over the units (1.81 a unit).
 * Everything is deterministic: the same scale gives the same county.
 */
export const NANJING = { grids: 12_000, townships: 100, units: 320_000, riskPoints: 580_000 } as const;

export interface CountyShape {
  scale: number;
  townships: number;
  villages: number;
  units: number;
  riskPoints: number;
}

export function countyShape(scale: number): CountyShape {
  const grids = Math.max(4, Math.round(NANJING.grids * scale));
  // At least two townships, so "one township of several" is a real filter even in the smallest run.
  const townships = Math.max(2, Math.round(NANJING.townships * scale));
  const villages = Math.max(townships, grids - 1 - townships);
  const units = Math.max(villages, Math.round(NANJING.units * scale));
  const riskPoints = Math.max(units, Math.round(NANJING.riskPoints * scale));
  return { scale, townships, villages, units, riskPoints };
}

/** Village `index` belongs to township `index mod townships`, so every township gets its share. */
export function townshipOfVillage(shape: CountyShape, village: number): number {
  return village % shape.townships;
}

export function villageOfUnit(shape: CountyShape, unit: number): number {
  return unit % shape.villages;
}

/** Unit `index` gets ⌊(i+1)·R/U⌋ − ⌊i·R/U⌋ risk points: the total is exactly R, each unit 1 or 2 at Nanjing's ratio. */
export function riskPointsOfUnit(shape: CountyShape, unit: number): number {
  const perUnit = shape.riskPoints / shape.units;
  return Math.floor((unit + 1) * perUnit) - Math.floor(unit * perUnit);
}

export type Colour = 'red' | 'orange' | 'yellow' | 'blue' | 'ungraded';
export type Status = 'draft' | 'submitted' | 'township_approved' | 'filed';

/**
 * A plausible mix: most points are low risk and filed; a few are red; about one in ten is a draft and one in
 * twenty waits for review. (Nanjing's real mix is not published per colour; the bench only needs every index
 * and every counter populated and a red page in every township.)
 */
const COLOURS: [Colour, number][] = [
  ['red', 0.03],
  ['orange', 0.1],
  ['yellow', 0.27],
  ['blue', 0.55],
  ['ungraded', 0.05],
];
const STATUSES: [Status, number][] = [
  ['filed', 0.84],
  ['draft', 0.1],
  ['submitted', 0.05],
  ['township_approved', 0.01],
];

export function colourOf(random: () => number): Colour {
  return pick(COLOURS, random());
}

/** A blue, yellow or ungraded filing ends at the township, so it is never "township approved". */
export function statusOf(colour: Colour, random: () => number): Status {
  const status = pick(STATUSES, random());
  return status === 'township_approved' && colour !== 'red' && colour !== 'orange' ? 'filed' : status;
}

function pick<T>(table: [T, number][], r: number): T {
  let sum = 0;
  for (const [value, weight] of table) {
    sum += weight;
    if (r < sum) return value;
  }
  return table[table.length - 1]![0];
}

/** mulberry32: a tiny seeded generator, so a scale always seeds the same colours and statuses. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOWNSHIP_STEMS = [
  '玄武',
  '秦淮',
  '建邺',
  '鼓楼',
  '浦口',
  '栖霞',
  '雨花',
  '江宁',
  '六合',
  '溧水',
  '高淳',
  '汤山',
  '淳化',
  '禄口',
  '横溪',
  '竹镇',
  '永宁',
  '桠溪',
  '东屏',
  '白马',
];
const VILLAGE_STEMS = [
  '东山',
  '西岗',
  '南湖',
  '北圩',
  '新桥',
  '石塘',
  '花园',
  '青龙',
  '白鹭',
  '金陵',
  '长江',
  '梅山',
  '桃园',
  '龙池',
  '双闸',
  '铁心',
];

export function townshipName(index: number): string {
  const stem = TOWNSHIP_STEMS[index % TOWNSHIP_STEMS.length]!;
  const round = Math.floor(index / TOWNSHIP_STEMS.length);
  return `${stem}${round > 0 ? round + 1 : ''}${index % 3 === 0 ? '街道' : '镇'}`;
}

export function villageName(index: number): string {
  const stem = VILLAGE_STEMS[index % VILLAGE_STEMS.length]!;
  return `${stem}${Math.floor(index / VILLAGE_STEMS.length) + 1}${index % 2 === 0 ? '社区' : '村'}`;
}
