import type { FieldProblem } from '../api/types.ts';
import type { Position } from '../geo.ts';
import { html } from '../html.ts';
import { t } from '../i18n/index.ts';
import { Field } from './common.ts';

/** The phone's GPS position as a read-only field with a button to ask again. */
export function PositionField({
  position,
  fallback,
  locating,
  locate,
  errors,
}: {
  position?: Position;
  /** Shown when the phone has no fix but something else stands in (the unit's own position). */
  fallback?: string;
  locating: boolean;
  locate: () => void;
  errors?: readonly FieldProblem[];
}) {
  return html`<${Field} label=${t('unit.location')} name="location" errors=${errors}>
    <div class="inline-inputs">
      <output class="readonly" data-testid="location">${position ? `${position.lat}, ${position.lng}` : (fallback ?? '—')}</output>
      <button type="button" class="button" onClick=${locate} disabled=${locating}>${locating ? t('unit.locating') : t('unit.useGps')}</button>
    </div>
  </${Field}>`;
}
