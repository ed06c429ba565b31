import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { GridNode } from '../api/types.ts';
import { useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { ErrorNotice, Field, OtherErrors } from './common.ts';

/** The person answering for a node, as two inputs; both empty means "nobody named". */
export interface ResponsibleInput {
  name: string;
  phone: string;
}

export const responsibleOf = (node?: GridNode): ResponsibleInput => ({
  name: node?.responsible?.name ?? '',
  phone: node?.responsible?.phone ?? '',
});

/** The body field for a responsible person: sent only when both are filled in (the API wants both). */
export function responsibleBody(input: ResponsibleInput) {
  const name = input.name.trim();
  const phone = input.phone.trim();
  return name || phone ? { responsible: { name, phone } } : {};
}

export function ResponsibleFields({
  value,
  errors,
  onChange,
}: {
  value: ResponsibleInput;
  errors: Parameters<typeof Field>[0]['errors'];
  onChange: (next: ResponsibleInput) => void;
}) {
  return html`<${Field} label=${t('gridAdmin.responsibleName')} name="responsible.name" errors=${errors}>
      <input id="f-responsible.name" value=${value.name}
        onInput=${(e: Event) => onChange({ ...value, name: (e.target as HTMLInputElement).value })} />
    </${Field}>
    <${Field} label=${t('gridAdmin.responsiblePhone')} name="responsible.phone" errors=${errors}>
      <input id="f-responsible.phone" type="tel" value=${value.phone}
        onInput=${(e: Event) => onChange({ ...value, phone: (e.target as HTMLInputElement).value })} />
    </${Field}>`;
}

/** A township under the county, or a village under a township, with its code and responsible person. */
export function GridCreateForm({
  parent,
  onCancel,
  onCreated,
}: {
  parent: GridNode;
  onCancel: () => void;
  onCreated: (node: GridNode) => void;
}) {
  const level = parent.level === 'county' ? 'township' : 'village';
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [responsible, setResponsible] = useState<ResponsibleInput>({ name: '', phone: '' });
  const { errors, error, busy, submit } = useSubmission();
  const create = (event: Event) => {
    event.preventDefault();
    return submit(async () => {
      const node = await api<GridNode>('/grids', {
        method: 'POST',
        body: {
          name: name.trim(),
          level,
          parentId: parent.id,
          ...(code.trim() ? { code: code.trim() } : {}),
          ...responsibleBody(responsible),
        },
      });
      onCreated(node);
    });
  };
  return html`<form class="inline-form" onSubmit=${create} novalidate data-testid="grid-create">
    <h3>${t(level === 'township' ? 'gridAdmin.newTownship' : 'gridAdmin.newVillage')}</h3>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${['name', 'code', 'responsible']} />
    <${Field} label=${t('grids.name')} name="name" errors=${errors}>
      <input id="f-name" name="name" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
    </${Field}>
    <${Field} label=${t('gridAdmin.code')} name="code" errors=${errors} hint=${t('gridAdmin.codeHint')}>
      <input id="f-code" name="code" inputmode="numeric" value=${code} onInput=${(e: Event) => setCode((e.target as HTMLInputElement).value)} />
    </${Field}>
    <${ResponsibleFields} value=${responsible} errors=${errors} onChange=${setResponsible} />
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.create')}</button>
      <button type="button" class="button" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}

/** Uploads a GeoJSON boundary for a node; the API checks the geometry and the size. */
export function BoundaryUpload({ node, onSaved }: { node: GridNode; onSaved: () => void }) {
  const [file, setFile] = useState<File | undefined>();
  const [done, setDone] = useState(false);
  const { errors, error, setError, busy, submit } = useSubmission();
  const upload = (event: Event) => {
    event.preventDefault();
    if (!file) return;
    return submit(async () => {
      let geometry: unknown;
      try {
        geometry = JSON.parse(await file.text());
      } catch {
        setError(new Error(t('gridAdmin.boundaryNotJson')));
        return;
      }
      await api(`/grids/${node.id}/boundary`, { method: 'PUT', body: geometry });
      setDone(true);
      onSaved();
    });
  };
  const id = `boundary-${node.id}`;
  return html`<form class="inline-form" onSubmit=${upload} data-testid="boundary-upload">
    <div class="field">
      <label for=${id}>${t('gridAdmin.boundary')}</label>
      <input id=${id} type="file" accept=".geojson,.json,application/geo+json,application/json"
        onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0])} />
      <div class="muted small">${t('gridAdmin.boundaryHint')}</div>
    </div>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${[]} />
    ${done ? html`<p class="notice" role="status">${t('gridAdmin.boundarySaved')}</p>` : null}
    <div class="form-actions">
      <button type="submit" class="button" disabled=${!file || busy}>${t('gridAdmin.uploadBoundary')}</button>
    </div>
  </form>`;
}
