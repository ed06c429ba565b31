import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { navigate, withQuery } from '../router.ts';

/** The longest search the API takes (core's SEARCH_QUERY_MAX_LENGTH); the field stops there. */
const MAX_LENGTH = 50;

/**
 * A list's search box: the text goes into `?q=` (so a search is a link, like the filters) on Enter or the button,
 * and the list reads it with its other filters. Clearing the box and searching again shows the whole list.
 */
export function SearchBox({ value, hint }: { value: string; hint: string }) {
  const submit = (event: Event) => {
    event.preventDefault();
    const text = new FormData(event.currentTarget as HTMLFormElement).get('q');
    navigate(withQuery({ q: String(text ?? '').trim() }));
  };
  return html`<form class="filters search-box" role="search" onSubmit=${submit}>
    <div class="field">
      <label for="filter-q">${t('search.label')}</label>
      <input id="filter-q" name="q" type="search" value=${value} placeholder=${hint} maxlength=${MAX_LENGTH} />
    </div>
    <button class="button" type="submit">${t('search.submit')}</button>
  </form>`;
}
