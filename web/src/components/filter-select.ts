import type { GridNode } from '../api/types.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { navigate, withQuery } from '../router.ts';
import { GridSelect } from './grid-select.ts';

/** A list filter kept in the query string (so a filtered list can be shared as a link), "all" first. */
export function FilterSelect({
  name,
  label,
  value,
  options,
  allLabel,
}: {
  name: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  /** What the empty choice is called (default: all). */
  allLabel?: string;
}) {
  return html`<div class="field">
    <label for=${`filter-${name}`}>${label}</label>
    <select id=${`filter-${name}`} name=${name} value=${value}
      onChange=${(e: Event) => navigate(withQuery({ [name]: (e.target as HTMLSelectElement).value }))}>
      <option value="">${allLabel ?? t('common.all')}</option>
      ${options.map((option) => html`<option value=${option.value}>${option.label}</option>`)}
    </select>
  </div>`;
}

/** The grid filter: a grid subtree from the indented tree, kept in `?grid=`. */
export function GridFilter({ grids, value }: { grids: GridNode[]; value: string }) {
  return html`<div class="field">
    <label for="filter-grid">${t('units.grid')}</label>
    <${GridSelect} id="filter-grid" name="grid" grids=${grids} value=${value} emptyLabel=${t('common.all')}
      onChange=${(next: string) => navigate(withQuery({ grid: next }))} />
  </div>`;
}
