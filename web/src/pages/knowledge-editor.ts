import type { KnowledgeOverrides, RiskPointTemplate } from '@gridsafe/core';
import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../components/common.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { forgetIndustries, loadIndustries } from '../ref-data.ts';
import { session } from '../session.ts';

/** The LEC scales as the grading tables print them (likelihood, exposure, consequence). */
const LEC = { L: [10, 6, 3, 1, 0.5, 0.2, 0.1], E: [10, 6, 3, 2, 1, 0.5], C: [100, 40, 15, 7, 3, 1] } as const;
const NEW_INDUSTRY = '__new__';
const LIST_FIELDS = [
  'hazardFactors',
  'accidentTypes',
  'checklist',
  'controlMeasures',
  'emergencyMeasures',
  'gradingCriteria',
] as const;
type ListField = (typeof LIST_FIELDS)[number];

interface OverridesDocument {
  overrides: KnowledgeOverrides;
  version: number;
}

/** A county template as the editor holds it: lists as one line per item. */
interface Draft {
  industry: string;
  newIndustryCode: string;
  newIndustryName: string;
  newIndustryDepartment: string;
  code: string;
  name: string;
  description: string;
  lists: Record<ListField, string>;
  L: number;
  E: number;
  C: number;
}

const EMPTY: Draft = {
  industry: '',
  newIndustryCode: '',
  newIndustryName: '',
  newIndustryDepartment: '',
  code: '',
  name: '',
  description: '',
  lists: {
    hazardFactors: '',
    accidentTypes: '',
    checklist: '',
    controlMeasures: '',
    emergencyMeasures: '',
    gradingCriteria: '',
  },
  L: 3,
  E: 6,
  C: 7,
};

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function templateOf(draft: Draft): RiskPointTemplate {
  return {
    code: draft.code.trim(),
    name: draft.name.trim(),
    description: draft.description.trim(),
    hazardFactors: lines(draft.lists.hazardFactors),
    accidentTypes: lines(draft.lists.accidentTypes),
    // Checklist items are keyed by the template's code and their position, so a patrol's answers stay matched.
    checklist: lines(draft.lists.checklist).map((text, i) => ({
      code: `${draft.code.trim()}_${i + 1}`,
      text,
    })),
    controlMeasures: lines(draft.lists.controlMeasures),
    emergencyMeasures: lines(draft.lists.emergencyMeasures),
    suggestedAssessment: {
      method: 'LEC',
      L: draft.L,
      E: draft.E,
      C: draft.C,
    } as RiskPointTemplate['suggestedAssessment'],
    gradingCriteria: lines(draft.lists.gradingCriteria),
  };
}

function draftOf(industry: string, template: RiskPointTemplate): Draft {
  return {
    ...EMPTY,
    industry,
    code: template.code,
    name: template.name,
    description: template.description,
    lists: {
      hazardFactors: template.hazardFactors.join('\n'),
      accidentTypes: template.accidentTypes.join('\n'),
      checklist: template.checklist.map((item) => item.text).join('\n'),
      controlMeasures: template.controlMeasures.join('\n'),
      emergencyMeasures: template.emergencyMeasures.join('\n'),
      gradingCriteria: template.gradingCriteria.join('\n'),
    },
    L: template.suggestedAssessment.L,
    E: template.suggestedAssessment.E,
    C: template.suggestedAssessment.C,
  };
}

/** The county's templates, wherever the overrides hold them: added to an industry, or in an industry of its own. */
function countyTemplates(overrides: KnowledgeOverrides): { industry: string; template: RiskPointTemplate }[] {
  return [
    ...Object.entries(overrides.industries).flatMap(([industry, override]) =>
      (override.addedTemplates ?? []).map((template) => ({ industry, template })),
    ),
    ...(overrides.addedIndustries ?? []).flatMap((industry) =>
      industry.templates.map((template) => ({ industry: industry.code, template })),
    ),
  ];
}

/** The overrides with the draft's template put in (replacing one of the same code), and a new industry if asked. */
function withTemplate(overrides: KnowledgeOverrides, draft: Draft): KnowledgeOverrides {
  const template = templateOf(draft);
  const others = (templates: RiskPointTemplate[] = []) =>
    templates.filter((tpl) => tpl.code !== template.code);
  const next: KnowledgeOverrides = structuredClone(overrides);
  for (const override of Object.values(next.industries))
    if (override.addedTemplates) override.addedTemplates = others(override.addedTemplates);
  for (const industry of next.addedIndustries ?? []) industry.templates = others(industry.templates);
  if (draft.industry === NEW_INDUSTRY) {
    next.addedIndustries = [
      ...(next.addedIndustries ?? []),
      {
        code: draft.newIndustryCode.trim(),
        name: draft.newIndustryName.trim(),
        supervisingDepartmentHint: draft.newIndustryDepartment.trim(),
        templates: [template],
      },
    ];
    return next;
  }
  const own = next.addedIndustries?.find((industry) => industry.code === draft.industry);
  if (own) own.templates.push(template);
  else {
    const override = next.industries[draft.industry] ?? {};
    override.addedTemplates = [...(override.addedTemplates ?? []), template];
    next.industries[draft.industry] = override;
  }
  return next;
}

/**
 * The county's own additions to the knowledge base: typical risk points (templates) in an industry, or a new
 * industry. Saved as the county's overrides, one version per save (the vendor's base is never changed, so a
 * vendor update keeps what the county wrote), with a preview of the filing form a grid member will see.
 */
export function KnowledgeEditorPage() {
  const tenant = session.value?.tenant ?? '';
  const document = useAsync(() => api<OverridesDocument>('/knowledge/overrides'), []);
  const industries = useAsync(loadIndustries, []);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [savedVersion, setSavedVersion] = useState<number | undefined>();
  const { errors, error, busy, submit } = useSubmission();
  if (document.error) return html`<${ErrorNotice} error=${document.error} onRetry=${document.reload} />`;
  if (!document.data) return html`<${Loading} />`;
  const { overrides, version } = document.data;
  const set = (field: keyof Draft) => (event: Event) =>
    setDraft({ ...draft, [field]: (event.target as HTMLInputElement).value });
  const setNumber = (field: 'L' | 'E' | 'C') => (event: Event) =>
    setDraft({ ...draft, [field]: Number((event.target as HTMLSelectElement).value) });
  const setList = (field: ListField) => (event: Event) =>
    setDraft({ ...draft, lists: { ...draft.lists, [field]: (event.target as HTMLTextAreaElement).value } });
  const save = (event: Event) => {
    event.preventDefault();
    return submit(async () => {
      const saved = await api<OverridesDocument>('/knowledge/overrides', {
        method: 'PUT',
        // The version goes in the body: a county that never saved overrides is at 0, which If-Match cannot say.
        body: { overrides: withTemplate(overrides, draft), version },
      });
      forgetIndustries();
      setSavedVersion(saved.version);
      setDraft(EMPTY);
      document.reload();
    });
  };
  const mine = countyTemplates(overrides);
  return html`<section>
    <${PageTitle} title=${t('kbEditor.title')}>
      <a class="button" href=${`/${tenant}/knowledge`}>${t('action.back')}</a>
    </${PageTitle}>
    <p class="muted" data-testid="kb-version">${t('kbEditor.version', { version })}</p>
    ${savedVersion !== undefined ? html`<p class="notice" role="status">${t('kbEditor.saved', { version: savedVersion })}</p>` : null}
    <div class="panel">
      <h2>${t('kbEditor.countyTemplates')}</h2>
      ${mine.length === 0 ? html`<p class="muted">${t('kbEditor.none')}</p>` : null}
      <ul data-testid="county-templates">
        ${mine.map(
          ({ industry, template }) => html`<li>
            ${template.name} <code class="small">${template.code}</code>
            <button type="button" class="button button-small" onClick=${() => setDraft(draftOf(industry, template))}
              aria-label=${t('kbEditor.editNamed', { name: template.name })}>${t('action.edit')}</button>
          </li>`,
        )}
      </ul>
    </div>
    <div class="panel-grid">
      <form class="form panel" onSubmit=${save} novalidate data-testid="template-form">
        <h2>${t('kbEditor.template')}</h2>
        ${error ? html`<${ErrorNotice} error=${error} />` : null}
        <${OtherErrors} errors=${errors} fields=${[]} />
        <${Field} label=${t('kbEditor.industry')} name="industry">
          <select id="f-industry" name="industry" value=${draft.industry} onChange=${set('industry')}>
            <option value="">${t('common.choose')}</option>
            ${(industries.data?.items ?? []).map((industry) => html`<option value=${industry.code}>${industry.name}</option>`)}
            <option value=${NEW_INDUSTRY}>${t('kbEditor.newIndustry')}</option>
          </select>
        </${Field}>
        ${
          draft.industry === NEW_INDUSTRY
            ? html`<${Field} label=${t('kbEditor.industryCode')} name="newIndustryCode" hint=${t('kbEditor.codeHint')}>
                <input id="f-newIndustryCode" value=${draft.newIndustryCode} onInput=${set('newIndustryCode')} />
              </${Field}>
              <${Field} label=${t('kbEditor.industryName')} name="newIndustryName">
                <input id="f-newIndustryName" value=${draft.newIndustryName} onInput=${set('newIndustryName')} />
              </${Field}>
              <${Field} label=${t('kbEditor.departmentHint')} name="newIndustryDepartment">
                <input id="f-newIndustryDepartment" value=${draft.newIndustryDepartment} onInput=${set('newIndustryDepartment')} />
              </${Field}>`
            : null
        }
        <${Field} label=${t('kbEditor.code')} name="code" hint=${t('kbEditor.codeHint')}>
          <input id="f-code" name="code" value=${draft.code} onInput=${set('code')} />
        </${Field}>
        <${Field} label=${t('kbEditor.name')} name="name">
          <input id="f-name" name="name" value=${draft.name} onInput=${set('name')} />
        </${Field}>
        <${Field} label=${t('kbEditor.description')} name="description">
          <textarea id="f-description" name="description" rows="2" value=${draft.description} onInput=${set('description')}></textarea>
        </${Field}>
        ${LIST_FIELDS.map(
          (
            field,
          ) => html`<${Field} label=${t(`knowledge.${field}`)} name=${field} hint=${t('kbEditor.onePerLine')}>
            <textarea id=${`f-${field}`} name=${field} rows="3" value=${draft.lists[field]} onInput=${setList(field)}></textarea>
          </${Field}>`,
        )}
        <div class="field-row">
          ${(['L', 'E', 'C'] as const).map(
            (factor) => html`<${Field} label=${t(`kbEditor.lec${factor}`)} name=${factor}>
              <select id=${`f-${factor}`} value=${String(draft[factor])} onChange=${setNumber(factor)}>
                ${LEC[factor].map((value) => html`<option value=${String(value)}>${value}</option>`)}
              </select>
            </${Field}>`,
          )}
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled=${busy || !draft.industry}>${t('action.save')}</button>
          <button type="button" class="button" onClick=${() => setDraft(EMPTY)}>${t('kbEditor.clear')}</button>
        </div>
      </form>
      <${FilingFormPreview} template=${templateOf(draft)} />
    </div>
  </section>`;
}

/**
 * What a grid member's filing form shows once this template is chosen: the typical risk point picked, the name
 * and grading filled in from it, and the checklist and measures beneath. Read-only: nothing here is sent.
 */
function FilingFormPreview({ template }: { template: RiskPointTemplate }) {
  const { L, E, C } = template.suggestedAssessment;
  const score = Math.round(L * E * C * 100) / 100;
  return html`<aside class="panel" aria-labelledby="preview-title" data-testid="filing-preview">
    <h2 id="preview-title">${t('kbEditor.preview')}</h2>
    <p class="muted small">${t('kbEditor.previewHint')}</p>
    <dl class="preview-form">
      <dt>${t('kbEditor.previewTemplate')}</dt><dd data-testid="preview-template">${template.name || '—'}</dd>
      <dt>${t('kbEditor.previewName')}</dt><dd>${template.name || '—'}</dd>
      <dt>${t('kbEditor.previewGrading')}</dt><dd>${t('knowledge.suggested', { L, E, C, D: score })}</dd>
    </dl>
    <h3>${t('knowledge.checklist')}</h3>
    <ul>${template.checklist.map((item) => html`<li><label><input type="checkbox" disabled /> ${item.text}</label></li>`)}</ul>
    <h3>${t('knowledge.controlMeasures')}</h3>
    <ul>${template.controlMeasures.map((item) => html`<li>${item}</li>`)}</ul>
  </aside>`;
}
