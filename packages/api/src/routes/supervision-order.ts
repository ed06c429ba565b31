import {
  authorize,
  ConflictError,
  FIVE_IMPLEMENTATIONS,
  type Hazard,
  supervisionAgeDays,
} from '@gridsafe/core';
import * as z from 'zod/mini';
import { countyData } from '../county-data.ts';
import { html } from '../html.ts';
import { COMMON_ERRORS, IdParamSchema } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { visibleHazard } from './hazards.ts';

const route = createRoute({
  method: 'get',
  path: '/hazards/{id}/supervision-order',
  tags: ['hazards'],
  summary:
    'The printable 督办单 (HTML) of a hazard listed for supervision: its number per county and year, its 五落实, its acceptance and 销号',
  request: { params: IdParamSchema },
  responses: {
    200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } },
    ...COMMON_ERRORS,
  },
});

/** The 督办单 of a listed hazard, printed by the county (a lazy group: printed now and then, never at cold start). */
export function registerSupervisionOrder(app: ReturnType<typeof createRouter>) {
  app.openapi(route, async (c) => {
    authorize(c.get('principal'), 'hazard.read');
    const { hazard } = await visibleHazard(c, c.req.valid('param').id);
    if (!hazard.supervised)
      throw new ConflictError('The hazard is not listed for supervision: it has no 督办单.', 'wrong_state');
    const countyId = hazard.gridPath.split('/')[0] ?? '';
    const county = await countyData(c).grids.get(countyId);
    return c.html(renderSupervisionOrder(hazard, county?.name ?? '', c.get('deps').clock.now()), 200);
  });
}

const LABELS: Record<(typeof FIVE_IMPLEMENTATIONS)[number], string> = {
  responsibility: '责任人/责任单位',
  measures: '整改措施',
  funds: '整改资金（元）',
  deadline: '整改时限',
  plan: '应急预案',
};
const STAGES = { listed: '督办中', accepted: '已验收，待销号', delisted: '已销号' } as const;

/** One A4 page: the 重大事故隐患挂牌督办通知书 with its number, the hazard, the 五落实 (待补充 where missing). */
export function renderSupervisionOrder(hazard: Hazard, countyName: string, now: Date): string {
  const s = hazard.supervision;
  const number = s?.number ? `〔${s.number.slice(0, 4)}〕第 ${s.number.slice(5)} 号` : '（未编号，待补充）';
  const value = (field: (typeof FIVE_IMPLEMENTATIONS)[number]) => {
    const v = s?.[field];
    return v === undefined || v === '' ? html`<span class="missing">待补充</span>` : String(v);
  };
  const day = (iso?: string) => (iso ? iso.slice(0, 10) : '—');
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>重大事故隐患挂牌督办通知书 · ${hazard.title}</title>
<style>
  @page { size: A4; margin: 18mm; }
  body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #111; max-width: 180mm; margin: 0 auto; }
  h1 { text-align: center; font-size: 22pt; color: #b00; margin: 4mm 0; letter-spacing: 2pt; }
  .number { text-align: center; font-size: 12pt; margin: 0 0 6mm; }
  table { width: 100%; border-collapse: collapse; font-size: 12pt; }
  th, td { border: 1px solid #333; padding: 2.5mm 3mm; text-align: left; vertical-align: top; }
  th { width: 34mm; background: #f3f3f3; font-weight: normal; }
  .missing { color: #8a1c1c; font-weight: bold; }
  footer { margin-top: 10mm; font-size: 12pt; text-align: right; line-height: 2; }
</style>
</head>
<body>
<main>
<h1>${countyName}重大事故隐患挂牌督办通知书</h1>
<p class="number">督办单编号：${number}</p>
<table>
  <tr><th scope="row">隐患</th><td>${hazard.title}${hazard.description ? html`<br>${hazard.description}` : ''}</td></tr>
  <tr><th scope="row">单位</th><td>${hazard.unitName}</td></tr>
  <tr><th scope="row">挂牌日期</th><td>${day(s?.listedAt ?? hazard.supervisedAt)}（已挂牌 ${supervisionAgeDays(hazard, now)} 天）</td></tr>
  ${FIVE_IMPLEMENTATIONS.map((field) => html`<tr><th scope="row">${LABELS[field]}</th><td>${value(field)}</td></tr>`)}
  <tr><th scope="row">督办状态</th><td>${STAGES[s?.stage ?? 'listed']}</td></tr>
  <tr><th scope="row">验收</th><td>${s?.acceptedAt ? `${day(s.acceptedAt)} ${s.acceptedBy ?? ''}` : '—'}</td></tr>
  <tr><th scope="row">销号</th><td>${s?.delistedAt ? `${day(s.delistedAt)} ${s.delistedBy ?? ''}` : '—'}</td></tr>
</table>
<footer>${countyName}安全生产委员会办公室<br>${day(now.toISOString())}</footer>
</main>
</body>
</html>`.value;
}
