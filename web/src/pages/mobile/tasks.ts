import { useEffect } from 'preact/hooks';
import { api, listAll, query } from '../../api/client.ts';
import type { Hazard, Page, Patrol, Unit } from '../../api/types.ts';
import { ErrorNotice, Loading, PageTitle } from '../../components/common.ts';
import { HazardBadges } from '../../components/hazard-badges.ts';
import { useAsync } from '../../hooks.ts';
import { html } from '../../html.ts';
import { formatDateTime, t } from '../../i18n/index.ts';
import { syncState } from '../../offline/sync.ts';
import { can, ownDepartment } from '../../permissions.ts';
import { industryName, loadIndustries } from '../../ref-data.ts';
import { session } from '../../session.ts';

/** The patrols of the person's own grid still to do, soonest due first (overdue ones on top). */
function PatrolsDue({ tenant }: { tenant: string }) {
  const patrols = useAsync(
    () =>
      api<Page<Patrol>>(`/patrols${query({ assignee: 'me', status: 'scheduled', limit: 100 })}`, {
        offlineCache: true,
      }),
    [],
  );
  useSynced(patrols.reload);
  const items = [...(patrols.data?.items ?? [])].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return html`<h2>${t('tasks.patrolsDue')}</h2>
    ${patrols.error ? html`<${ErrorNotice} error=${patrols.error} onRetry=${patrols.reload} />` : null}
    ${patrols.loading && !patrols.data ? html`<${Loading} />` : null}
    <ul class="card-list" data-testid="patrols-due">
      ${items.map(
        (patrol) => html`<li class="card" data-patrol=${patrol.id} data-overdue=${String(patrol.overdue)}>
          <a href=${`/${tenant}/m/patrols/${patrol.id}`} class="patrol-name"><strong>${patrol.unitName}</strong></a>
          ${patrol.overdue ? html` <span class="badge badge-bad">${t('patrol.overdue')}</span>` : null}
          <div class="muted small">${t('patrol.due', { at: formatDateTime(patrol.dueAt) })} · ${t('patrol.items', { n: patrol.checklist.length })}</div>
        </li>`,
      )}
    </ul>
    ${patrols.data && items.length === 0 ? html`<p class="muted">${t('tasks.noPatrols')}</p>` : null}`;
}

/** The hazards of the person's area (a unit manager: its unit) not yet closed, nearest deadline first. */
function HazardsAssigned({ tenant }: { tenant: string }) {
  const hazards = useAsync(
    () => listAll<Hazard>('/hazards').then((all) => all.filter((hazard) => hazard.status !== 'closed')),
    [],
  );
  useSynced(hazards.reload);
  const items = [...(hazards.data ?? [])].sort((a, b) => a.deadline.localeCompare(b.deadline));
  return html`<h2>${t('tasks.hazards')}</h2>
    ${hazards.error ? html`<${ErrorNotice} error=${hazards.error} onRetry=${hazards.reload} />` : null}
    ${hazards.loading && !hazards.data ? html`<${Loading} />` : null}
    <ul class="card-list" data-testid="my-hazards">
      ${items.map(
        (hazard) => html`<li class="card" data-hazard=${hazard.id}>
          <a href=${`/${tenant}/hazards/${hazard.id}`} class="hazard-title"><strong>${hazard.title}</strong></a>
          <div><${HazardBadges} hazard=${hazard} /></div>
          <div class="muted small">${hazard.unitName} · ${t('hazard.deadlineAt', { at: formatDateTime(hazard.deadline) })}</div>
        </li>`,
      )}
    </ul>
    ${hazards.data && items.length === 0 ? html`<p class="muted">${t('tasks.noHazards')}</p>` : null}`;
}

/** Reloads when a queued write of this device was accepted. */
function useSynced(reload: () => void) {
  useEffect(() => {
    window.addEventListener('gridsafe:synced', reload);
    return () => window.removeEventListener('gridsafe:synced', reload);
  }, [reload]);
}

/**
 * The field worker's start page: the patrols due, the hazards to deal with, the units of its village (each one a
 * place to patrol) and the writes still on the phone.
 */
export function TasksPage() {
  const current = session.value!;
  const tenant = current.tenant;
  const department = ownDepartment(current.user);
  // The last list seen is kept on the phone, so the page still shows something in a dead zone.
  const units = useAsync(
    () => api<Page<Unit>>(`/units${query({ department, limit: 100 })}`, { offlineCache: true }),
    [department],
  );
  const industries = useAsync(loadIndustries, []);
  useSynced(units.reload);
  const queued = syncState.value.items.filter((item) => !item.kind.endsWith('.photo'));
  const canRegister = can('unit.create');
  return html`<section class="tasks">
    <${PageTitle} title=${t('tasks.title')}>
      <a class="button button-primary" href=${`/${tenant}/m/file`}>${t('nav.fileRiskPoint')}</a>
      <a class="button" href=${`/${tenant}/m/hazard`}>${t('nav.reportHazard')}</a>
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
    ${can('patrol.read') ? html`<${PatrolsDue} tenant=${tenant} />` : null}
    <${HazardsAssigned} tenant=${tenant} />
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
