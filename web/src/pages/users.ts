import { useState } from 'preact/hooks';
import { api, query } from '../api/client.ts';
import type { Page, User } from '../api/types.ts';
import { ErrorNotice, Field, Loading, OtherErrors, Pager, PageTitle } from '../components/common.ts';
import { loadGridOptions } from '../components/grid-select.ts';
import { ScopePicker, scopeFor, UserActions } from '../components/user-admin.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDate, label, t } from '../i18n/index.ts';
import { loadDepartments } from '../ref-data.ts';
import { ASSIGNABLE_ROLES, NEW_USER_ROLE } from '../roles.ts';

/** People of the county (county admin): who they are, their role and where they work. */
export function UsersPage() {
  const [cursors, setCursors] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const cursor = cursors[cursors.length - 1];
  const users = useAsync(() => api<Page<User>>(`/users${query({ limit: 50, cursor })}`), [cursor]);
  const grids = useAsync(loadGridOptions, []);
  const departments = useAsync(loadDepartments, []);
  const scopeName = (grant: string) => {
    const [kind, id] = grant.split(':');
    if (kind === 'grid') return grids.data?.find((grid) => grid.id === id)?.name ?? grant;
    if (kind === 'dept') return departments.data?.find((d) => d.id === id)?.name ?? grant;
    return grant;
  };
  return html`<section>
    <${PageTitle} title=${t('users.title')}>
      ${!creating ? html`<button type="button" class="button button-primary" onClick=${() => setCreating(true)}>${t('users.create')}</button>` : null}
    </${PageTitle}>
    ${
      creating
        ? html`<div class="panel"><${UserCreateForm}
            onCancel=${() => setCreating(false)}
            onCreated=${() => {
              setCreating(false);
              users.reload();
            }} /></div>`
        : null
    }
    ${users.error ? html`<${ErrorNotice} error=${users.error} onRetry=${users.reload} />` : null}
    ${users.loading && !users.data ? html`<${Loading} />` : null}
    ${
      users.data
        ? html`<table class="table responsive" data-testid="users-table">
            <thead><tr>
              <th>${t('users.username')}</th><th>${t('users.displayName')}</th><th>${t('users.role')}</th>
              <th>${t('users.scope')}</th><th>${t('users.phone')}</th><th>${t('users.enabled')}</th><th>${t('unit.createdAt')}</th><th>${t('userAdmin.actions')}</th>
            </tr></thead>
            <tbody>
              ${users.data.items.map(
                (user) => html`<tr data-username=${user.username}>
                  <td data-label=${t('users.username')}><code>${user.username}</code></td>
                  <td data-label=${t('users.displayName')}>${user.displayName}</td>
                  <td data-label=${t('users.role')}>${label('role', user.role)}</td>
                  <td data-label=${t('users.scope')}>${user.scope.map((grant) => html`<span class="chip">${scopeName(grant)}</span>`)}</td>
                  <td data-label=${t('users.phone')}>${user.phone ?? ''}</td>
                  <td data-label=${t('users.enabled')}>${user.enabled ? t('common.yes') : t('common.no')}</td>
                  <td data-label=${t('unit.createdAt')}>${formatDate(user.createdAt)}</td>
                  <td data-label=${t('userAdmin.actions')}><${UserActions} user=${user} onChanged=${users.reload} /></td>
                </tr>`,
              )}
            </tbody>
          </table>
          <${Pager} cursors=${cursors} nextCursor=${users.data.nextCursor} onChange=${setCursors} />`
        : null
    }
  </section>`;
}

const USER_FIELDS = ['username', 'displayName', 'role', 'scope', 'phone', 'password'] as const;

function UserCreateForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: () => void }) {
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    role: NEW_USER_ROLE,
    target: '',
    phone: '',
    password: '',
  });
  const { errors, error, busy, submit } = useSubmission();
  const grids = useAsync(loadGridOptions, []);
  const departments = useAsync(loadDepartments, []);
  const set = (field: keyof typeof form) => (event: Event) =>
    setForm({
      ...form,
      [field]: (event.target as HTMLInputElement).value,
      ...(field === 'role' ? { target: '' } : {}),
    });
  const create = (event: Event) => {
    event.preventDefault();
    return submit(async () => {
      await api<User>('/users', {
        method: 'POST',
        body: {
          username: form.username.trim(),
          displayName: form.displayName.trim(),
          role: form.role,
          scope: scopeFor(form.role, form.target),
          ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
          password: form.password,
        },
      });
      onCreated();
    });
  };
  return html`<form class="form" onSubmit=${create} novalidate data-testid="user-form">
    <h2>${t('users.create')}</h2>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${USER_FIELDS} />
    <${Field} label=${t('users.username')} name="username" errors=${errors} hint=${t('users.usernameHint')}>
      <input id="f-username" name="username" autocapitalize="none" value=${form.username} onInput=${set('username')} />
    </${Field}>
    <${Field} label=${t('users.displayName')} name="displayName" errors=${errors}>
      <input id="f-displayName" name="displayName" value=${form.displayName} onInput=${set('displayName')} />
    </${Field}>
    <${Field} label=${t('users.role')} name="role" errors=${errors}>
      <select id="f-role" name="role" value=${form.role} onChange=${set('role')}>
        ${ASSIGNABLE_ROLES.map((role) => html`<option value=${role}>${label('role', role)}</option>`)}
      </select>
    </${Field}>
    <${ScopePicker} role=${form.role} target=${form.target} errors=${errors} grids=${grids.data}
      departments=${departments.data} onChange=${(target: string) => setForm({ ...form, target })} />
    <${Field} label=${t('users.phone')} name="phone" errors=${errors}>
      <input id="f-phone" name="phone" type="tel" value=${form.phone} onInput=${set('phone')} />
    </${Field}>
    <${Field} label=${t('users.password')} name="password" errors=${errors} hint=${t('users.passwordHint')}>
      <input id="f-password" name="password" type="password" autocomplete="new-password" value=${form.password} onInput=${set('password')} />
    </${Field}>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.create')}</button>
      <button type="button" class="button" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}
