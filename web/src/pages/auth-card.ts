import type { ComponentChildren } from 'preact';
import { LanguageToggle } from '../components/layout.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';

/** The signed-out frame the login page uses, for the pages around a provider sign-in. */
export function AuthCard({ title, children }: { title: string; children: ComponentChildren }) {
  return html`<main class="login-page">
    <div class="login-lang"><${LanguageToggle} /></div>
    <section class="login-card">
      <img src="/icon.svg" alt="" width="56" height="56" />
      <p class="muted">${t('app.name')}</p>
      <h1>${title}</h1>
      ${children}
    </section>
  </main>`;
}
