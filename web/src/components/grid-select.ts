import { listAll } from '../api/client.ts';
import type { GridNode } from '../api/types.ts';
import { html } from '../html.ts';
import { can } from '../permissions.ts';

/** Every grid node the person may filter by, parents before children (the API's subtree order). */
export function loadGridOptions(): Promise<GridNode[]> {
  return listAll<GridNode>('/grids').then(async (roots) => {
    const lists = await Promise.all(roots.map((root) => listAll<GridNode>('/grids', { within: root.id })));
    return lists.flat();
  });
}

/** A list's grid filter: only for people who read the grid tree (a unit's safety manager works in its unit). */
export function loadGridFilterOptions(): Promise<GridNode[]> {
  return can('grid.read') ? loadGridOptions() : Promise.resolve([]);
}

/** A select over the grid subtree, indented by level. */
export function GridSelect({
  id,
  name,
  grids,
  value,
  onChange,
  villagesOnly,
  emptyLabel,
}: {
  id: string;
  name: string;
  grids: GridNode[];
  value: string;
  onChange: (value: string) => void;
  villagesOnly?: boolean;
  emptyLabel?: string;
}) {
  const indent = { county: '', township: '\u3000', village: '\u3000\u3000' } as const;
  return html`<select id=${id} name=${name} value=${value} onChange=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
    ${emptyLabel !== undefined ? html`<option value="">${emptyLabel}</option>` : null}
    ${grids.map(
      (grid) => html`<option value=${grid.id} disabled=${villagesOnly && grid.level !== 'village'}>
        ${indent[grid.level]}${grid.name}
      </option>`,
    )}
  </select>`;
}
