import { effect } from '@preact/signals';
import { render } from 'preact';
import { App } from './app.ts';
import { html } from './html.ts';
import { locale, t } from './i18n/index.ts';
import { logoutEverywhere, watchIdle } from './login-steps.ts';
import { refreshSyncState, startSync } from './offline/sync.ts';
import { navigate } from './router.ts';
import { session } from './session.ts';
// The stylesheets in cascade order: later ones override earlier ones (the phone layout the desk's).
import './styles/base.css';
import './styles/blocks.css';
import './styles/forms.css';
import './styles/tables.css';
import './styles/records.css';
import './styles/login.css';
import './styles/phone.css';
import './styles/risk-points.css';
import './styles/utilities.css';
import './styles/statistics.css';
import './styles/lifecycle.css';
import './styles/registers.css';
import './styles/search.css';
import './styles/credit.css';
import './styles/inspections.css';
import './styles/alerts.css';
import './styles/resources.css';
// Last: print rules override the screen's.
import './styles/print.css';

render(html`<${App} />`, document.getElementById('app')!);

effect(() => {
  void locale.value;
  document.title = t('app.name');
});

// The queue shown and sent is the signed-in person's: look again whenever that changes.
effect(() => {
  void session.value?.user.id;
  // Outside the effect's tracking: refreshSyncState reads and writes syncState, which would loop.
  queueMicrotask(() => void refreshSyncState());
});
startSync();

// The county's idle time (security.idleMinutes): an unattended screen logs out and revokes its refresh token.
watchIdle(() => {
  const tenant = session.value?.tenant;
  void logoutEverywhere();
  if (tenant) navigate(`/${tenant}/login`);
});

// The service worker keeps the app shell for offline starts; never the API (see sw.ts). Only in builds: under
// `vite dev` (the only place import.meta.hot exists) it would serve stale modules. Not import.meta.env.PROD:
// a build started from a test runner inherits NODE_ENV=test, which turns PROD off.
if ('serviceWorker' in navigator && !import.meta.hot) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  });
}
