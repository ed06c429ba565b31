import { useState } from 'preact/hooks';
import { type CodeFlowProvider, useAuthConfig } from '../auth/auth-config.ts';
import { startCodeFlow } from '../auth/code-flow.ts';
import { LanguageToggle } from '../components/layout.ts';
import { LoginChallengeForm } from '../components/login-challenge.ts';
import { html } from '../html.ts';
import { formatDateTime, t } from '../i18n/index.ts';
import { type LoginChallenge, LoginLockedError, passwordLogin } from '../login-steps.ts';
import { navigate, nextAfterLogin } from '../router.ts';
import { DEFAULT_TENANT, LoginError, TENANT_PATTERN } from '../session.ts';

const RECENT_KEY = 'gridsafe.recentTenants';

function recentTenants(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(list)
      ? list.filter((value): value is string => typeof value === 'string' && TENANT_PATTERN.test(value))
      : [];
  } catch {
    return [];
  }
}

export function rememberTenant(tenant: string) {
  const list = [tenant, ...recentTenants().filter((value) => value !== tenant)].slice(0, 5);
  localStorage.setItem(RECENT_KEY, JSON.stringify(list));
}

/**
 * Login. Under `/<county>/login` the county comes from the address (each county's people get their own link);
 * at the site root they type or pick it, defaulting to the last one used on this device (or taihe).
 */
export function LoginPage({ tenant: fixedTenant }: { tenant?: string }) {
  const [tenant, setTenant] = useState(fixedTenant ?? recentTenants()[0] ?? DEFAULT_TENANT);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const county = tenant.trim().toLowerCase();
  const authConfig = useAuthConfig(TENANT_PATTERN.test(county) ? county : undefined);
  // Until the county answers, the form shows as it always did; a county without passwords then hides it.
  const offersPasswordForm = authConfig?.passwordLogin ?? true;

  const signInWith = async (provider: CodeFlowProvider) => {
    setBusy(true);
    setError(undefined);
    try {
      await startCodeFlow(county, provider, nextAfterLogin(county));
      rememberTenant(county);
    } catch {
      setError(t('login.providerUnavailable'));
      setBusy(false);
    }
  };

  // Login security (login-steps.ts): a challenge to answer before the session, shown instead of the form.
  const [challenge, setChallenge] = useState<LoginChallenge | undefined>();
  const finish = (county: string) => {
    rememberTenant(county);
    navigate(nextAfterLogin(county) ?? `/${county}/`, { replace: true });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!TENANT_PATTERN.test(county)) {
      setError(t('login.badTenant'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await passwordLogin(county, username.trim(), password);
      if ('challenge' in outcome) setChallenge(outcome.challenge);
      else finish(county);
    } catch (caught) {
      if (caught instanceof LoginLockedError) {
        setError(t('login.locked', { time: formatDateTime(caught.retryAt.toISOString()) }));
      } else if (caught instanceof LoginError) {
        setError(
          caught.status === 401 || caught.status === 400
            ? t('login.wrongCredentials')
            : caught.status === 404
              ? t('login.unknownTenant')
              : caught.status === 403
                ? t('login.otherCounty')
                : t('error.server'),
        );
      } else {
        setError(t('error.network'));
      }
    } finally {
      setBusy(false);
    }
  };

  if (challenge) {
    return html`<div class="login-page">
      <div class="login-lang"><${LanguageToggle} /></div>
      <${LoginChallengeForm} tenant=${county} challenge=${challenge} onDone=${() => finish(county)}
        onRestart=${(message: string) => {
          setChallenge(undefined);
          setPassword('');
          setError(message);
        }} />
    </div>`;
  }
  return html`<div class="login-page">
    <div class="login-lang"><${LanguageToggle} /></div>
    <form class="login-card" onSubmit=${submit} novalidate>
      <img src="/icon.svg" alt="" width="56" height="56" />
      <h1>${t('app.name')}</h1>
      <p class="muted">${t('login.subtitle')}</p>
      ${
        fixedTenant
          ? html`<p class="login-tenant">${t('login.county')}: <strong data-testid="tenant">${fixedTenant}</strong>
              <a href="/" class="small">${t('login.changeCounty')}</a></p>`
          : html`<div class="field">
              <label for="f-tenant">${t('login.county')}</label>
              <input id="f-tenant" name="tenant" list="recent-tenants" autocomplete="organization" autocapitalize="none"
                value=${tenant} onInput=${(e: Event) => setTenant((e.target as HTMLInputElement).value)} />
              <datalist id="recent-tenants">
                ${[...new Set([...recentTenants(), DEFAULT_TENANT])].map((value) => html`<option value=${value} />`)}
              </datalist>
            </div>`
      }
      ${
        offersPasswordForm
          ? html`<div class="field">
              <label for="f-username">${t('login.username')}</label>
              <input id="f-username" name="username" autocomplete="username" autocapitalize="none" required
                value=${username} onInput=${(e: Event) => setUsername((e.target as HTMLInputElement).value)} />
            </div>
            <div class="field">
              <label for="f-password">${t('login.password')}</label>
              <input id="f-password" name="password" type="password" autocomplete="current-password" required
                value=${password} onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} />
            </div>`
          : null
      }
      ${error ? html`<div class="notice notice-error" role="alert">${error}</div>` : null}
      ${
        offersPasswordForm
          ? html`<button type="submit" class="button button-primary button-block" disabled=${busy}>
              ${busy ? t('login.signingIn') : t('login.submit')}
            </button>`
          : null
      }
      ${
        authConfig?.providers.length
          ? html`${offersPasswordForm ? html`<p class="login-or" aria-hidden="true">${t('login.or')}</p>` : null}
            ${authConfig.providers.map(
              (provider) => html`<button type="button" class="button button-block login-provider"
                data-provider=${provider.id} disabled=${busy} onClick=${() => void signInWith(provider)}>
                ${providerLabel(provider)}
              </button>`,
            )}`
          : null
      }
    </form>
  </div>`;
}

/** A county names its provider as its people know it; a name that already says 登录 is shown as it is. */
function providerLabel(provider: CodeFlowProvider): string {
  return provider.name.endsWith('登录') ? provider.name : t('login.withProvider', { name: provider.name });
}
