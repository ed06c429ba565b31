import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client.ts';
import type { FieldProblem, SettingsAnswer } from '../api/types.ts';
import { useAsync } from '../hooks.ts';

type Settings = SettingsAnswer['settings'];

/**
 * One part of the county's settings edited on its own (the base map, the assessment's scoring): loaded, held as a
 * draft, and saved into the settings as they stand when saving (read again first, then written at that version),
 * so it changes its part only; a concurrent change of the settings still answers 409. The API names a field
 * `settings.<part>.<path>`; `errors` names it by `<path>`, as the part's form does.
 */
export function useSettingsPart<Part extends keyof Settings>(part: Part) {
  const loaded = useAsync(() => api<SettingsAnswer>('/settings'), []);
  const [draft, setDraft] = useState<Settings[Part] | undefined>();
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const current = draft ?? loaded.data?.settings[part];
  const edit = (next: Settings[Part]) => {
    setSaved(false);
    setDraft(next);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    if (current === undefined) return;
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const fresh = await api<SettingsAnswer>('/settings');
      const answer = await api<SettingsAnswer>('/settings', {
        method: 'PUT',
        body: { settings: { ...fresh.settings, [part]: current }, version: fresh.version },
      });
      setDraft(answer.settings[part]);
      setSaved(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const prefix = `settings.${String(part)}.`;
  const errors: FieldProblem[] =
    error instanceof ApiError
      ? (error.problem?.errors ?? []).map((problem) => ({
          ...problem,
          path: problem.path.startsWith(prefix) ? problem.path.slice(prefix.length) : problem.path,
        }))
      : [];
  return { loaded, current, edit, save, error, errors, saved, busy };
}
