import { useEffect, useState } from 'preact/hooks';
import { CodeFlowRefusedError, finishCodeFlow } from '../auth/code-flow.ts';
import { html } from '../html.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import { navigate } from '../router.ts';
import { LoginError, loginWithProviderTokens } from '../session.ts';
import { AuthCard } from './auth-card.ts';
import { rememberNotLinkedAccount } from './not-linked.ts';

/** A code is good once: a second render of this page (the session signal changes) must not spend it again. */
let handled: string | undefined;

function failureMessage(error: unknown): MessageKey {
  if (error instanceof CodeFlowRefusedError)
    return error.code === 'access_denied' ? 'auth.cancelled' : 'auth.failed';
  if (error instanceof LoginError)
    return error.status === 401 || error.status === 403 ? 'auth.refused' : 'error.server';
  return error instanceof TypeError ? 'error.network' : 'auth.failed';
}

/**
 * Where the OpenID provider sends the browser back (`/<county>/auth/callback?code=…&state=…`): finishes the code
 * flow, asks the county who this is, and goes on; every way it can fail ends on words and a way back, never blank.
 */
export function AuthCallbackPage({ tenant }: { tenant: string }) {
  const [failure, setFailure] = useState<MessageKey | undefined>();
  useEffect(() => {
    const url = window.location.href;
    if (handled === url) return;
    handled = url;
    void (async () => {
      try {
        const { tokens, provider, next } = await finishCodeFlow(tenant, new URL(url));
        try {
          await loginWithProviderTokens(tenant, tokens, provider);
        } catch (error) {
          if (error instanceof LoginError && error.problem?.code === 'not_linked') {
            rememberNotLinkedAccount(tokens.accessToken);
            navigate(`/${tenant}/auth/not-linked`, { replace: true });
            return;
          }
          throw error;
        }
        navigate(next ?? `/${tenant}/`, { replace: true });
      } catch (error) {
        setFailure(failureMessage(error));
      }
    })();
  }, [tenant]);

  return html`<${AuthCard} title=${failure ? t('login.submit') : t('auth.completing')}>
    ${
      failure
        ? html`<div class="notice notice-error" role="alert">${t(failure)}</div>
            <a class="button button-primary button-block" href=${`/${tenant}/login`}>${t('auth.backToLogin')}</a>`
        : html`<p class="muted" role="status">${t('auth.completing')}</p>`
    }
  </${AuthCard}>`;
}
