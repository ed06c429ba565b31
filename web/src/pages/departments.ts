import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDate, t } from '../i18n/index.ts';
import { industryName, loadDepartments, loadIndustries } from '../ref-data.ts';
import { session } from '../session.ts';

/** The industry departments (the second axis beside the regional grid) and the industries each supervises. */
export function DepartmentsPage() {
  const tenant = session.value?.tenant ?? '';
  const departments = useAsync(loadDepartments, []);
  const industries = useAsync(loadIndustries, []);
  if (departments.error)
    return html`<${ErrorNotice} error=${departments.error} onRetry=${departments.reload} />`;
  return html`<section>
    <${PageTitle} title=${t('departments.title')} />
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
            <td><a href=${`/${tenant}/units?department=${department.id}`}>${t('grids.units')}</a></td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
