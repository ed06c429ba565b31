import htm from 'htm';
import { h } from 'preact';

/**
 * Tagged-template markup (no JSX build step). Every `${value}` in a child position becomes a text node, so
 * whatever the API returns is shown as text, never parsed as HTML. Nothing in the app uses innerHTML or
 * dangerouslySetInnerHTML; keep it that way.
 */
export const html = htm.bind(h);
