import { useState } from 'preact/hooks';
import type { FieldProblem, GridNode, Unit } from '../api/types.ts';
import { PageTitle } from '../components/common.ts';
import { loadGridOptions } from '../components/grid-select.ts';
import { createBody, draftOf, type UnitDraft, UnitForm, validateDraft } from '../components/unit-form.ts';
import { useAsync } from '../hooks.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { discardItem, submitWrite } from '../offline/sync.ts';
import { worksInField } from '../permissions.ts';
import { loadGrid, loadIndustries } from '../ref-data.ts';
import { navigate } from '../router.ts';
import { scopeIds, session } from '../session.ts';

/** How long a form waits for the API before telling the person the write is queued on the device. */
const ANSWER_WAIT_MS = 8_000;

/**
 * The villages a person may register units in. A grid member's own village comes from its scope and the
 * offline copy, so the phone form works with no signal; officers pick from their subtree.
 */
async function placeableGrids(): Promise<GridNode[]> {
  const user = session.value?.user;
  // Only a field worker's own grants are villages; an officer's list comes from the API (so no lookup offline).
  if (user && worksInField(user)) {
    const own = await Promise.all(scopeIds(user, 'grid').map((id) => loadGrid(id)));
    if (own.length > 0 && own.every((grid) => grid.level === 'village')) return own;
  }
  return loadGridOptions();
}

/**
 * Registers a unit through the device's outbox: online it is sent at once and the answer shown here (field
 * errors next to the fields); offline, or when the network stalls, it stays queued and syncs later.
 */
export function UnitCreatePage({ compact }: { compact?: boolean }) {
  const tenant = session.value?.tenant ?? '';
  const grids = useAsync(placeableGrids, []);
  const industries = useAsync(loadIndustries, []);
  const villages = (grids.data ?? []).filter((grid) => grid.level === 'village');
  const [draft, setDraft] = useState<UnitDraft>(draftOf());
  const [errors, setErrors] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<{ kind: 'ok' | 'queued' | 'error'; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  // The only village is chosen for the person.
  const effective: UnitDraft =
    !draft.gridId && villages.length === 1 ? { ...draft, gridId: villages[0]!.id } : draft;

  const submit = async () => {
    const problems = validateDraft(effective, true);
    setErrors(problems);
    setMessage(undefined);
    if (problems.length > 0) return;
    setBusy(true);
    try {
      const { item, outcome } = await submitWrite(
        {
          kind: 'unit.create',
          method: 'POST',
          path: '/units',
          body: createBody(effective),
          label: effective.name.trim(),
        },
        ANSWER_WAIT_MS,
      );
      if (outcome.state === 'done') {
        const unit = outcome.body as Unit;
        setDraft(draftOf());
        if (compact) setMessage({ kind: 'ok', text: t('register.saved', { name: unit.name }) });
        else navigate(`/${tenant}/units/${unit.id}`);
      } else if (outcome.state === 'pending') {
        setDraft(draftOf());
        setMessage({ kind: 'queued', text: t('register.queued', { name: item.label }) });
      } else {
        // Refused while the person is still here: take it back out of the queue and show why, field by field.
        await discardItem(item.key);
        setErrors(outcome.problem?.errors ?? []);
        setMessage({
          kind: 'error',
          text:
            outcome.state === 'conflict'
              ? t('error.conflict')
              : (outcome.problem?.detail ?? t('error.badRequest')),
        });
      }
    } finally {
      setBusy(false);
    }
  };

  return html`<section>
    <${PageTitle} title=${t('register.title')} />
    ${
      message
        ? html`<div class=${`notice ${message.kind === 'error' ? 'notice-error' : message.kind === 'queued' ? 'notice-warn' : 'notice-ok'}`}
            role="status" data-testid="register-message">${message.text}</div>`
        : null
    }
    <div class="panel">
      <${UnitForm} draft=${effective} onChange=${setDraft} onSubmit=${submit} errors=${errors} industries=${industries.data}
        grids=${grids.data ?? []} creating=${true} busy=${busy} submitLabel=${t('register.submit')} compact=${compact} />
    </div>
  </section>`;
}
