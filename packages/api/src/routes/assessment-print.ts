import type { ScoredRow } from '@gridsafe/core';
import { html } from '../html.ts';
import type { ScoredAssessment } from './assessment-answer.ts';

const KIND_TITLES: [ScoredRow['kind'], string][] = [
  ['township', '乡镇（街道）'],
  ['department', '县直部门'],
  ['member', '网格员'],
];

const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

/**
 * The assessment as the 通报 the county sends out: one table per kind of row, best score first, with the rates,
 * the 约谈/通报 and escalations deducted and the rank. Plain HTML with its own style (API_HTML_POLICY: no script).
 */
export function renderAssessmentCircular(assessment: ScoredAssessment): string {
  const period = assessment.quarter
    ? `${assessment.quarter.slice(0, 4)}年第${assessment.quarter.slice(5)}季度`
    : `${assessment.year}年度`;
  const { weights, deductions } = assessment.scoring;
  const table = (kind: ScoredRow['kind'], title: string) => {
    const rows = assessment.rows
      .filter((row) => row.kind === kind)
      .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, 'zh-CN'));
    if (rows.length === 0) return '';
    return html`<h2>${title}</h2>
<table>
  <thead><tr><th>排名</th><th>名称</th><th>备案覆盖率</th><th>巡查完成率</th><th>按期整改率</th><th>约谈</th><th>通报</th><th>超期升级</th><th>扣分</th><th>得分</th></tr></thead>
  <tbody>${rows.map(
    (row) =>
      html`<tr><td>${row.rank}</td><td>${row.name}</td><td>${percent(row.filingCoverage)}</td><td>${percent(row.patrolCompletion)}</td><td>${percent(row.onTimeRectification)}</td><td>${row.interviews}</td><td>${row.circulars}</td><td>${row.overdueEscalations}</td><td>${row.deduction}</td><td><strong>${row.score}</strong></td></tr>`,
  )}</tbody>
</table>`;
  };
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>安全生产考核情况通报 · ${period}</title>
<style>
  @page { size: A4; margin: 15mm; }
  body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #111; }
  h1 { text-align: center; font-size: 22pt; color: #b00; border-bottom: 2px solid #b00; padding-bottom: 4mm; }
  h2 { font-size: 14pt; margin-top: 8mm; }
  table { width: 100%; border-collapse: collapse; font-size: 10pt; }
  th, td { border: 1px solid #444; padding: 1.5mm 2mm; text-align: center; }
  td:nth-child(2) { text-align: left; }
  p { line-height: 1.7; }
</style>
</head>
<body>
<h1>关于${period}安全生产网格化监管考核情况的通报</h1>
<p>根据县安全生产网格化监管考核办法，现将${period}考核情况通报如下。得分由备案覆盖率（权重${weights.filingCoverage}）、巡查完成率（权重${weights.patrolCompletion}）、按期整改率（权重${weights.onTimeRectification}）折算为百分制，约谈每次扣${deductions.interview}分、通报每次扣${deductions.circular}分、超期升级每次扣${deductions.overdueEscalation}分。</p>
${KIND_TITLES.map(([kind, title]) => table(kind, title))}
<p>统计截至：${assessment.computedAt.slice(0, 10)}</p>
</body>
</html>`.value;
}
