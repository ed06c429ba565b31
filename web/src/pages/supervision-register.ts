import type { Hazard } from '../api/types.ts';
import { ErrorNotice, Loading, Pager, PageTitle } from '../components/common.ts';
import { FIVE_FIELDS } from '../components/supervise-fields.ts';
import { supervisionAge } from '../components/supervision-panel.ts';
import { usePagedList } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDate, type MessageKey, t } from '../i18n/index.ts';
import { session } from '../session.ts';

/**
 * 挂牌督办台账: the hazards the county listed for supervision (`GET /hazards?supervised=true`, the register's own
 * index), longest listed first, with each listing's age in days, its stage and whether its 五落实 are complete.
 */
export function SupervisionRegisterPage() {
  const tenant = session.value?.tenant ?? '';
  const list = usePagedList<Hazard>('/hazards', { supervised: 'true' }, 50);
  const missing = (hazard: Hazard) =>
    FIVE_FIELDS.filter((field) => {
      const v = hazard.supervision?.[field];
      return v === undefined || v === '';
    });
  return html`<section data-testid="supervision-register">
    <${PageTitle} title=${t('supervision.title')} />
    <p class="muted">${t('supervision.help')}</p>
    ${list.error ? html`<${ErrorNotice} error=${list.error} onRetry=${list.reload} />` : null}
    ${!list.data && !list.error ? html`<${Loading} />` : null}
    ${list.data && list.data.items.length === 0 ? html`<p class="muted">${t('supervision.empty')}</p>` : null}
    ${
      list.data && list.data.items.length > 0
        ? html`<table class="table responsive" data-testid="register-table">
            <thead><tr>
              <th>${t('supervision.number')}</th><th>${t('hazard.title')}</th><th>${t('riskPoint.unit')}</th>
              <th>${t('supervision.listedAt')}</th><th>${t('supervision.age')}</th><th>${t('supervision.stage')}</th>
              <th>${t('supervision.deadline')}</th><th>${t('supervision.fiveImplementations')}</th>
            </tr></thead>
            <tbody>
              ${list.data.items.map((hazard) => {
                const lacking = missing(hazard);
                const stage = hazard.supervision?.stage ?? 'listed';
                return html`<tr data-hazard=${hazard.id} data-stage=${stage}>
                  <td data-label=${t('supervision.number')}>${hazard.supervision?.number ?? t('supervision.unnumbered')}</td>
                  <td data-label=${t('hazard.title')}><a href=${`/${tenant}/hazards/${hazard.id}`}>${hazard.title}</a></td>
                  <td data-label=${t('riskPoint.unit')}>${hazard.unitName}</td>
                  <td data-label=${t('supervision.listedAt')}>${formatDate(hazard.supervision?.listedAt ?? hazard.supervisedAt)}</td>
                  <td data-label=${t('supervision.age')} data-testid="age">${t('supervision.ageDays', { n: supervisionAge(hazard) })}</td>
                  <td data-label=${t('supervision.stage')}>${t(`supervision.stage.${stage}` as MessageKey)}</td>
                  <td data-label=${t('supervision.deadline')}>${hazard.supervision?.deadline ?? '—'}</td>
                  <td data-label=${t('supervision.fiveImplementations')}>${
                    lacking.length === 0
                      ? '✓'
                      : html`<span class="badge badge-warn">${t('supervision.missing')}</span>`
                  }</td>
                </tr>`;
              })}
            </tbody>
          </table>`
        : null
    }
    <${Pager} ...${list.pager} />
  </section>`;
}
