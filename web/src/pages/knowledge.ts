import { api } from '../api/client.ts';
import type { KnowledgeIndustry } from '../api/types.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { can } from '../permissions.ts';
import { loadIndustries } from '../ref-data.ts';
import { session } from '../session.ts';

/** The knowledge base by industry: what grid members are guided through when they file a risk point. */
export function KnowledgePage() {
  const tenant = session.value?.tenant ?? '';
  const industries = useAsync(loadIndustries, []);
  if (industries.error)
    return html`<${ErrorNotice} error=${industries.error} onRetry=${industries.reload} />`;
  return html`<section>
    <${PageTitle} title=${t('knowledge.title')}>
      ${can('knowledge.manage') ? html`<a class="button" href=${`/${tenant}/knowledge/edit`}>${t('kbEditor.open')}</a>` : null}
    </${PageTitle}>
    ${!industries.data ? html`<${Loading} />` : null}
    <ul class="card-list">
      ${(industries.data?.items ?? []).map(
        (industry) => html`<li class="card">
          <a href=${`/${tenant}/knowledge/${industry.code}`}><strong>${industry.name}</strong></a>
          <div class="muted small">${t('knowledge.templateCount', { n: industry.templateCount })}</div>
        </li>`,
      )}
    </ul>
  </section>`;
}

function List({ title, items }: { title: string; items: string[] }) {
  return html`<div><h4>${title}</h4><ul>${items.map((item) => html`<li>${item}</li>`)}</ul></div>`;
}

export function KnowledgeIndustryPage({ code }: { code: string }) {
  const tenant = session.value?.tenant ?? '';
  const industry = useAsync(
    () => api<KnowledgeIndustry>(`/knowledge/industries/${encodeURIComponent(code)}`),
    [code],
  );
  if (industry.error) return html`<${ErrorNotice} error=${industry.error} />`;
  if (!industry.data) return html`<${Loading} />`;
  const data: KnowledgeIndustry = industry.data;
  return html`<section>
    <${PageTitle} title=${data.name}>
      <a class="button" href=${`/${tenant}/knowledge`}>${t('action.back')}</a>
    </${PageTitle}>
    <p class="muted">${t('knowledge.department', { name: data.supervisingDepartmentHint })}</p>
    ${data.templates.map(
      (template) => html`<article class="panel">
        <h2>${template.name}</h2>
        <p>${template.description}</p>
        <p class="muted small">
          ${t('knowledge.suggested', {
            L: template.suggestedAssessment.L,
            E: template.suggestedAssessment.E,
            C: template.suggestedAssessment.C,
            D:
              Math.round(
                template.suggestedAssessment.L *
                  template.suggestedAssessment.E *
                  template.suggestedAssessment.C *
                  100,
              ) / 100,
          })}
        </p>
        <div class="panel-grid">
          <${List} title=${t('knowledge.hazardFactors')} items=${template.hazardFactors} />
          <${List} title=${t('knowledge.accidentTypes')} items=${template.accidentTypes} />
          <${List} title=${t('knowledge.checklist')} items=${template.checklist.map((item) => item.text)} />
          <${List} title=${t('knowledge.controlMeasures')} items=${template.controlMeasures} />
          <${List} title=${t('knowledge.emergencyMeasures')} items=${template.emergencyMeasures} />
          <${List} title=${t('knowledge.gradingCriteria')} items=${template.gradingCriteria} />
        </div>
      </article>`,
    )}
  </section>`;
}
