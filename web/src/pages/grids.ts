import { useState } from 'preact/hooks';
import { ApiError, api, listAll } from '../api/client.ts';
import type { GridNode } from '../api/types.ts';
import { ErrorNotice, errorsFor, Loading, PageTitle } from '../components/common.ts';
import {
  BoundaryUpload,
  GridCreateForm,
  ResponsibleFields,
  type ResponsibleInput,
  responsibleBody,
  responsibleOf,
} from '../components/grid-admin.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { label, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { forgetGrid, loadChildren } from '../ref-data.ts';
import { session } from '../session.ts';

/** The regional grid, county → township → village, children fetched when a node is opened. */
export function GridTreePage() {
  const roots = useAsync(() => listAll<GridNode>('/grids'), []);
  const isAdmin = can('grid.manage');
  // Moving a village needs the list of townships; only who manages the grid may move, so only they load them.
  const townships = useAsync(
    () => (isAdmin ? listAll<GridNode>('/grids', { level: 'township' }) : Promise.resolve([])),
    [isAdmin],
  );
  return html`<section>
    <${PageTitle} title=${t('grids.title')}>
      ${isAdmin ? html`<a class="button" href=${`/${session.value?.tenant ?? ''}/grids/import`}>${t('gridAdmin.import')}</a>` : null}
    </${PageTitle}>
    ${roots.error ? html`<${ErrorNotice} error=${roots.error} onRetry=${roots.reload} />` : null}
    ${roots.loading && !roots.data ? html`<${Loading} />` : null}
    <ul class="tree" role="tree" data-testid="grid-tree">
      ${(roots.data ?? []).map(
        (node) => html`<${GridTreeNode} key=${node.id} node=${node} open=${true} canManage=${isAdmin}
          townships=${townships.data ?? []} />`,
      )}
    </ul>
  </section>`;
}

function GridTreeNode({
  node: initial,
  open,
  canManage,
  townships,
  onMoved,
}: {
  node: GridNode;
  open?: boolean;
  canManage: boolean;
  townships: GridNode[];
  onMoved?: () => void;
}) {
  const [node, setNode] = useState(initial);
  const [expanded, setExpanded] = useState(Boolean(open));
  const [round, setRound] = useState(0);
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const hasChildren = node.level !== 'village';
  const addKey = node.level === 'county' ? 'gridAdmin.addTownship' : 'gridAdmin.addVillage';
  const children = useAsync(
    () => (expanded && hasChildren ? loadChildren(node.id) : Promise.resolve(undefined)),
    [expanded, node.id, round],
  );
  const tenant = session.value?.tenant ?? '';
  return html`<li role="treeitem" aria-expanded=${hasChildren ? expanded : undefined} data-level=${node.level}>
    <div class="tree-row">
      ${
        hasChildren
          ? html`<button type="button" class="tree-toggle" aria-label=${expanded ? t('grids.collapse') : t('grids.expand')}
              onClick=${() => setExpanded(!expanded)}>${expanded ? '▾' : '▸'}</button>`
          : html`<span class="tree-toggle"></span>`
      }
      <a href=${`/${tenant}/grids/${node.id}`} class="tree-name">${node.name}</a>
      <span class=${`badge level-${node.level}`}>${label('level', node.level)}</span>
      ${node.code ? html`<span class="muted small">${node.code}</span>` : null}
      ${
        node.responsible
          ? html`<span class="small" data-testid="responsible">${t('gridAdmin.responsibleShort', { name: node.responsible.name, phone: node.responsible.phone })}</span>`
          : null
      }
      <span class="spacer"></span>
      <a class="small" href=${`/${tenant}/units?grid=${node.id}`}>${t('grids.units')}</a>
      ${
        canManage && node.level !== 'county' && !editing
          ? html`<button type="button" class="button button-small" onClick=${() => setEditing(true)}>${t('action.edit')}</button>`
          : null
      }
      ${
        canManage && hasChildren && !adding
          ? html`<button type="button" class="button button-small" onClick=${() => setAdding(true)}
              aria-label=${t('gridAdmin.addChildOf', { action: t(addKey), name: node.name })}>${t(addKey)}</button>`
          : null
      }
    </div>
    ${
      adding
        ? html`<${GridCreateForm} parent=${node} onCancel=${() => setAdding(false)}
            onCreated=${() => {
              forgetGrid(node.id);
              setAdding(false);
              setExpanded(true);
              setRound((n) => n + 1);
            }} />`
        : null
    }
    ${
      editing
        ? html`<${GridEditForm} node=${node} townships=${townships}
            onCancel=${() => setEditing(false)}
            onSaved=${(saved: GridNode, moved: boolean) => {
              forgetGrid(saved.id);
              setNode(saved);
              setEditing(false);
              if (moved) onMoved?.();
            }} />
            <${BoundaryUpload} node=${node}
              onSaved=${async () => setNode(await api<GridNode>(`/grids/${node.id}`))} />`
        : null
    }
    ${children.error ? html`<${ErrorNotice} error=${children.error} />` : null}
    ${
      expanded && children.data
        ? html`<ul role="group">
            ${children.data.map(
              (
                child,
              ) => html`<${GridTreeNode} key=${child.id} node=${child} canManage=${canManage} townships=${townships}
                onMoved=${() => setRound((n) => n + 1)} />`,
            )}
            ${children.data.length === 0 ? html`<li class="muted small">${t('grids.noChildren')}</li>` : null}
          </ul>`
        : null
    }
  </li>`;
}

/** Rename any node; move a village to another township. Sends the version it showed, so a stale edit is refused. */
function GridEditForm({
  node,
  townships,
  onCancel,
  onSaved,
}: {
  node: GridNode;
  townships: GridNode[];
  onCancel: () => void;
  onSaved: (node: GridNode, moved: boolean) => void;
}) {
  const [name, setName] = useState(node.name);
  const [parentId, setParentId] = useState(node.parentId ?? '');
  const [responsible, setResponsible] = useState<ResponsibleInput>(responsibleOf(node));
  const { errors, error, setError, busy, submit } = useSubmission();
  const save = (event: Event) => {
    event.preventDefault();
    const moved = node.level === 'village' && parentId !== node.parentId;
    return submit(async () => {
      const saved = await api<GridNode>(`/grids/${node.id}`, {
        method: 'PATCH',
        headers: { 'if-match': String(node.version) },
        body: {
          ...(name !== node.name ? { name } : {}),
          ...(moved ? { parentId } : {}),
          ...responsibleBody(responsible),
        },
      });
      onSaved(saved, moved);
    });
  };
  const reloadLatest = async () => {
    try {
      onSaved(await api<GridNode>(`/grids/${node.id}`), false);
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<form class="inline-form" onSubmit=${save} data-testid="grid-edit">
    <div class="field">
      <label for=${`name-${node.id}`}>${t('grids.name')}</label>
      <input id=${`name-${node.id}`} name="name" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
      ${errorsFor(errors, 'name').map((problem) => html`<div class="field-error">${problem.message}</div>`)}
    </div>
    ${
      node.level === 'village'
        ? html`<div class="field">
            <label for=${`parent-${node.id}`}>${t('grids.township')}</label>
            <select id=${`parent-${node.id}`} name="parentId" value=${parentId}
              onChange=${(e: Event) => setParentId((e.target as HTMLSelectElement).value)}>
              ${townships.map((township) => html`<option value=${township.id}>${township.name}</option>`)}
            </select>
            ${errorsFor(errors, 'parentId').map((problem) => html`<div class="field-error">${problem.message}</div>`)}
          </div>`
        : null
    }
    <${ResponsibleFields} value=${responsible} errors=${errors} onChange=${setResponsible} />
    ${
      error instanceof ApiError && error.status === 409
        ? html`<div class="notice notice-error" role="alert" data-testid="conflict">
            ${t('error.conflict')}
            <button type="button" class="button button-small" onClick=${reloadLatest}>${t('action.loadLatest')}</button>
          </div>`
        : error
          ? html`<${ErrorNotice} error=${error} />`
          : null
    }
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.save')}</button>
      <button type="button" class="button" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}
