import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { Department } from '../api/types.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../components/common.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDate, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { forgetDepartments, industryName, loadDepartments, loadIndustries } from '../ref-data.ts';
import { session } from '../session.ts';

/** The industry departments (the second axis beside the regional grid) and the industries each supervises. */
export function DepartmentsPage() {
  const tenant = session.value?.tenant ?? '';
  const departments = useAsync(loadDepartments, []);
  const industries = useAsync(loadIndustries, []);
  const [editing, setEditing] = useState<Department | 'new' | undefined>();
  const mayManage = can('department.manage');
  if (departments.error)
    return html`<${ErrorNotice} error=${departments.error} onRetry=${departments.reload} />`;
  const saved = () => {
    forgetDepartments();
    setEditing(undefined);
    departments.reload();
  };
  return html`<section>
    <${PageTitle} title=${t('departments.title')}>
      ${
        mayManage && editing === undefined
          ? html`<button type="button" class="button button-primary" onClick=${() => setEditing('new')}>${t('deptAdmin.create')}</button>`
          : null
      }
    </${PageTitle}>
    ${
      editing !== undefined
        ? html`<div class="panel"><${DepartmentForm} key=${editing === 'new' ? 'new' : editing.id}
            department=${editing === 'new' ? undefined : editing} onCancel=${() => setEditing(undefined)} onSaved=${saved} /></div>`
        : null
    }
    ${!departments.data ? html`<${Loading} />` : null}
    <table class="table responsive" data-testid="departments-table">
      <thead><tr><th>${t('departments.name')}</th><th>${t('departments.industries')}</th><th>${t('unit.createdAt')}</th><th></th></tr></thead>
      <tbody>
        ${(departments.data ?? []).map(
          (department) => html`<tr>
            <td data-label=${t('departments.name')}>${department.name}</td>
            <td data-label=${t('departments.industries')}>
              ${department.industries.map((code) => html`<span class="chip">${industryName(industries.data, code)}</span>`)}
            </td>
            <td data-label=${t('unit.createdAt')}>${formatDate(department.createdAt)}</td>
            <td>
              <a href=${`/${tenant}/units?department=${department.id}`}>${t('grids.units')}</a>
              ${
                mayManage
                  ? html` <button type="button" class="button button-small" onClick=${() => setEditing(department)}
                      aria-label=${t('deptAdmin.editNamed', { name: department.name })}>${t('action.edit')}</button>`
                  : null
              }
            </td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/**
 * A new department, or a change to one: its name and the industries it supervises. A change of industries
 * decides the department of units registered from now on; units already registered keep theirs.
 */
function DepartmentForm({
  department,
  onCancel,
  onSaved,
}: {
  department?: Department;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const industries = useAsync(loadIndustries, []);
  const [name, setName] = useState(department?.name ?? '');
  const [chosen, setChosen] = useState<string[]>(department?.industries ?? []);
  const { errors, error, busy, submit } = useSubmission();
  const toggle = (code: string) =>
    setChosen(chosen.includes(code) ? chosen.filter((c) => c !== code) : [...chosen, code]);
  const save = (event: Event) => {
    event.preventDefault();
    return submit(async () => {
      const body = { name: name.trim(), industries: chosen };
      if (department)
        await api<Department>(`/departments/${department.id}`, {
          method: 'PATCH',
          headers: { 'if-match': String(department.version) },
          body,
        });
      else await api<Department>('/departments', { method: 'POST', body });
      onSaved();
    });
  };
  // Industries the department holds that the knowledge base no longer lists stay choosable (and removable).
  const codes = [...new Set([...(industries.data?.items ?? []).map((industry) => industry.code), ...chosen])];
  return html`<form class="form" onSubmit=${save} novalidate data-testid="department-form">
    <h2>${department ? t('deptAdmin.edit') : t('deptAdmin.create')}</h2>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${['name', 'industries']} />
    <${Field} label=${t('departments.name')} name="name" errors=${errors}>
      <input id="f-name" name="name" value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} />
    </${Field}>
    <fieldset class="field" data-field="industries">
      <legend>${t('departments.industries')}</legend>
      <p class="muted small">${t('deptAdmin.industriesHint')}</p>
      ${codes.map(
        (code) => html`<label class="checkbox">
          <input type="checkbox" name="industries" value=${code} checked=${chosen.includes(code)} onChange=${() => toggle(code)} />
          ${industryName(industries.data, code)}
        </label>`,
      )}
    </fieldset>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('action.save')}</button>
      <button type="button" class="button" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}
