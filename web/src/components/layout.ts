import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { clearOfflineCache } from '../api/client.ts';
import { html } from '../html.ts';
import { label, locale, setLocale, t } from '../i18n/index.ts';
import { logoutEverywhere } from '../login-steps.ts';
import { navFor, tabsFor } from '../nav.ts';
import { location, navigate } from '../router.ts';
import { session } from '../session.ts';
import { NoticeBell } from './notice-bell.ts';
import { SyncBadge } from './sync-badge.ts';

export function LanguageToggle() {
  const next = locale.value === 'zh-CN' ? 'en' : 'zh-CN';
  return html`<button type="button" class="button button-quiet" data-testid="language-toggle" lang=${next}
    onClick=${() => setLocale(next)}>${t('common.switchLanguage')}</button>`;
}

/** The signed-in frame: header, role-aware menu (side bar on a desk, bottom tabs on a phone), content. */
export function Layout({ children }: { children: ComponentChildren }) {
  const current = session.value;
  const [menuOpen, setMenuOpen] = useState(false);
  if (!current) return children;
  const { tenant, user } = current;
  const path = location.value.path;
  const isActive = (item: string) => path === `/${tenant}/${item}` || path.startsWith(`/${tenant}/${item}/`);
  const signOut = () => {
    clearOfflineCache();
    void logoutEverywhere();
    navigate(`/${tenant}/login`);
  };
  return html`<div class=${`shell${menuOpen ? ' menu-open' : ''}`}>
    <header class="topbar">
      <button type="button" class="button button-quiet menu-button" aria-expanded=${menuOpen}
        onClick=${() => setMenuOpen(!menuOpen)}>${t('nav.menu')}</button>
      <a class="brand" href=${`/${tenant}/`}>${t('app.name')}</a>
      <span class="tenant muted">${tenant}</span>
      <span class="spacer"></span>
      <${NoticeBell} />
      <${SyncBadge} />
      <span class="who" data-testid="who">${user.username} · ${label('role', user.role)}</span>
      <span class="desk-only"><${LanguageToggle} /></span>
      <button type="button" class="button button-quiet desk-only" data-testid="logout" onClick=${signOut}>${t('action.logout')}</button>
    </header>
    <nav class="sidebar" aria-label=${t('nav.main')} onClick=${() => setMenuOpen(false)}>
      ${navFor(user).map(
        (item) => html`<a href=${`/${tenant}/${item.path}`} class=${isActive(item.path) ? 'active' : ''}
          aria-current=${isActive(item.path) ? 'page' : undefined}>${t(item.label)}</a>`,
      )}
      <div class="phone-only sidebar-extra">
        <div class="muted small">${user.username} · ${label('role', user.role)}</div>
        <${LanguageToggle} />
        <button type="button" class="button" onClick=${signOut}>${t('action.logout')}</button>
      </div>
    </nav>
    <main class="content" id="main">${children}</main>
    <nav class="tabbar" aria-label=${t('nav.tabs')}>
      ${tabsFor(user).map(
        (item) =>
          html`<a href=${`/${tenant}/${item.path}`} class=${isActive(item.path) ? 'active' : ''}>${t(item.label)}</a>`,
      )}
    </nav>
  </div>`;
}
