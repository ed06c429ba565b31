// qrcode's core encoder and SVG renderer only: its main entry also loads a PNG encoder and a canvas
// renderer (about 40 KB of bundle) that a notice board never uses.
import { create } from 'qrcode/lib/core/qrcode.js';
import { render } from 'qrcode/lib/renderer/svg-tag.js';

export function qrSvg(text: string): string {
  return render(create(text, { errorCorrectionLevel: 'M' }), { margin: 1 });
}
