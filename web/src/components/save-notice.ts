import { html } from '../html.ts';
import { t } from '../i18n/index.ts';

/** What became of a field form's save: accepted (with a link to the record), queued on the phone, or refused. */
export interface SaveMessage {
  kind: 'ok' | 'queued' | 'error';
  text: string;
  /** The record's page, once the API accepted it. */
  href?: string;
}

export function SaveNotice({ message, testId }: { message?: SaveMessage; testId: string }) {
  if (!message) return null;
  const tone = { ok: 'notice-ok', queued: 'notice-warn', error: 'notice-error' }[message.kind];
  return html`<div class=${`notice ${tone}`} role="status" data-testid=${testId}>
    ${message.text}
    ${message.href ? html` <a href=${message.href}>${t('map.openRecord')}</a>` : null}
  </div>`;
}
