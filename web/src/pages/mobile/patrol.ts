import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { FieldProblem, Hazard, Patrol } from '../../api/types.ts';
import { ColourBadge } from '../../components/colour-badge.ts';
import { ErrorNotice, Field, Loading, OtherErrors, PageTitle } from '../../components/common.ts';
import { describePhoto, PhotoPicker } from '../../components/photo-picker.ts';
import { PositionField } from '../../components/position-field.ts';
import { usePosition } from '../../geo.ts';
import { useAsync } from '../../hooks.ts';
import { html } from '../../html.ts';
import { formatDateTime, t } from '../../i18n/index.ts';
import type { QueuedPatrolResult } from '../../offline/outbox.ts';
import { discardItem, submitWrite } from '../../offline/sync.ts';
import { session } from '../../session.ts';
import { HazardTable } from '../hazards.ts';

interface Answer {
  result?: 'ok' | 'deficient';
  note: string;
  photos: File[];
}

type Message = { kind: 'done'; hazards: Hazard[] } | { kind: 'queued' } | { kind: 'error'; text: string };

/** A patrol already done: each item's result, where it was done from, the hazards it opened. */
function PatrolResults({ patrol }: { patrol: Patrol }) {
  return html`<div class="panel" data-testid="patrol-results">
    <p>${t('patrol.doneBy', { by: patrol.completedBy ?? '', at: formatDateTime(patrol.completedAt) })}
      ${patrol.distanceFlagged ? html` <span class="badge badge-warn">${t('patrol.farAway', { m: Math.round(patrol.distanceMeters ?? 0) })}</span>` : null}</p>
    <ul class="plain-list">
      ${(patrol.items ?? []).map(
        (item) => html`<li data-result=${item.result}>
          <span class=${`badge ${item.result === 'ok' ? 'badge-ok' : 'badge-bad'}`}>${t(`patrol.result.${item.result}`)}</span>
          ${item.text}${item.note ? html`<div class="muted small">${item.note}</div>` : null}
        </li>`,
      )}
    </ul>
  </div>`;
}

/**
 * Running a patrol in the field: the unit's checklist, each item present (ok) or missing (not ok) with a note and
 * photos, the phone's GPS position, then complete. The results go through the outbox with an Idempotency-Key and
 * the version shown, so a dead zone or a double tap records the patrol once; every "not ok" becomes a hazard.
 */
export function PatrolPage({ id }: { id: string }) {
  const tenant = session.value!.tenant;
  const patrol = useAsync(
    () => api<Patrol>(`/patrols/${encodeURIComponent(id)}`, { offlineCache: true }),
    [id],
  );
  const { position, locating, locate } = usePosition();
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<Message | undefined>();
  const [busy, setBusy] = useState(false);
  if (patrol.error) return html`<${ErrorNotice} error=${patrol.error} onRetry=${patrol.reload} />`;
  if (!patrol.data) return html`<${Loading} />`;
  const p: Patrol = patrol.data;
  const answerOf = (code: string): Answer => answers[code] ?? { note: '', photos: [] };
  const setAnswer = (code: string, change: Partial<Answer>) =>
    setAnswers({ ...answers, [code]: { ...answerOf(code), ...change } });

  const complete = async (event: Event) => {
    event.preventDefault();
    const problems: FieldProblem[] = [];
    p.checklist.forEach((item, index) => {
      const answer = answerOf(item.code);
      if (!answer.result) problems.push({ path: `items.${index}.result`, message: t('patrol.answerEach') });
      else if (answer.result === 'deficient' && !answer.note.trim())
        problems.push({ path: `items.${index}.note`, message: t('patrol.describeDeficiency') });
    });
    if (!position) problems.push({ path: 'position', message: t('file.needLocation') });
    setErrors(problems);
    setMessage(undefined);
    if (problems.length > 0 || !position) return;
    setBusy(true);
    try {
      const body: QueuedPatrolResult = {
        patrolId: p.id,
        version: p.version,
        position,
        ...(note.trim() ? { note: note.trim() } : {}),
        items: await Promise.all(
          p.checklist.map(async (item) => {
            const answer = answerOf(item.code);
            return {
              code: item.code,
              result: answer.result!,
              ...(answer.note.trim() ? { note: answer.note.trim() } : {}),
              photos: await Promise.all(answer.photos.map((file) => describePhoto(file, position))),
            };
          }),
        ),
      };
      const { item, outcome } = await submitWrite(
        {
          kind: 'patrol.complete',
          method: 'POST',
          path: `/patrols/${p.id}/complete`,
          body,
          label: p.unitName,
        },
        8_000,
      );
      if (outcome.state === 'done') {
        setMessage({ kind: 'done', hazards: (outcome.body as { hazards: Hazard[] }).hazards });
        patrol.reload();
      } else if (outcome.state === 'pending') {
        setMessage({ kind: 'queued' });
      } else {
        await discardItem(item.key);
        setErrors(outcome.problem?.errors ?? []);
        setMessage({ kind: 'error', text: outcome.problem?.detail ?? t('error.badRequest') });
      }
    } finally {
      setBusy(false);
    }
  };

  return html`<section class="patrol" data-testid="patrol" data-status=${p.status}>
    <${PageTitle} title=${t('patrol.title', { unit: p.unitName })}>
      ${p.overdue ? html`<span class="badge badge-bad">${t('patrol.overdue')}</span>` : null}
    </${PageTitle}>
    <p class="muted">${t('patrol.due', { at: formatDateTime(p.dueAt) })}</p>
    ${p.riskPoints.length > 0 ? html`<p>${p.riskPoints.map((rp) => html`<span class="rp-chip">${rp.name} <${ColourBadge} colour=${rp.color} /></span> `)}</p>` : null}
    ${message?.kind === 'queued' ? html`<div class="notice notice-warn" role="status" data-testid="patrol-message">${t('patrol.queued')}</div>` : null}
    ${message?.kind === 'error' ? html`<div class="notice notice-error" role="alert" data-testid="patrol-message">${message.text}</div>` : null}
    ${
      message?.kind === 'done'
        ? html`<div class="notice notice-ok" role="status" data-testid="patrol-message">${t('patrol.completed', { n: message.hazards.length })}</div>
          ${message.hazards.length > 0 ? html`<${HazardTable} items=${message.hazards} />` : null}`
        : null
    }
    ${p.status === 'done' ? html`<${PatrolResults} patrol=${p} />` : null}
    ${
      p.status === 'scheduled'
        ? html`<form class="form" novalidate onSubmit=${complete} data-testid="patrol-form">
            <${OtherErrors} errors=${errors} fields=${['items', 'position', 'note']} />
            <ol class="checklist">
              ${p.checklist.map((item, index) => {
                const answer = answerOf(item.code);
                return html`<li class="card checklist-item" data-code=${item.code} data-result=${answer.result ?? ''}>
                  <${Field} label=${item.text} name=${`items.${index}`} errors=${errors}>
                    <div class="segmented" role="radiogroup" aria-label=${item.text}>
                      ${(['ok', 'deficient'] as const).map(
                        (
                          result,
                        ) => html`<button type="button" role="radio" data-result=${result} aria-checked=${answer.result === result}
                          class=${answer.result === result ? 'active' : ''} onClick=${() => setAnswer(item.code, { result })}>${t(`patrol.result.${result}`)}</button>`,
                      )}
                    </div>
                    ${
                      answer.result === 'deficient'
                        ? html`<textarea name=${`note-${item.code}`} rows="2" maxlength="1000" placeholder=${t('patrol.notePlaceholder')}
                            value=${answer.note} onInput=${(e: Event) => setAnswer(item.code, { note: (e.target as HTMLTextAreaElement).value })}></textarea>
                          <${PhotoPicker} id=${`f-photos-${index}`} photos=${answer.photos} onChange=${(photos: File[]) => setAnswer(item.code, { photos })} />`
                        : null
                    }
                  </${Field}>
                </li>`;
              })}
            </ol>
            <${PositionField} position=${position} locating=${locating} locate=${locate} errors=${errors} />
            <${Field} label=${t('hazard.note')} name="note" errors=${errors}>
              <textarea id="f-note" name="note" rows="2" maxlength="1000" value=${note}
                onInput=${(e: Event) => setNote((e.target as HTMLTextAreaElement).value)}></textarea>
            </${Field}>
            <div class="form-actions">
              <button type="submit" class="button button-primary" disabled=${busy}>${t('patrol.complete')}</button>
              <a class="button" href=${`/${tenant}/m/tasks`}>${t('action.back')}</a>
            </div>
          </form>`
        : null
    }
  </section>`;
}
