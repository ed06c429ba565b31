import { useState } from 'preact/hooks';
import { ApiError, api, listAll } from '../api/client.ts';
import type { AuditTrail, RiskPoint, Unit, UnitCreditView, UnitView } from '../api/types.ts';
import { AuditHistory } from '../components/audit-history.ts';
import { ColourBadge, StatusBadge } from '../components/colour-badge.ts';
import { ErrorNotice, Loading, PageTitle } from '../components/common.ts';
import { CreditBadge, CreditPanel } from '../components/credit-badge.ts';
import { loadGridOptions } from '../components/grid-select.ts';
import { PlansPanel } from '../components/plans-panel.ts';
import { draftOf, patchBody, type UnitDraft, UnitForm, validateDraft } from '../components/unit-form.ts';
import { UnitStatusBadge, UnitStatusControl } from '../components/unit-status-control.ts';
import { useAsync, useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDateTime, label, t } from '../i18n/index.ts';
import { can, ownDepartment } from '../permissions.ts';
import { industryName, loadDepartments, loadGrid, loadIndustries } from '../ref-data.ts';
import { session } from '../session.ts';

/** A unit's record: details, the actions the viewer may take (edit), and its full audit history. */
export function UnitPage({ id }: { id: string }) {
  const current = session.value!;
  const unit = useAsync(() => api<UnitView>(`/units/${encodeURIComponent(id)}`), [id]);
  const audit = useAsync(() => api<AuditTrail>(`/units/${encodeURIComponent(id)}/audit`), [id]);
  const credit = useAsync(() => api<UnitCreditView>(`/units/${encodeURIComponent(id)}/credit`), [id]);
  const industries = useAsync(loadIndustries, []);
  const departments = useAsync(loadDepartments, []);
  const grid = useAsync(
    () => (unit.data ? loadGrid(unit.data.gridId).catch(() => undefined) : Promise.resolve(undefined)),
    [unit.data?.gridId],
  );
  // The API lists points by area (or department); the unit filter narrows that list to this unit.
  const riskPoints = useAsync(() => {
    const u = unit.data;
    if (!u) return Promise.resolve(undefined);
    // An industry's officer lists by its department, others by the unit's village; a unit's manager has one unit.
    const department = ownDepartment(current.user);
    const area = department ? { department } : can('grid.read') ? { grid: u.gridId } : {};
    return listAll<RiskPoint>('/risk-points', { ...area, unit: u.id });
  }, [unit.data?.id]);
  const [editing, setEditing] = useState(false);
  if (unit.error) return html`<${ErrorNotice} error=${unit.error} onRetry=${unit.reload} />`;
  if (!unit.data) return html`<${Loading} />`;
  const u: UnitView = unit.data;
  const department = departments.data?.find((d) => d.id === u.departmentId);
  const rows: [string, string][] = [
    [t('unit.creditCode'), u.creditCode ?? t('unit.unlicensed')],
    [t('unitStatus.label'), t(`unitStatus.${u.status}`)],
    ...(u.statusReason ? [[t('unitStatus.reason'), u.statusReason] as [string, string]] : []),
    ...(u.statusChangedAt
      ? [[t('unitStatus.changedAt'), formatDateTime(u.statusChangedAt)] as [string, string]]
      : []),
    [t('unit.industry'), industryName(industries.data, u.industry)],
    [t('unit.grid'), grid.data?.name ?? ''],
    [t('unit.department'), department?.name ?? ''],
    [t('unit.supervisionLevel'), label('level', u.supervisionLevel)],
    [t('unit.address'), u.address ?? ''],
    [t('unit.location'), u.location ? `${u.location.lat}, ${u.location.lng}` : ''],
    [t('unit.contactName'), u.contact?.name ?? ''],
    [t('unit.contactPhone'), u.contact?.phone ?? ''],
    [t('unit.createdAt'), formatDateTime(u.createdAt)],
    [t('unit.updatedAt'), formatDateTime(u.updatedAt)],
    [t('unit.version'), String(u.version)],
  ];
  return html`<section data-testid="unit-record">
    <${PageTitle} title=${u.name}>
      <${UnitStatusBadge} status=${u.status} />
      ${credit.data?.current ? html`<${CreditBadge} level=${credit.data.current.level} />` : null}
      ${u.unlicensed ? html`<span class="badge" data-unlicensed>${t('unit.unlicensed')}</span>` : null}
      ${
        can('inspection.record')
          ? html`<a class="button" data-testid="inspect" href=${`/${current.tenant}/inspections/new?unit=${u.id}`}>${t('inspections.new')}</a>`
          : null
      }
      ${
        can('unit.update') && !editing
          ? html`<button type="button" class="button button-primary" onClick=${() => setEditing(true)}>${t('action.edit')}</button>`
          : null
      }
    </${PageTitle}>
    ${
      editing
        ? html`<div class="panel"><${UnitEdit} unit=${u} industries=${industries.data}
            onCancel=${() => setEditing(false)}
            onSaved=${() => {
              setEditing(false);
              unit.reload();
              audit.reload();
              credit.reload();
            }} /></div>`
        : html`<div class="panel">
            <dl class="details">
              ${rows.map(([name, value]) => html`<div><dt>${name}</dt><dd>${value || '—'}</dd></div>`)}
            </dl>
          </div>`
    }
    ${
      editing
        ? null
        : html`<${UnitStatusControl} unit=${u} onChanged=${() => {
            unit.reload();
            audit.reload();
          }} />`
    }
    ${credit.error ? html`<${ErrorNotice} error=${credit.error} />` : null}
    ${credit.data ? html`<${CreditPanel} credit=${credit.data} />` : null}
    <div class="panel" data-testid="unit-risk-points">
      <div class="section-head">
        <h2>${t('riskPoints.title')}</h2>
        <a class="button button-small" href=${`/${current.tenant}/boards/unit/${u.id}`}>${t('boards.printUnit')}</a>
        ${can('grid.read') ? html`<a class="button button-small" href=${`/${current.tenant}/boards/village/${u.gridId}`}>${t('boards.printVillage')}</a>` : null}
        ${
          can('riskPoint.file')
            ? html`<a class="button button-small" href=${`/${current.tenant}/m/file?unit=${u.id}`}>${t('nav.fileRiskPoint')}</a>`
            : null
        }
      </div>
      ${riskPoints.error ? html`<${ErrorNotice} error=${riskPoints.error} />` : null}
      ${riskPoints.data && riskPoints.data.length === 0 ? html`<p class="muted">${t('riskPoints.empty')}</p>` : null}
      <ul class="plain-list">
        ${(riskPoints.data ?? []).map(
          (point) => html`<li>
            <a href=${`/${current.tenant}/risk-points/${point.id}`}>${point.name}</a>
            <${ColourBadge} colour=${point.color} /> <${StatusBadge} status=${point.status} />
          </li>`,
        )}
      </ul>
    </div>
    <${PlansPanel} unitId=${u.id} />
    ${audit.error ? html`<${ErrorNotice} error=${audit.error} />` : null}
    ${audit.data ? html`<div class="panel"><${AuditHistory} trail=${audit.data} /></div>` : null}
  </section>`;
}

function UnitEdit({
  unit,
  industries,
  onCancel,
  onSaved,
}: {
  unit: Unit;
  industries: import('../api/types.ts').IndustryList | undefined;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const [draft, setDraft] = useState<UnitDraft>(draftOf(unit));
  const { errors, setErrors, error, setError, busy, submit } = useSubmission();
  const grids = useAsync(loadGridOptions, []);
  const save = async () => {
    const problems = validateDraft(draft, false);
    setErrors(problems);
    setError(undefined);
    if (problems.length > 0) return;
    const body = patchBody(draft, unit);
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    await submit(async () => {
      // The version shown is the version edited: a change by someone else meanwhile is refused with 409.
      await api<Unit>(`/units/${unit.id}`, {
        method: 'PATCH',
        headers: { 'if-match': String(unit.version) },
        body,
      });
      onSaved();
    });
  };
  return html`<div>
    <h2>${t('unit.editTitle')}</h2>
    ${
      error instanceof ApiError && error.status === 409
        ? html`<div class="notice notice-error" role="alert" data-testid="conflict">
            ${t('error.conflict')} <button type="button" class="button button-small" onClick=${onSaved}>${t('action.loadLatest')}</button>
          </div>`
        : error
          ? html`<${ErrorNotice} error=${error} />`
          : null
    }
    <${UnitForm} draft=${draft} onChange=${setDraft} onSubmit=${save} errors=${errors} industries=${industries}
      grids=${grids.data ?? []} creating=${false} busy=${busy} submitLabel=${t('action.save')} />
    <button type="button" class="button" onClick=${onCancel}>${t('action.cancel')}</button>
  </div>`;
}
