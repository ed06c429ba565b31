import { api, query } from '../api/client.ts';
import type { EmergencyResource } from '../api/types.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { ErrorNotice, Loading } from './common.ts';

/** How far the record pages look for help: a county is about 50 km across, 10 km is a township or two. */
export const NEARBY_RADIUS_KM = 10;

export function loadNearbyResources(
  at: { lat: number; lng: number },
  radiusKm = NEARBY_RADIUS_KM,
  kind?: string,
  limit = 10,
): Promise<{ items: EmergencyResource[] }> {
  return api(`/resources${query({ near: `${at.lat},${at.lng}`, radiusKm, kind, limit })}`);
}

/** What a resource is, in a few words: its kind's own facts (members, what and how much, speciality). */
export function resourceFacts(resource: EmergencyResource): string {
  if (resource.kind === 'supply')
    return `${resource.supplyType ?? ''} ${resource.quantity ?? ''}${resource.unit ?? ''}`.trim();
  if (resource.kind === 'expert') return resource.speciality ?? '';
  return resource.members ? `${resource.members} ${t('resources.members')}` : '';
}

/** Resources as a list: kind, name, what it holds, whom to call and (of a near search) how far. */
export function ResourceList({ items, testId }: { items: EmergencyResource[]; testId: string }) {
  return html`<ul class="plain-list resource-list" data-testid=${testId}>
    ${items.map(
      (resource) => html`<li data-resource=${resource.id} data-kind=${resource.kind}>
        <span class=${`badge resource-${resource.kind}`}>${t(`resources.kind.${resource.kind}`)}</span>
        <strong>${resource.name}</strong>
        ${resource.distanceKm !== undefined ? html` <span class="resource-distance">${t('resources.km', { n: resource.distanceKm.toFixed(1) })}</span>` : null}
        <div class="muted small">
          ${resourceFacts(resource)} · ${resource.address} ·
          ${resource.contact.name} <a href=${`tel:${resource.contact.phone}`}>${resource.contact.phone}</a>
        </div>
      </li>`,
    )}
  </ul>`;
}

/** The emergency resources nearest a place (a risk point, a map popup), nearest first with their distance. */
export function NearbyResources({ at }: { at: { lat: number; lng: number } }) {
  const nearby = useAsync(() => loadNearbyResources(at), [at.lat, at.lng]);
  return html`<div class="panel" data-testid="nearby-resources">
    <h2>${t('resources.nearby')}</h2>
    ${nearby.error ? html`<${ErrorNotice} error=${nearby.error} onRetry=${nearby.reload} />` : null}
    ${nearby.loading && !nearby.data ? html`<${Loading} />` : null}
    ${
      nearby.data
        ? nearby.data.items.length === 0
          ? html`<p class="muted">${t('resources.nearbyEmpty', { km: NEARBY_RADIUS_KM })}</p>`
          : html`<${ResourceList} items=${nearby.data.items} testId="nearby-resource-list" />`
        : null
    }
  </div>`;
}
