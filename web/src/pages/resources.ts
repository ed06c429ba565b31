import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { EmergencyResource, GridNode } from '../api/types.ts';
import { ErrorNotice, Field, Loading, OtherErrors, Pager, PageTitle } from '../components/common.ts';
import { GridSelect, loadGridFilterOptions } from '../components/grid-select.ts';
import { loadNearbyResources, ResourceList } from '../components/nearby-resources.ts';
import { currentPosition } from '../geo.ts';
import { useAsync, usePagedList, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { can } from '../permissions.ts';

const KINDS = ['team', 'supply', 'expert'] as const;
type Kind = (typeof KINDS)[number];

const EMPTY = {
  kind: 'team' as Kind,
  name: '',
  address: '',
  lat: '',
  lng: '',
  gridId: '',
  contactName: '',
  contactPhone: '',
  members: '',
  supplyType: '',
  quantity: '',
  unit: '',
  speciality: '',
};

/** The body the API takes from the form: numbers as numbers, a kind's own fields only for that kind. */
function bodyOf(form: typeof EMPTY) {
  const number = (value: string) => (value.trim() === '' ? undefined : Number(value));
  return {
    kind: form.kind,
    name: form.name,
    address: form.address,
    location: { lat: number(form.lat), lng: number(form.lng) },
    gridId: form.gridId,
    contact: { name: form.contactName, phone: form.contactPhone },
    ...(form.kind === 'team' && form.members ? { members: number(form.members) } : {}),
    ...(form.kind === 'supply'
      ? {
          supplyType: form.supplyType,
          quantity: number(form.quantity),
          ...(form.unit ? { unit: form.unit } : {}),
        }
      : {}),
    ...(form.kind === 'expert' ? { speciality: form.speciality } : {}),
  };
}

function CreateResourceForm({
  grids,
  onCreated,
}: {
  grids: GridNode[];
  onCreated: (r: EmergencyResource) => void;
}) {
  const [form, setForm] = useState(EMPTY);
  const submission = useSubmission();
  const set = (name: keyof typeof EMPTY) => (e: Event) =>
    setForm({ ...form, [name]: (e.target as HTMLInputElement).value });
  const input = (name: keyof typeof EMPTY, path: string, label: string, type = 'text') =>
    html`<${Field} label=${label} name=${path} errors=${submission.errors}>
      <input id=${`f-${path}`} name=${name} type=${type} step=${type === 'number' ? 'any' : undefined}
        value=${form[name]} onInput=${set(name)} />
    </${Field}>`;
  const fields = [
    'kind',
    'name',
    'address',
    'location',
    'gridId',
    'contact',
    'members',
    'supplyType',
    'quantity',
    'unit',
    'speciality',
  ];
  return html`<form class="panel resource-form" data-testid="resource-form" onSubmit=${(e: Event) => {
    e.preventDefault();
    void submission.submit(async () => {
      const created = await api<EmergencyResource>('/resources', { method: 'POST', body: bodyOf(form) });
      setForm({ ...EMPTY, kind: form.kind, gridId: form.gridId });
      onCreated(created);
    });
  }}>
    <h2>${t('resources.create')}</h2>
    <${OtherErrors} errors=${submission.errors} fields=${fields} />
    ${submission.error ? html`<${ErrorNotice} error=${submission.error} />` : null}
    <${Field} label=${t('resources.kind')} name="kind" errors=${submission.errors}>
      <select id="f-kind" name="kind" value=${form.kind} onChange=${set('kind')}>
        ${KINDS.map((kind) => html`<option value=${kind}>${t(`resources.kind.${kind}`)}</option>`)}
      </select>
    </${Field}>
    ${input('name', 'name', t('resources.name'))}
    ${input('address', 'address', t('resources.address'))}
    <div class="inline-inputs">
      ${input('lat', 'location.lat', t('resources.lat'), 'number')}
      ${input('lng', 'location.lng', t('resources.lng'), 'number')}
    </div>
    <button type="button" class="button button-small" onClick=${async () => {
      const fix = await currentPosition();
      if (fix) setForm({ ...form, lat: String(fix.lat), lng: String(fix.lng) });
    }}>${t('resources.useGps')}</button>
    <${Field} label=${t('resources.grid')} name="gridId" errors=${submission.errors}>
      <${GridSelect} id="f-gridId" name="gridId" grids=${grids} value=${form.gridId} emptyLabel=""
        onChange=${(gridId: string) => setForm({ ...form, gridId })} />
    </${Field}>
    ${input('contactName', 'contact.name', t('resources.contactName'))}
    ${input('contactPhone', 'contact.phone', t('resources.contactPhone'), 'tel')}
    ${form.kind === 'team' ? input('members', 'members', t('resources.members'), 'number') : null}
    ${form.kind === 'supply' ? html`${input('supplyType', 'supplyType', t('resources.supplyType'))}${input('quantity', 'quantity', t('resources.quantity'), 'number')}${input('unit', 'unit', t('resources.unit'))}` : null}
    ${form.kind === 'expert' ? input('speciality', 'speciality', t('resources.speciality')) : null}
    <button type="submit" class="button button-primary" disabled=${submission.busy}>${t('resources.create')}</button>
  </form>`;
}

/**
 * The county's emergency teams, stockpiles and experts in the person's area: a paged list by kind, a search near
 * the person (GPS) or near typed coordinates, nearest first with the distance, and the form to register one.
 */
export function ResourcesPage() {
  const [kind, setKind] = useState('');
  const [near, setNear] = useState<{ lat: string; lng: string; radiusKm: string }>({
    lat: '',
    lng: '',
    radiusKm: '10',
  });
  const [nearResult, setNearResult] = useState<{ items: EmergencyResource[] }>();
  const [created, setCreated] = useState<EmergencyResource>();
  const nearSearch = useSubmission();
  const list = usePagedList<EmergencyResource>('/resources', { kind: kind || undefined });
  const grids = useAsync(loadGridFilterOptions, []);
  const search = (at: { lat: number; lng: number }) =>
    nearSearch.submit(async () =>
      setNearResult(await loadNearbyResources(at, Number(near.radiusKm) || 10, kind || undefined, 50)),
    );
  return html`<section data-testid="resources-page">
    <${PageTitle} title=${t('resources.title')} />
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <div class="field">
        <label for="f-filter-kind">${t('resources.kind')}</label>
        <select id="f-filter-kind" name="kind" value=${kind} onChange=${(e: Event) => setKind((e.target as HTMLSelectElement).value)}>
          <option value="">${t('resources.allKinds')}</option>
          ${KINDS.map((k) => html`<option value=${k}>${t(`resources.kind.${k}`)}</option>`)}
        </select>
      </div>
    </form>
    <form class="panel near-search" data-testid="near-search" onSubmit=${(e: Event) => {
      e.preventDefault();
      void search({ lat: Number(near.lat), lng: Number(near.lng) });
    }}>
      <h2>${t('resources.nearTitle')}</h2>
      <${OtherErrors} errors=${nearSearch.errors} fields=${[]} />
      ${nearSearch.error ? html`<${ErrorNotice} error=${nearSearch.error} />` : null}
      <div class="inline-inputs">
        <div class="field"><label for="f-near-lat">${t('resources.lat')}</label>
          <input id="f-near-lat" name="lat" type="number" step="any" value=${near.lat}
            onInput=${(e: Event) => setNear({ ...near, lat: (e.target as HTMLInputElement).value })} /></div>
        <div class="field"><label for="f-near-lng">${t('resources.lng')}</label>
          <input id="f-near-lng" name="lng" type="number" step="any" value=${near.lng}
            onInput=${(e: Event) => setNear({ ...near, lng: (e.target as HTMLInputElement).value })} /></div>
        <div class="field"><label for="f-near-radius">${t('resources.radius')}</label>
          <input id="f-near-radius" name="radiusKm" type="number" step="any" min="0.1" max="100" value=${near.radiusKm}
            onInput=${(e: Event) => setNear({ ...near, radiusKm: (e.target as HTMLInputElement).value })} /></div>
      </div>
      <div class="inline-inputs">
        <button type="submit" class="button button-primary" disabled=${nearSearch.busy}>${t('resources.nearPoint')}</button>
        <button type="button" class="button" disabled=${nearSearch.busy} onClick=${async () => {
          const fix = await currentPosition();
          if (!fix) {
            nearSearch.setError(new Error(t('resources.noFix')));
            return;
          }
          setNear({ ...near, lat: String(fix.lat), lng: String(fix.lng) });
          await search(fix);
        }}>${t('resources.nearMe')}</button>
        ${nearResult ? html`<button type="button" class="button" onClick=${() => setNearResult(undefined)}>${t('resources.clearNear')}</button>` : null}
      </div>
    </form>
    ${
      nearResult
        ? html`<div class="panel">
          <p role="status">${t('resources.nearResults', { n: nearResult.items.length })}</p>
          <${ResourceList} items=${nearResult.items} testId="near-results" />
        </div>`
        : html`${list.error ? html`<${ErrorNotice} error=${list.error} onRetry=${list.reload} />` : null}
          ${list.loading && !list.data ? html`<${Loading} />` : null}
          ${
            list.data
              ? html`<div class="panel">
            ${list.data.items.length === 0 ? html`<p class="muted">${t('resources.empty')}</p>` : html`<${ResourceList} items=${list.data.items} testId="resource-list" />`}
            <${Pager} ...${list.pager} />
          </div>`
              : null
          }`
    }
    ${created ? html`<p class="notice notice-ok" role="status">${t('resources.created', { name: created.name })}</p>` : null}
    ${
      can('resource.manage')
        ? html`<${CreateResourceForm} grids=${grids.data ?? []} onCreated=${(resource: EmergencyResource) => {
            setCreated(resource);
            list.reload();
          }} />`
        : null
    }
  </section>`;
}
