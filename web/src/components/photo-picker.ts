import { useEffect, useState } from 'preact/hooks';
import type { Position } from '../geo.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import type { QueuedPhoto } from '../offline/outbox.ts';

export const PHOTO_TYPES = 'image/jpeg,image/png,image/webp,image/heic';

/** A photo as the outbox keeps it: the bytes plus what the API needs to presign and later verify them. */
export async function describePhoto(file: File, location: Position | undefined): Promise<QueuedPhoto> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return {
    blob: file,
    contentType: file.type || 'image/jpeg',
    size: file.size,
    sha256: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join(''),
    takenAt: new Date(file.lastModified || Date.now()).toISOString(),
    ...(location ? { location } : {}),
  };
}

/** The camera button (`capture`, so a phone opens its camera) and the photos taken so far, each removable. */
export function PhotoPicker({
  id,
  photos,
  onChange,
  testId,
}: {
  id: string;
  photos: File[];
  onChange: (photos: File[]) => void;
  testId?: string;
}) {
  const [previews, setPreviews] = useState<string[]>([]);
  useEffect(() => {
    const urls = photos.map((file) => URL.createObjectURL(file));
    setPreviews(urls);
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, [photos]);
  return html`<div class="photo-picker">
    <label class="button">
      ${t('riskPoint.addPhoto')}
      <input id=${id} type="file" accept=${PHOTO_TYPES} capture="environment" multiple class="visually-hidden"
        data-testid=${testId}
        onChange=${(e: Event) => {
          const input = e.target as HTMLInputElement;
          onChange([...photos, ...Array.from(input.files ?? [])]);
          input.value = '';
        }} />
    </label>
    <div class="photos small-photos">
      ${previews.map(
        (url, i) => html`<figure class="photo"><img src=${url} alt="" />
          <button type="button" class="button button-small" onClick=${() => onChange(photos.filter((_, j) => j !== i))}>${t('action.discard')}</button>
        </figure>`,
      )}
    </div>
  </div>`;
}
