import type { RiskPoint } from '@gridsafe/core';
import { html, SafeHtml } from '../html.ts';

const COLOR_NAMES: Record<string, { zh: string; hex: string; level: string }> = {
  red: { zh: '红色', hex: '#d9363e', level: '重大风险' },
  orange: { zh: '橙色', hex: '#f08c00', level: '较大风险' },
  yellow: { zh: '黄色', hex: '#f2c200', level: '一般风险' },
  blue: { zh: '蓝色', hex: '#1c7ed6', level: '低风险' },
  ungraded: { zh: '未评级', hex: '#868e96', level: '尚未评级' },
};

/**
 * The address a risk point's QR code opens: the county's configured web origin, never the Host a request came
 * with (a forged Host would otherwise print someone else's site on a board bolted to a wall for years).
 */
export function recordLink(publicOrigin: string, tenant: string, riskPointId: string): string {
  return `${new URL(publicOrigin).origin}/${tenant}/r/${riskPointId}`;
}

/** One board to print: the point, the address its QR code opens, its unit's name. */
export interface BoardToPrint {
  point: RiskPoint;
  recordUrl: string;
  unitName: string;
}

/**
 * The notice board (风险管控告知牌) posted at the point: an A4 page to print, with the colour, hazards,
 * measures, responsible person, emergency phone, and a QR code that opens the point's public board.
 */
export async function renderNoticeBoard(
  point: RiskPoint,
  recordUrl: string,
  unitName: string,
): Promise<string> {
  return renderNoticeBoards([{ point, recordUrl, unitName }], `风险管控告知牌 · ${point.name}`);
}

/**
 * Several boards as one document, one A4 page each (all the boards of a unit or a village, printed at once).
 * Each board carries its colour as a custom property, so one stylesheet draws them all.
 */
export async function renderNoticeBoards(boards: readonly BoardToPrint[], title: string): Promise<string> {
  // The QR encoder is loaded with the first notice board, not at every cold start (the bundler splits it).
  const { qrSvg } = await import('../qr-svg.ts');
  const list = (items: string[]) =>
    items.length > 0 ? html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>` : html`<p>—</p>`;
  const board = ({ point, recordUrl, unitName }: BoardToPrint) => {
    const color = COLOR_NAMES[point.color] ?? COLOR_NAMES.ungraded!;
    return html`<div class="board" style="--board: ${color.hex}">
  <header>
    <h1>风险管控告知牌</h1>
    <p>${point.name} · ${color.zh}（${color.level}）</p>
  </header>
  <main>
    <section>
      <p>单位：${unitName}${point.address ? html`　位置：${point.address}` : ''}</p>
      <h2>主要危险有害因素</h2>${list(point.hazardFactors)}
      <h2>可能导致的事故类型</h2>${list(point.accidentTypes)}
      <h2>管控措施</h2>${list(point.controlMeasures)}
      <h2>应急处置措施</h2>${list(point.emergencyMeasures)}
    </section>
    <aside class="qr">${new SafeHtml(qrSvg(recordUrl))}<p>扫码查看告知牌</p><p class="link">${recordUrl}</p></aside>
  </main>
  <footer>
    责任人：${point.responsiblePerson?.name ?? '—'}　电话：${point.responsiblePerson?.phone ?? '—'}　应急电话：${point.emergencyPhone ?? '119 / 120'}
  </footer>
</div>`;
  };
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
  @page { size: A4; margin: 12mm; }
  body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #111; }
  .board { border: 3px solid var(--board); min-height: 270mm; box-sizing: border-box; break-after: page; }
  .board:last-child { break-after: auto; }
  header { background: var(--board); color: #fff; padding: 8mm; }
  header h1 { margin: 0; font-size: 26pt; letter-spacing: 2pt; }
  header p { margin: 2mm 0 0; font-size: 14pt; }
  main { padding: 6mm 8mm; display: grid; grid-template-columns: 1fr 45mm; gap: 6mm; }
  h2 { font-size: 13pt; border-left: 4pt solid var(--board); padding-left: 3mm; margin: 4mm 0 2mm; }
  ul { margin: 0; padding-left: 6mm; } li { margin: 1mm 0; font-size: 11pt; }
  .qr svg { width: 45mm; height: 45mm; } .qr p { font-size: 9pt; text-align: center; margin: 1mm 0; }
  .qr .link { font-size: 7pt; overflow-wrap: anywhere; }
  footer { padding: 4mm 8mm; font-size: 12pt; border-top: 1px solid #ccc; }
</style>
</head>
<body>
${boards.map(board)}
</body>
</html>`.value;
}
