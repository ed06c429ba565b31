import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { FieldProblem, Hazard, HazardAction } from '../api/types.ts';
import { currentPosition } from '../geo.ts';
import { html } from '../html.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import type { QueuedHazardAction } from '../offline/outbox.ts';
import { discardItem, submitWrite } from '../offline/sync.ts';
import { ErrorNotice, Field, OtherErrors } from './common.ts';
import { describePhoto, PhotoPicker } from './photo-picker.ts';
import { EMPTY_FIVE, FIVE_FIELDS, fiveBody, missingFive, SuperviseFields } from './supervise-fields.ts';

/** A step of the hazard's work order, as the API names it in `allowedActions` and in the step's path. */
export type HazardActionName = HazardAction;

interface ActionShape {
  /** What the form asks for: a note, a reason, photos; required ones must be filled before sending. */
  note?: 'required' | 'optional';
  reason?: 'required' | 'optional';
  photos?: 'required' | 'optional';
  /** The listing's five commitments (五落实), all required. */
  five?: true;
  danger?: boolean;
}

const SHAPES: Record<HazardActionName, ActionShape> = {
  start: { note: 'optional' },
  'report-rectified': { note: 'required', photos: 'required' },
  verify: { note: 'optional', photos: 'optional' },
  reject: { reason: 'required', danger: true },
  'resolve-on-site': { note: 'required', photos: 'required' },
  escalate: { reason: 'optional' },
  supervise: { reason: 'optional', five: true },
  accept: { note: 'optional' },
  delist: { note: 'optional' },
};

type Result = { kind: 'done' } | { kind: 'queued' };

/**
 * One step's form. It goes through the device's outbox (a rectification report is often made where the signal is
 * weak): photos first, then the step with If-Match = the version on screen, so a stale page gets 409 instead of
 * overwriting someone else's step.
 */
function ActionForm({
  hazard,
  action,
  onDone,
  onCancel,
  replaces,
}: {
  hazard: Hazard;
  action: HazardActionName;
  onDone: (result: Result) => void;
  onCancel: () => void;
  /** A refused listing queued on this phone that this form completes: dropped once this one is sent. */
  replaces?: { key: string; reason?: string };
}) {
  const shape = SHAPES[action];
  const [note, setNote] = useState('');
  const [reason, setReason] = useState(replaces?.reason ?? '');
  const [five, setFive] = useState(EMPTY_FIVE);
  const [photos, setPhotos] = useState<File[]>([]);
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const send = async (event: Event) => {
    event.preventDefault();
    const problems: FieldProblem[] = [];
    if (shape.note === 'required' && !note.trim())
      problems.push({ path: 'note', message: t('validation.required') });
    if (shape.reason === 'required' && !reason.trim())
      problems.push({ path: 'reason', message: t('validation.required') });
    if (shape.photos === 'required' && photos.length === 0)
      problems.push({ path: 'photoIds', message: t('hazard.photoRequired') });
    if (shape.five) problems.push(...missingFive(five));
    setErrors(problems);
    setError(undefined);
    if (problems.length > 0) return;
    setBusy(true);
    try {
      const location = await currentPosition();
      const body: QueuedHazardAction = {
        hazardId: hazard.id,
        action,
        version: hazard.version,
        input: {
          ...(note.trim() ? { note: note.trim() } : {}),
          ...(reason.trim() ? { reason: reason.trim() } : {}),
          ...(shape.five ? fiveBody(five) : {}),
          ...(location ? { location } : {}),
        },
        photos: await Promise.all(photos.map((file) => describePhoto(file, location))),
      };
      const { item, outcome } = await submitWrite(
        {
          kind: 'hazard.action',
          method: 'POST',
          path: `/hazards/${hazard.id}/${action}`,
          body,
          label: hazard.title,
        },
        8_000,
      );
      if (outcome.state !== 'failed' && outcome.state !== 'conflict' && replaces)
        await discardItem(replaces.key);
      if (outcome.state === 'done') return onDone({ kind: 'done' });
      if (outcome.state === 'pending') return onDone({ kind: 'queued' });
      // Refused: nothing stays queued; the reason is shown here while the person is still on the page.
      await discardItem(item.key);
      setErrors(outcome.problem?.errors ?? []);
      setError(
        new ApiError(outcome.problem?.status ?? (outcome.state === 'conflict' ? 409 : 400), outcome.problem),
      );
    } finally {
      setBusy(false);
    }
  };
  const fields = ['note', 'reason', 'photoIds', ...(shape.five ? FIVE_FIELDS : [])];
  return html`<form class="form action-form" novalidate onSubmit=${send} data-action=${action}>
    ${error ? html`<${ErrorNotice} error=${error} />` : null}
    <${OtherErrors} errors=${errors} fields=${fields} />
    ${
      shape.note
        ? html`<${Field} label=${t(shape.note === 'required' ? 'hazard.noteRequired' : 'hazard.note')} name="note" errors=${errors}>
            <textarea id="f-note" name="note" rows="3" maxlength="1000" value=${note}
              onInput=${(e: Event) => setNote((e.target as HTMLTextAreaElement).value)}></textarea>
          </${Field}>`
        : null
    }
    ${shape.five ? html`<${SuperviseFields} values=${five} errors=${errors} onChange=${setFive} />` : null}
    ${
      shape.reason
        ? html`<${Field} label=${t('hazard.reason')} name="reason" errors=${errors}>
            <textarea id="f-reason" name="reason" rows="3" maxlength="500" value=${reason}
              onInput=${(e: Event) => setReason((e.target as HTMLTextAreaElement).value)}></textarea>
          </${Field}>`
        : null
    }
    ${
      shape.photos
        ? html`<${Field} label=${t('riskPoint.photos')} name="photoIds" errors=${errors}>
            <${PhotoPicker} id="f-action-photos" testId="action-photos" photos=${photos} onChange=${setPhotos} />
          </${Field}>`
        : null
    }
    <div class="form-actions">
      <button type="submit" class=${`button ${shape.danger ? 'button-danger' : 'button-primary'}`} disabled=${busy}>
        ${t('hazard.confirm', { action: t(`hazardAction.${action}` as MessageKey) })}
      </button>
      <button type="button" class="button" onClick=${onCancel}>${t('action.cancel')}</button>
    </div>
  </form>`;
}

/**
 * The buttons for the steps the API says are open to the viewer now (`allowedActions`: core's state machine and
 * permissions, the county's settings), and the form of the one chosen. The API checks again when it is sent.
 */
export function HazardActions({
  hazard,
  onChanged,
  incomplete,
}: {
  hazard: Hazard;
  onChanged: () => void;
  /** A listing queued on this phone that the server refused for its missing 五落实 (supervision-panel.ts). */
  incomplete?: { key: string; reason?: string };
}) {
  const [open, setOpen] = useState<HazardActionName | undefined>(
    incomplete && hazard.allowedActions?.includes('supervise') ? 'supervise' : undefined,
  );
  const [queued, setQueued] = useState(false);
  const actions = hazard.allowedActions ?? [];
  return html`<div class="panel actions-panel" data-testid="actions">
    <h2>${t('riskPoint.actions')}</h2>
    ${queued ? html`<div class="notice notice-warn" role="status">${t('hazard.queued')}</div>` : null}
    ${actions.length === 0 ? html`<p class="muted">${t('hazard.noActions')}</p>` : null}
    <div class="form-actions wrap">
      ${actions.map(
        (action) => html`<button type="button" data-action=${action}
          class=${`button ${open === action ? 'button-primary' : ''} ${SHAPES[action].danger ? 'button-danger' : ''}`}
          onClick=${() => setOpen(open === action ? undefined : action)}>${t(`hazardAction.${action}` as MessageKey)}</button>`,
      )}
    </div>
    ${
      open
        ? html`<${ActionForm} key=${open} hazard=${hazard} action=${open} onCancel=${() => setOpen(undefined)}
            replaces=${open === 'supervise' ? incomplete : undefined}
            onDone=${(result: Result) => {
              setOpen(undefined);
              setQueued(result.kind === 'queued');
              onChanged();
            }} />`
        : null
    }
  </div>`;
}
