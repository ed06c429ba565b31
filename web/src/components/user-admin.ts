import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { Department, FieldProblem, GridNode, Role, User } from '../api/types.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { loadDepartments } from '../ref-data.ts';
import { ROLE_TABLE } from '../roles.ts';
import { ErrorNotice, Field, OtherErrors } from './common.ts';
import { GridSelect, loadGridOptions } from './grid-select.ts';

/** The kind of grant a role works through (`grid:`, `dept:`, `unit:`), and the grid level it wants, if any. */
export function scopeKindOf(role: Role): { kind?: 'grid' | 'dept' | 'unit'; level?: 'township' | 'village' } {
  const grant = ROLE_TABLE[role].grant;
  if (grant === 'township' || grant === 'village') return { kind: 'grid', level: grant };
  return grant ? { kind: grant } : {};
}

/** The one assignment a role's person works through: a township or village, a department, or a unit's id. */
export function ScopePicker({
  role,
  target,
  errors,
  grids,
  departments,
  onChange,
}: {
  role: Role;
  target: string;
  errors: readonly FieldProblem[];
  grids: GridNode[] | undefined;
  departments: Department[] | undefined;
  onChange: (target: string) => void;
}) {
  const { kind, level } = scopeKindOf(role);
  if (!kind) return null;
  const choosable = (grids ?? []).filter(
    (grid) => !level || grid.level === level || grid.level === 'township',
  );
  const value = (event: Event) => onChange((event.target as HTMLInputElement).value);
  return html`<${Field} label=${t('users.scope')} name="scope" errors=${errors}>
    ${
      kind === 'grid'
        ? html`<${GridSelect} id="f-scope" name="scope" grids=${choosable} value=${target} emptyLabel=${t('common.choose')}
            villagesOnly=${level === 'village'} onChange=${onChange} />`
        : kind === 'dept'
          ? html`<select id="f-scope" name="scope" value=${target} onChange=${value}>
              <option value="">${t('common.choose')}</option>
              ${(departments ?? []).map((d) => html`<option value=${d.id}>${d.name}</option>`)}
            </select>`
          : html`<input id="f-scope" name="scope" placeholder=${t('users.unitIdHint')} value=${target} onInput=${value} />`
    }
  </${Field}>`;
}

/** The scope list a picked target makes for a role (none when the role needs none or nothing is picked). */
export function scopeFor(role: Role, target: string): string[] {
  const { kind } = scopeKindOf(role);
  return kind && target.trim() ? [`${kind}:${target.trim()}`] : [];
}

type Mode = 'edit' | 'password' | undefined;

/**
 * What a county admin does to one person from the list: change their name, phone or assignment, disable or
 * enable them (a disabled person is refused from their next request), or set a new password.
 */
export function UserActions({ user, onChanged }: { user: User; onChanged: () => void }) {
  const [mode, setMode] = useState<Mode>();
  const toggle = useSubmission();
  const setEnabled = () =>
    toggle.submit(async () => {
      await api<User>(`/users/${user.id}`, {
        method: 'PATCH',
        headers: { 'if-match': String(user.version) },
        body: { enabled: !user.enabled },
      });
      onChanged();
    });
  const done = () => {
    setMode(undefined);
    onChanged();
  };
  return html`<div class="row-actions">
    <button type="button" class="button button-small" onClick=${() => setMode(mode === 'edit' ? undefined : 'edit')}
      aria-label=${t('userAdmin.editNamed', { name: user.displayName })}>${t('action.edit')}</button>
    <button type="button" class="button button-small" disabled=${toggle.busy} onClick=${setEnabled}
      aria-label=${t(user.enabled ? 'userAdmin.disableNamed' : 'userAdmin.enableNamed', { name: user.displayName })}>
      ${t(user.enabled ? 'userAdmin.disable' : 'userAdmin.enable')}
    </button>
    <button type="button" class="button button-small" onClick=${() => setMode(mode === 'password' ? undefined : 'password')}
      aria-label=${t('userAdmin.resetNamed', { name: user.displayName })}>${t('userAdmin.resetPassword')}</button>
    ${toggle.error ? html`<${ErrorNotice} error=${toggle.error} />` : null}
    ${mode === 'edit' ? html`<${UserEditForm} user=${user} onCancel=${() => setMode(undefined)} onSaved=${done} />` : null}
    ${mode === 'password' ? html`<${PasswordResetForm} user=${user} onCancel=${() => setMode(undefined)} onSaved=${done} />` : null}
  </div>`;
}

/** A form opened under one person's row: saved or cancelled, it hands back to the row. */
interface UserFormProps {
  user: User;
  onCancel: () => void;
  onSaved: () => void;
}

function UserEditForm({ user, onCancel, onSaved }: UserFormProps) {
  const grids = useAsync(loadGridOptions, []);
  const departments = useAsync(loadDepartments, []);
  const { kind } = scopeKindOf(user.role);
  const current = user.scope.find((grant) => grant.startsWith(`${kind}:`))?.split(':')[1] ?? '';
  const [form, setForm] = useState({
    displayName: user.displayName,
    phone: user.phone ?? '',
    target: current,
  });
  const { errors, error, busy, submit } = useSubmission();
  const set = (field: keyof typeof form) => (event: Event) =>
    setForm({ ...form, [field]: (event.target as HTMLInputElement).value });
  const save = (event: Event) => {
    event.preventDefault();
    return submit(async () => {
      await api<User>(`/users/${user.id}`, {
        method: 'PATCH',
        headers: { 'if-match': String(user.version) },
        body: {
          displayName: form.displayName.trim(),
          ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
          ...(kind && form.target !== current ? { scope: scopeFor(user.role, form.target) } : {}),
        },
      });
      onSaved();
    });
  };
  return html`<form class="form" onSubmit=${save} novalidate data-testid="user-edit">
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${['displayName', 'phone', 'scope']} />
    <${Field} label=${t('users.displayName')} name="displayName" errors=${errors}>
      <input id="f-displayName" name="displayName" value=${form.displayName} onInput=${set('displayName')} />
    </${Field}>
    <${Field} label=${t('users.phone')} name="phone" errors=${errors}>
      <input id="f-phone" name="phone" type="tel" value=${form.phone} onInput=${set('phone')} />
    </${Field}>
    <${ScopePicker} role=${user.role} target=${form.target} errors=${errors} grids=${grids.data}
      departments=${departments.data} onChange=${(target: string) => setForm({ ...form, target })} />
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.save')}</button>
      <button type="button" class="button" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}

function PasswordResetForm({ user, onCancel, onSaved }: UserFormProps) {
  const [password, setPassword] = useState('');
  const [temporary, setTemporary] = useState(true);
  const { errors, error, busy, submit } = useSubmission();
  const save = (event: Event) => {
    event.preventDefault();
    return submit(async () => {
      await api<User>(`/users/${user.id}/password`, {
        method: 'POST',
        headers: { 'if-match': String(user.version) },
        body: { password, temporary },
      });
      onSaved();
    });
  };
  return html`<form class="form" onSubmit=${save} novalidate data-testid="password-reset">
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${['password', 'temporary']} />
    <${Field} label=${t('userAdmin.newPassword')} name="password" errors=${errors} hint=${t('users.passwordHint')}>
      <input id="f-password" name="password" type="password" autocomplete="new-password" value=${password}
        onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} />
    </${Field}>
    <label class="checkbox">
      <input type="checkbox" name="temporary" checked=${temporary} onChange=${() => setTemporary(!temporary)} />
      ${t('userAdmin.temporary')}
    </label>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('userAdmin.setPassword')}</button>
      <button type="button" class="button" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}
