import { useState } from 'preact/hooks';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { answerChallenge, type LoginChallenge } from '../login-steps.ts';
import { LoginError } from '../session.ts';

/** At least 12 characters from three of the four classes: the API's rule, checked here to answer at once. */
function strongEnough(password: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password));
  return password.length >= 12 && classes.length >= 3;
}

/**
 * The steps between the password and the session: a new password at the first login, TOTP setup for a county
 * admin whose county requires it, and the TOTP code at each later login. Each answer may lead to the next.
 */
export function LoginChallengeForm({
  tenant,
  challenge: first,
  onDone,
  onRestart,
}: {
  tenant: string;
  challenge: LoginChallenge;
  onDone: () => void;
  onRestart: (message: string) => void;
}) {
  const [challenge, setChallenge] = useState(first);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const choosing = challenge.challenge === 'NEW_PASSWORD_REQUIRED';

  const submit = async (event: Event) => {
    event.preventDefault();
    if (choosing && password !== confirm) return setError(t('login.challenge.mismatch'));
    if (choosing && !strongEnough(password)) return setError(t('login.challenge.weakPassword'));
    setBusy(true);
    setError(undefined);
    try {
      const outcome = await answerChallenge(
        tenant,
        challenge.session,
        choosing ? { newPassword: password } : { code: code.trim() },
      );
      if ('session' in outcome) return onDone();
      setChallenge(outcome.challenge);
      setCode('');
    } catch (caught) {
      if (caught instanceof LoginError && caught.status === 400)
        setError(choosing ? t('login.challenge.weakPassword') : t('login.challenge.wrongCode'));
      else if (caught instanceof LoginError && caught.status === 401 && !choosing)
        setError(t('login.challenge.wrongCode'));
      else onRestart(t('login.challenge.expired'));
    } finally {
      setBusy(false);
    }
  };

  const title = choosing
    ? t('login.challenge.newPasswordTitle')
    : challenge.challenge === 'MFA_SETUP'
      ? t('login.challenge.setupTitle')
      : t('login.challenge.codeTitle');
  return html`<form class="login-card" onSubmit=${submit} novalidate data-testid="login-challenge">
    <h1>${title}</h1>
    ${
      choosing
        ? html`<p class="muted">${t('login.challenge.newPasswordHint')}</p>
          <div class="field">
            <label for="f-new-password">${t('login.challenge.newPassword')}</label>
            <input id="f-new-password" name="newPassword" type="password" autocomplete="new-password" required
              value=${password} onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="f-confirm-password">${t('login.challenge.confirmPassword')}</label>
            <input id="f-confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required
              value=${confirm} onInput=${(e: Event) => setConfirm((e.target as HTMLInputElement).value)} />
          </div>`
        : html`${
            challenge.challenge === 'MFA_SETUP'
              ? html`<p class="muted">${t('login.challenge.setupHint')}</p>
                <p>${t('login.challenge.secret')}: <code data-testid="totp-secret">${challenge.secretCode}</code></p>
                <p class="small">${t('login.challenge.uri')}: <code class="break-all">${challenge.otpauthUri}</code></p>`
              : html`<p class="muted">${t('login.challenge.codeHint')}</p>`
          }
          <div class="field">
            <label for="f-code">${t('login.challenge.code')}</label>
            <input id="f-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}"
              maxlength="6" required value=${code} onInput=${(e: Event) => setCode((e.target as HTMLInputElement).value)} />
          </div>`
    }
    ${error ? html`<div class="notice notice-error" role="alert">${error}</div>` : null}
    <button type="submit" class="button button-primary button-block" disabled=${busy}>${t('login.challenge.submit')}</button>
  </form>`;
}
