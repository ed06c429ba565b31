import { described, SEARCH_QUERY_MAX_LENGTH, textField } from '@gridsafe/core';
import * as z from 'zod/mini';

/**
 * The `q=` of a list: a search within what the list's other filters and the caller's area already narrow
 * (docs/decisions.md, "Search"). Trimmed; empty or longer than SEARCH_QUERY_MAX_LENGTH is a 400 naming `q`.
 */
export function searchParam(matches: string) {
  return described(z.optional(textField(SEARCH_QUERY_MAX_LENGTH)), {
    description: `Only records whose ${matches} (case, width and spaces ignored; up to ${SEARCH_QUERY_MAX_LENGTH} characters)`,
  });
}
