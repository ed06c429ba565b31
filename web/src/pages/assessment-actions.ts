import { useState } from 'preact/hooks';
import { api, query } from '../api/client.ts';
import type { AssessmentAction, ScoredRow } from '../api/types.ts';
import { ErrorNotice } from '../components/common.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { formatDate, label, t } from '../i18n/index.ts';
import { can } from '../permissions.ts';

/**
 * The 约谈 and 通报 of the period, each deducted from its township's or department's score, and (county admin)
 * the form that records one and the button that withdraws one: a withdrawal is a record of its own, both listed.
 */
export function AssessmentActions({
  quarter,
  year,
  rows,
  onChange,
}: {
  quarter: string | undefined;
  year: string;
  rows: ScoredRow[];
  onChange: () => void;
}) {
  const list = useAsync(
    () =>
      api<{ items: AssessmentAction[] }>(`/assessments/actions${query(quarter ? { quarter } : { year })}`),
    [quarter, year],
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const manage = can('assessment.manage') && quarter !== undefined;
  const targets = rows.filter((row) => row.kind === 'township' || row.kind === 'department');
  const send = async (body: Record<string, unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await api('/assessments/actions', { method: 'POST', body });
      list.reload();
      onChange();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const record = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const target = targets.find((row) => row.id === data.get('target'));
    if (!target) return;
    const done = await send({
      kind: data.get('kind'),
      quarter,
      targetKind: target.kind,
      targetId: target.id,
      reason: String(data.get('reason') ?? ''),
    });
    if (done) form.reset();
  };
  const withdraw = (action: AssessmentAction) => {
    const reason = window.prompt(t('assessmentActions.withdrawReason'));
    if (reason) void send({ kind: 'withdrawal', withdraws: action.id, reason });
  };
  const items = list.data?.items ?? [];
  return html`<section class="card" data-testid="assessment-actions">
    <h2>${t('assessmentActions.title')}</h2>
    ${
      manage
        ? html`<form class="filters" data-testid="assessment-action-form" onSubmit=${record}>
            <div class="field"><label for="action-kind">${t('assessmentActions.kind')}</label>
              <select id="action-kind" name="kind">
                <option value="interview">${t('assessmentActions.kind.interview')}</option>
                <option value="circular">${t('assessmentActions.kind.circular')}</option>
              </select></div>
            <div class="field"><label for="action-target">${t('assessmentActions.target')}</label>
              <select id="action-target" name="target" required>
                ${targets.map((row) => html`<option value=${row.id}>${row.name}（${label('assessmentKind', row.kind)}）</option>`)}
              </select></div>
            <div class="field"><label for="action-reason">${t('assessmentActions.reason')}</label>
              <input id="action-reason" name="reason" required maxLength="500" /></div>
            <button type="submit" class="button button-primary" disabled=${busy}>${t('assessmentActions.record')}</button>
          </form>`
        : null
    }
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    ${list.error ? html`<${ErrorNotice} error=${list.error} onRetry=${list.reload} />` : null}
    ${
      items.length === 0
        ? html`<p class="muted">${t('assessmentActions.empty')}</p>`
        : html`<ul class="plain" data-testid="assessment-action-list">
            ${items.map(
              (item) => html`<li data-action=${item.id} data-kind=${item.kind}>
                <strong>${label('assessmentActions.kind', item.kind)}</strong> · ${item.targetName} · ${item.quarter} · ${item.reason}
                <span class="muted small"> ${formatDate(item.createdAt)}</span>
                ${item.withdrawnBy ? html` <span class="badge">${t('assessmentActions.withdrawn')}</span>` : null}
                ${
                  can('assessment.manage') && item.kind !== 'withdrawal' && !item.withdrawnBy
                    ? html` <button type="button" class="button small" disabled=${busy} onClick=${() => withdraw(item)}>${t('assessmentActions.withdraw')}</button>`
                    : null
                }
              </li>`,
            )}
          </ul>`
    }
  </section>`;
}
