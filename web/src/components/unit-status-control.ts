import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { UnitView } from '../api/types.ts';
import { useSubmission } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { ErrorNotice, Field } from './common.ts';

/** A unit's status as a badge: 在营, 停产整顿, 关闭取缔 or 注销. */
export function UnitStatusBadge({ status }: { status: UnitView['status'] }) {
  return html`<span class=${`badge unit-status status-${status}`} data-unit-status=${status}>${t(`unitStatus.${status}`)}</span>`;
}

/**
 * Changes a unit's status to one of the steps the API offers this person (`allowedStatuses`): the web knows no
 * rule of its own about who may close what. Shown only when there is a step to take.
 */
export function UnitStatusControl({ unit, onChanged }: { unit: UnitView; onChanged: () => void }) {
  const steps = unit.allowedStatuses ?? [];
  const [to, setTo] = useState(steps[0] ?? '');
  const [reason, setReason] = useState('');
  const { errors, error, busy, submit } = useSubmission();
  if (steps.length === 0) return null;
  const send = (event: Event) => {
    event.preventDefault();
    void submit(async () => {
      await api(`/units/${unit.id}`, {
        method: 'PATCH',
        headers: { 'if-match': String(unit.version) },
        body: { status: to, ...(reason.trim() ? { statusReason: reason.trim() } : {}) },
      });
      setReason('');
      onChanged();
    });
  };
  return html`<form class="panel unit-status-form" data-testid="unit-status-control" onSubmit=${send}>
    <h2>${t('unitStatus.change')}</h2>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${Field} label=${t('unitStatus.to')} name="status" errors=${errors}>
      <select id="f-status" name="status" value=${to} onChange=${(e: Event) => setTo((e.target as HTMLSelectElement).value as typeof to)}>
        ${steps.map((status) => html`<option value=${status}>${t(`unitStatus.${status}`)}</option>`)}
      </select>
    </${Field}>
    <${Field} label=${t('unitStatus.reason')} name="statusReason" errors=${errors} hint=${t('unitStatus.reasonHint')}>
      <input id="f-statusReason" name="statusReason" value=${reason} maxlength="200"
        onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} />
    </${Field}>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${t('unitStatus.submit')}</button>
    </div>
  </form>`;
}
