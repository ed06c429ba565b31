import { api } from '../api/client.ts';
import type { Photo } from '../api/types.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';

/** One verified photo of a record (`base` is the record's API path): a short-lived link, when and where, its hash. */
export function PhotoTile({ base, photo, alt }: { base: string; photo: Photo; alt: string }) {
  const link = useAsync(
    () => api<{ url: string }>(`${base}/photos/${photo.id}`).then((answer) => answer.url),
    [base, photo.id],
  );
  return html`<figure class="photo">
    ${link.data ? html`<a href=${link.data} target="_blank" rel="noopener noreferrer"><img src=${link.data} alt=${alt} loading="lazy" /></a>` : html`<div class="photo-placeholder"></div>`}
    <figcaption class="muted small">
      ${formatDateTime(photo.takenAt ?? photo.verifiedAt ?? photo.requestedAt)}
      ${photo.location ? html`<br />${photo.location.lat}, ${photo.location.lng}` : null}
      <br /><code title=${photo.sha256}>SHA-256 ${photo.sha256.slice(0, 12)}…</code>
    </figcaption>
  </figure>`;
}

/** The verified photos of a record as a panel. */
export function PhotoPanel({ base, photos, alt }: { base: string; photos: Photo[]; alt: string }) {
  const verified = photos.filter((p) => p.status === 'verified');
  return html`<div class="panel" data-testid="photos">
    <h2>${t('riskPoint.photos')}</h2>
    ${verified.length === 0 ? html`<p class="muted">${t('riskPoint.noPhotos')}</p>` : null}
    <div class="photos">${verified.map((photo) => html`<${PhotoTile} key=${photo.id} base=${base} photo=${photo} alt=${alt} />`)}</div>
  </div>`;
}
