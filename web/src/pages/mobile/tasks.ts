import { useEffect } from 'preact/hooks';
import { api, query } from '../../api/client.ts';
import type { Page, Unit } from '../../api/types.ts';
import { ErrorNotice, Loading, PageTitle } from '../../components/common.ts';
import { useAsync } from '../../hooks.ts';
import { html } from '../../html.ts';
import { formatDateTime, t } from '../../i18n/index.ts';
import { syncState } from '../../offline/sync.ts';
import { industryName, loadIndustries } from '../../ref-data.ts';
import { scopeIds, session } from '../../session.ts';

/**
 * The field worker's start page. For now: the units of its village (each one a place to patrol) and the
 * registrations still on the phone. Patrols due and hazards assigned join here when the API serves them.
 */
export function TasksPage() {
  const current = session.value!;
  const tenant = current.tenant;
  const department =
    current.user.role === 'department_officer' ? scopeIds(current.user, 'dept')[0] : undefined;
  // The last list seen is kept on the phone, so the page still shows something in a dead zone.
  const units = useAsync(
    () => api<Page<Unit>>(`/units${query({ department, limit: 100 })}`, { offlineCache: true }),
    [department],
  );
  const industries = useAsync(loadIndustries, []);
  useEffect(() => {
    const onSynced = () => units.reload();
    window.addEventListener('gridsafe:synced', onSynced);
    return () => window.removeEventListener('gridsafe:synced', onSynced);
  }, [units.reload]);
  const queued = syncState.value.items.filter((item) => item.kind !== 'riskPoint.photo');
  const canRegister =
    current.user.role === 'grid_member' ||
    current.user.role === 'township_officer' ||
    current.user.role === 'county_admin';
  return html`<section class="tasks">
    <${PageTitle} title=${t('tasks.title')}>
      <a class="button button-primary" href=${`/${tenant}/m/file`}>${t('nav.fileRiskPoint')}</a>
      ${canRegister ? html`<a class="button" href=${`/${tenant}/m/register`}>${t('nav.registerUnit')}</a>` : null}
    </${PageTitle}>
    ${
      queued.length > 0
        ? html`<h2>${t('tasks.onThisPhone')}</h2>
          <ul class="card-list" data-testid="queued-units">
            ${queued.map(
              (item) => html`<li class="card card-queued">
                <strong>${t(`outbox.kind.${item.kind}`)}: ${item.label}</strong>
                <span class=${`badge ${item.status === 'pending' ? 'badge-warn' : 'badge-bad'}`}>${t(`outbox.${item.status}`)}</span>
                <div class="muted small">${formatDateTime(item.createdAt)}</div>
              </li>`,
            )}
          </ul>`
        : null
    }
    <h2>${t('tasks.myUnits')}</h2>
    ${units.error ? html`<${ErrorNotice} error=${units.error} onRetry=${units.reload} />` : null}
    ${units.loading && !units.data ? html`<${Loading} />` : null}
    <ul class="card-list" data-testid="my-units">
      ${(units.data?.items ?? []).map(
        (unit) => html`<li class="card" data-unit=${unit.id}>
          <a href=${`/${tenant}/units/${unit.id}`} class="unit-name"><strong>${unit.name}</strong></a>
          <div class="muted small">${industryName(industries.data, unit.industry)}${unit.address ? ` · ${unit.address}` : ''}</div>
          <a class="small" href=${`/${tenant}/m/file?unit=${unit.id}`}>${t('nav.fileRiskPoint')}</a>
        </li>`,
      )}
    </ul>
    ${units.data && units.data.items.length === 0 ? html`<p class="muted">${t('units.empty')}</p>` : null}
  </section>`;
}
