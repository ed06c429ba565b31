import { NotFoundError } from '@gridsafe/core';
import type { Inspection, InspectionDocumentKind } from '@gridsafe/core/inspection';
import { html, type SafeHtml } from '../html.ts';

const TITLES: Record<InspectionDocumentKind, string> = {
  record: '现场检查记录',
  order: '责令限期整改指令书',
  review: '整改复查意见书',
};
const OUTCOMES: Record<Inspection['outcome'], string> = {
  compliant: '合格，未发现问题',
  order: '责令限期整改',
  case: '立案查处',
  referral: '移送处理',
};
const SEVERITIES = { general: '一般隐患', major: '重大隐患' } as const;

/** 2026-12-06T02:00:00Z → 2026年12月6日 (China Standard Time), as documents write a date. */
function chinaDate(at: string): string {
  const day = new Date(new Date(at).getTime() + 8 * 3600_000);
  return `${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日`;
}

/**
 * One of an inspection's documents as a printable A4 page (the API's HTML policy: inline style, no script, no
 * image but data): 现场检查记录 always, 责令限期整改指令书 of an order, 整改复查意见书 once followed up (404 before).
 * Signatures drawn on the phone are evidence kept in storage; the page says who signed or refused.
 */
export function renderInspectionDocument(inspection: Inspection, kind: InspectionDocumentKind): string {
  if (kind === 'order' && !inspection.order) throw new NotFoundError('document');
  if (kind === 'review' && !inspection.followUp) throw new NotFoundError('document');
  const number =
    kind === 'record'
      ? inspection.number
      : kind === 'order'
        ? inspection.order!.number
        : inspection.followUp!.number;
  const body =
    kind === 'record'
      ? recordBody(inspection)
      : kind === 'order'
        ? orderBody(inspection)
        : reviewBody(inspection);
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${TITLES[kind]} · ${number}</title>
<style>
  @page { size: A4; margin: 20mm 18mm; }
  body { font-family: "FangSong", "STFangsong", "Noto Serif CJK SC", serif; font-size: 12pt; color: #111; margin: 0; }
  h1 { text-align: center; font-size: 20pt; letter-spacing: 4pt; margin: 0 0 2mm; }
  .number { text-align: right; margin: 0 0 6mm; }
  table { width: 100%; border-collapse: collapse; }
  th, td { border: 1px solid #333; padding: 2mm 3mm; text-align: left; vertical-align: top; }
  th { width: 28mm; font-weight: normal; background: #f3f3f3; }
  ol { margin: 0; padding-left: 6mm; }
  .signatures { margin-top: 10mm; display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; }
</style>
</head>
<body>
<h1>${TITLES[kind]}</h1>
<p class="number">${number}</p>
${body}
</body>
</html>`.value;
}

function unitRows(inspection: Inspection): SafeHtml {
  return html`<tr><th>被检查单位</th><td>${inspection.unitName}</td></tr>
<tr><th>行业</th><td>${inspection.industry}</td></tr>`;
}

function officersLine(inspection: Inspection): SafeHtml {
  return html`${inspection.officers.map(
    (officer, index) => html`${index > 0 ? '、' : ''}${officer.name}（执法证号 ${officer.certificateNo}）`,
  )}`;
}

function signatureBlock(inspection: Inspection): SafeHtml {
  return html`<div class="signatures">${inspection.signatures.map((signature) =>
    signature.refusedReason
      ? html`<p>被检查单位负责人：${signature.name}　拒绝签字（${signature.refusedReason}），由执法人员在场见证。</p>`
      : html`<p>${signature.signer === 'unit' ? '被检查单位负责人' : '执法人员'}（签名）：${signature.name}（手写签名已存证）</p>`,
  )}
<p>执法人员：${officersLine(inspection)}</p></div>`;
}

function recordBody(inspection: Inspection): SafeHtml {
  return html`<table>
${unitRows(inspection)}
<tr><th>检查时间</th><td>${chinaDate(inspection.inspectedAt)}</td></tr>
<tr><th>检查地点</th><td>北纬 ${inspection.position.lat.toFixed(6)}，东经 ${inspection.position.lng.toFixed(6)}</td></tr>
<tr><th>执法人员</th><td>${officersLine(inspection)}</td></tr>
<tr><th>检查事项</th><td><ol>${inspection.checkedItems.map((item) => html`<li>${item}</li>`)}</ol></td></tr>
<tr><th>检查情况</th><td>${
    inspection.findings.length === 0
      ? '未发现问题。'
      : html`<ol>${inspection.findings.map((f) => html`<li>${f.text}（${SEVERITIES[f.severity]}）</li>`)}</ol>`
  }</td></tr>
<tr><th>处理结果</th><td>${OUTCOMES[inspection.outcome]}${
    inspection.case
      ? html`：案号 ${inspection.case.caseNo}${inspection.case.penalty ? html`，${inspection.case.penalty}` : ''}${
          inspection.case.fineYuan !== undefined ? html`，罚款 ${inspection.case.fineYuan} 元` : ''
        }`
      : inspection.referral
        ? html`：移送 ${inspection.referral.to}${inspection.referral.reason ? html`（${inspection.referral.reason}）` : ''}`
        : inspection.order
          ? html`（${inspection.order.number}，限 ${chinaDate(inspection.order.deadline)} 前整改完毕）`
          : ''
  }</td></tr>
<tr><th>现场照片</th><td>${inspection.photos.length} 张（已存证）</td></tr>
</table>
${signatureBlock(inspection)}`;
}

function orderBody(inspection: Inspection): SafeHtml {
  return html`<p>${inspection.unitName}：</p>
<p>经${chinaDate(inspection.inspectedAt)}现场检查（${inspection.number}），发现你单位存在下列问题：</p>
<ol>${inspection.findings.map((f) => html`<li>${f.text}（${SEVERITIES[f.severity]}）</li>`)}</ol>
<p>依据《中华人民共和国安全生产法》的规定，现责令你单位于 ${chinaDate(inspection.order!.deadline)} 前整改完毕，达到有关法律法规规章和标准规定的要求。整改期间，应当采取措施确保安全。</p>
<p>如果不服本指令，可以依法申请行政复议或者提起行政诉讼。</p>
${signatureBlock(inspection)}`;
}

function reviewBody(inspection: Inspection): SafeHtml {
  const followUp = inspection.followUp!;
  const findingOf = (hazardId: string) =>
    inspection.findings.find((finding) => finding.hazardId === hazardId)?.text ?? hazardId;
  return html`<p>${inspection.unitName}：</p>
<p>根据《责令限期整改指令书》（${inspection.order?.number ?? ''}），于 ${chinaDate(followUp.at)} 对你单位整改情况进行了复查，复查意见如下：</p>
<table>
${followUp.items.map(
  (item) =>
    html`<tr><th>${item.rectified ? '已整改' : '未整改'}</th><td>${findingOf(item.hazardId)}${item.note ? html`：${item.note}` : ''}</td></tr>`,
)}
</table>
<p>${followUp.opinion}</p>
<p>${followUp.allRectified ? '所列问题已全部整改。' : '尚有问题未整改完毕，将依法处理。'}</p>
<p>执法人员：${officersLine(inspection)}</p>`;
}
