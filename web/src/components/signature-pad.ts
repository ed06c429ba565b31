import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';

/**
 * A signature drawn with a finger or a mouse on a canvas. `onChange` hears whether anything is drawn; the form
 * takes the drawing as a PNG (`signaturePng`) and uploads it as evidence like a photo.
 */
export function SignaturePad({
  id,
  label,
  onChange,
}: {
  id: string;
  label: string;
  onChange: (canvas: HTMLCanvasElement | undefined) => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const context = element.getContext('2d');
    if (!context) return;
    context.lineWidth = 2.5;
    context.lineCap = 'round';
    context.strokeStyle = '#111';
    let drawing = false;
    const point = (event: PointerEvent) => {
      const box = element.getBoundingClientRect();
      return {
        x: ((event.clientX - box.left) * element.width) / box.width,
        y: ((event.clientY - box.top) * element.height) / box.height,
      };
    };
    const down = (event: PointerEvent) => {
      drawing = true;
      element.setPointerCapture?.(event.pointerId);
      const { x, y } = point(event);
      context.beginPath();
      context.moveTo(x, y);
    };
    const move = (event: PointerEvent) => {
      if (!drawing) return;
      const { x, y } = point(event);
      context.lineTo(x, y);
      context.stroke();
    };
    const up = () => {
      if (!drawing) return;
      drawing = false;
      onChange(element);
    };
    element.addEventListener('pointerdown', down);
    element.addEventListener('pointermove', move);
    element.addEventListener('pointerup', up);
    element.addEventListener('pointerleave', up);
    return () => {
      element.removeEventListener('pointerdown', down);
      element.removeEventListener('pointermove', move);
      element.removeEventListener('pointerup', up);
      element.removeEventListener('pointerleave', up);
    };
  }, []);
  const clear = () => {
    const element = canvas.current;
    element?.getContext('2d')?.clearRect(0, 0, element.width, element.height);
    onChange(undefined);
  };
  return html`<div class="signature-pad">
    <canvas id=${id} ref=${canvas} width="600" height="200" role="img" aria-label=${label}
      data-testid="signature-canvas"></canvas>
    <div class="muted small">${t('inspections.signHere')}</div>
    <button type="button" class="button button-small" onClick=${clear}>${t('inspections.clearSignature')}</button>
  </div>`;
}

/** The drawing as a PNG file, to announce and upload like a photo. */
export function signaturePng(canvas: HTMLCanvasElement): Promise<File> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) =>
        blob
          ? resolve(new File([blob], 'signature.png', { type: 'image/png' }))
          : reject(new Error('no PNG')),
      'image/png',
    ),
  );
}
