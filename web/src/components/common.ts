import type { ComponentChildren } from 'preact';
import { ApiError, NetworkError } from '../api/client.ts';
import type { FieldProblem } from '../api/types.ts';
import { html } from '../html.ts';
import { type MessageKey, t } from '../i18n/index.ts';

/** The person-facing message for a failed request: by status, in the catalogue's words, never the raw body. */
export function errorMessage(error: unknown): string {
  if (error instanceof NetworkError) return t('error.network');
  if (error instanceof ApiError) {
    const byStatus: Partial<Record<number, MessageKey>> = {
      400: 'error.badRequest',
      401: 'error.unauthorized',
      403: 'error.forbidden',
      404: 'error.notFound',
      409: 'error.conflict',
      413: 'error.tooLarge',
      429: 'error.tooMany',
      503: 'error.unavailable',
    };
    return t(byStatus[error.status] ?? 'error.server');
  }
  return t('error.unexpected');
}

/** A failed request as a notice: our message, and the API's own detail underneath (as text). */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const detail = error instanceof ApiError ? error.problem?.detail : undefined;
  const requestId = error instanceof ApiError ? error.problem?.requestId : undefined;
  const status = error instanceof ApiError ? error.status : undefined;
  return html`<div class="notice notice-error" role="alert" data-status=${status}>
    <strong>${errorMessage(error)}</strong>
    ${detail ? html`<div class="muted small">${detail}</div>` : null}
    ${requestId ? html`<div class="muted small">${t('error.requestId', { id: requestId })}</div>` : null}
    ${onRetry ? html`<button type="button" class="button" onClick=${onRetry}>${t('action.retry')}</button>` : null}
  </div>`;
}

export function Loading() {
  return html`<p class="muted" aria-busy="true">${t('common.loading')}</p>`;
}

/** Field errors for one input: exact path, or a nested one (`contact.phone` under `contact`). */
export function errorsFor(errors: readonly FieldProblem[] | undefined, name: string): FieldProblem[] {
  return (errors ?? []).filter((problem) => problem.path === name || problem.path.startsWith(`${name}.`));
}

export function Field({
  label,
  name,
  errors,
  hint,
  children,
}: {
  label: string;
  name: string;
  errors?: readonly FieldProblem[];
  hint?: string;
  children: ComponentChildren;
}) {
  const mine = errorsFor(errors, name);
  return html`<div class=${`field${mine.length ? ' field-invalid' : ''}`} data-field=${name}>
    <label for=${`f-${name}`}>${label}</label>
    ${children}
    ${hint ? html`<div class="muted small">${hint}</div>` : null}
    ${mine.map((problem) => html`<div class="field-error" role="alert">${problem.message}</div>`)}
  </div>`;
}

/** Field problems no input claims (shown above the form so none is lost). */
export function OtherErrors({
  errors,
  fields,
}: {
  errors?: readonly FieldProblem[];
  fields: readonly string[];
}) {
  const rest = (errors ?? []).filter(
    (problem) => !fields.some((name) => errorsFor([problem], name).length > 0),
  );
  if (rest.length === 0) return null;
  return html`<ul class="notice notice-error">
    ${rest.map((problem) => html`<li><code>${problem.path}</code> ${problem.message}</li>`)}
  </ul>`;
}

export function ChainBadge({ chain }: { chain: { intact: boolean; length?: number; brokenAt?: number } }) {
  return chain.intact
    ? html`<span class="badge badge-ok" data-testid="chain">${t('audit.chainIntact', { n: chain.length ?? 0 })}</span>`
    : html`<span class="badge badge-bad" data-testid="chain">${t('audit.chainBroken', { seq: chain.brokenAt ?? '?' })}</span>`;
}

/** Previous/next over an opaque cursor: the cursors seen so far are kept so "previous" needs no API support. */
export function Pager({
  cursors,
  nextCursor,
  onChange,
}: {
  cursors: string[];
  nextCursor?: string;
  onChange: (cursors: string[]) => void;
}) {
  if (cursors.length === 0 && !nextCursor) return null;
  return html`<nav class="pager" aria-label=${t('common.pages')}>
    <button type="button" class="button" disabled=${cursors.length === 0} onClick=${() => onChange(cursors.slice(0, -1))}>
      ${t('action.previousPage')}
    </button>
    <span class="muted">${t('common.pageNumber', { n: cursors.length + 1 })}</span>
    <button type="button" class="button" disabled=${!nextCursor} onClick=${() => nextCursor && onChange([...cursors, nextCursor])}>
      ${t('action.nextPage')}
    </button>
  </nav>`;
}

export function PageTitle({ title, children }: { title: string; children?: ComponentChildren }) {
  return html`<header class="page-title">
    <h1>${title}</h1>
    ${children ? html`<div class="page-actions">${children}</div>` : null}
  </header>`;
}
