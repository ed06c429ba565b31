import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { AuthCard } from './auth-card.ts';

const ACCOUNT_KEY = 'gridsafe.notLinkedAccount';

/**
 * Keeps the provider's username for the page to show, so the person can tell their admin exactly which account
 * to link. Read from the token only for display: the county already refused it, nothing trusts it here.
 */
export function rememberNotLinkedAccount(accessToken: string): void {
  try {
    const payload = JSON.parse(
      atob((accessToken.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')),
    ) as {
      username?: unknown;
      preferred_username?: unknown;
    };
    const username = payload.username ?? payload.preferred_username;
    if (typeof username === 'string') sessionStorage.setItem(ACCOUNT_KEY, username);
    else sessionStorage.removeItem(ACCOUNT_KEY);
  } catch {
    sessionStorage.removeItem(ACCOUNT_KEY);
  }
}

/** A person the provider knows and the county does not (yet): what happened, and whom to ask. */
export function NotLinkedPage({ tenant }: { tenant: string }) {
  const account = sessionStorage.getItem(ACCOUNT_KEY);
  return html`<${AuthCard} title=${t('auth.notLinkedTitle')}>
    <div data-testid="not-linked">
      <p>${t('auth.notLinkedBody')}</p>
      ${account ? html`<p class="auth-account">${t('auth.notLinkedAccount', { username: account })}</p>` : null}
      <p>${t('auth.notLinkedAsk')}</p>
    </div>
    <a class="button button-block" href=${`/${tenant}/login`}>${t('auth.backToLogin')}</a>
  </${AuthCard}>`;
}
