import { isValidCreditCode, normalizeCreditCode } from '@gridsafe/core/credit-code';
import { useState } from 'preact/hooks';
import type { FieldProblem, GridNode, IndustryList, Unit } from '../api/types.ts';
import { html } from '../html.ts';
import { label, t } from '../i18n/index.ts';
import { Field, OtherErrors } from './common.ts';
import { GridSelect } from './grid-select.ts';

export interface UnitDraft {
  name: string;
  creditCode: string;
  /** Registered without a business licence (无证照): no credit code. */
  unlicensed: boolean;
  industry: string;
  gridId: string;
  address: string;
  lat: string;
  lng: string;
  supervisionLevel: 'county' | 'township' | 'village';
  contactName: string;
  contactPhone: string;
}

export const FIELDS = [
  'name',
  'creditCode',
  'industry',
  'gridId',
  'address',
  'location',
  'supervisionLevel',
  'contact',
] as const;

export function draftOf(unit?: Unit, gridId = ''): UnitDraft {
  return {
    name: unit?.name ?? '',
    creditCode: unit?.creditCode ?? '',
    unlicensed: unit?.unlicensed ?? false,
    industry: unit?.industry ?? '',
    gridId: unit?.gridId ?? gridId,
    address: unit?.address ?? '',
    lat: unit?.location ? String(unit.location.lat) : '',
    lng: unit?.location ? String(unit.location.lng) : '',
    supervisionLevel: unit?.supervisionLevel ?? 'village',
    contactName: unit?.contact?.name ?? '',
    contactPhone: unit?.contact?.phone ?? '',
  };
}

/**
 * What can be told before sending (and must be, when the write may sit in the offline queue for hours): required
 * fields, the credit code's check characters, coordinates. The API checks everything again.
 */
export function validateDraft(draft: UnitDraft, creating: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!draft.name.trim()) problems.push({ path: 'name', message: t('validation.required') });
  if (creating && !draft.unlicensed) {
    if (!draft.creditCode.trim()) problems.push({ path: 'creditCode', message: t('validation.required') });
    else if (!isValidCreditCode(normalizeCreditCode(draft.creditCode))) {
      problems.push({ path: 'creditCode', message: t('validation.creditCode') });
    }
  }
  if (!draft.industry) problems.push({ path: 'industry', message: t('validation.required') });
  if (!draft.gridId) problems.push({ path: 'gridId', message: t('validation.required') });
  const hasLat = draft.lat.trim() !== '';
  const hasLng = draft.lng.trim() !== '';
  if (hasLat || hasLng) {
    const lat = Number(draft.lat);
    const lng = Number(draft.lng);
    if (
      !hasLat ||
      !hasLng ||
      !Number.isFinite(lat) ||
      !Number.isFinite(lng) ||
      Math.abs(lat) > 90 ||
      Math.abs(lng) > 180
    ) {
      problems.push({ path: 'location', message: t('validation.coordinates') });
    }
  }
  return problems;
}

function optionalFields(draft: UnitDraft) {
  const contact = {
    ...(draft.contactName.trim() ? { name: draft.contactName.trim() } : {}),
    ...(draft.contactPhone.trim() ? { phone: draft.contactPhone.trim() } : {}),
  };
  return {
    ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
    ...(draft.lat.trim() && draft.lng.trim()
      ? { location: { lat: Number(draft.lat), lng: Number(draft.lng) } }
      : {}),
    ...(Object.keys(contact).length > 0 ? { contact } : {}),
  };
}

export function createBody(draft: UnitDraft) {
  return {
    name: draft.name.trim(),
    ...(draft.unlicensed ? { unlicensed: true } : { creditCode: normalizeCreditCode(draft.creditCode) }),
    industry: draft.industry,
    gridId: draft.gridId,
    supervisionLevel: draft.supervisionLevel,
    ...optionalFields(draft),
  };
}

/** Only what changed, so the audit trail records exactly the person's edit. */
export function patchBody(draft: UnitDraft, unit: Unit): Record<string, unknown> {
  const before = draftOf(unit);
  const body: Record<string, unknown> = {};
  if (draft.name.trim() !== before.name) body.name = draft.name.trim();
  if (draft.industry !== before.industry) body.industry = draft.industry;
  if (draft.gridId !== before.gridId) body.gridId = draft.gridId;
  if (draft.supervisionLevel !== before.supervisionLevel) body.supervisionLevel = draft.supervisionLevel;
  const rest = optionalFields(draft);
  if (draft.address.trim() !== before.address && rest.address) body.address = rest.address;
  if ((draft.lat !== before.lat || draft.lng !== before.lng) && rest.location) body.location = rest.location;
  if (
    (draft.contactName !== before.contactName || draft.contactPhone !== before.contactPhone) &&
    rest.contact
  ) {
    body.contact = rest.contact;
  }
  return body;
}

/** The unit form, used to register (desk and phone) and to edit; errors sit next to their fields. */
export function UnitForm({
  draft,
  onChange,
  onSubmit,
  errors,
  industries,
  grids,
  creating,
  busy,
  submitLabel,
  compact,
}: {
  draft: UnitDraft;
  onChange: (draft: UnitDraft) => void;
  onSubmit: () => void;
  errors: FieldProblem[];
  industries?: IndustryList;
  grids: GridNode[];
  creating: boolean;
  busy: boolean;
  submitLabel: string;
  /** Phone layout: fewer fields up front, the village chosen for the person when there is only one. */
  compact?: boolean;
}) {
  const [locating, setLocating] = useState(false);
  const [locationError, setLocationError] = useState<string | undefined>();
  const set = (field: keyof UnitDraft) => (event: Event) =>
    onChange({ ...draft, [field]: (event.target as HTMLInputElement | HTMLSelectElement).value });
  const villages = grids.filter((grid) => grid.level === 'village');
  const locate = () => {
    if (!navigator.geolocation) {
      setLocationError(t('unit.gpsUnavailable'));
      return;
    }
    setLocating(true);
    setLocationError(undefined);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        onChange({
          ...draft,
          lat: position.coords.latitude.toFixed(6),
          lng: position.coords.longitude.toFixed(6),
        });
      },
      () => {
        setLocating(false);
        setLocationError(t('unit.gpsFailed'));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  return html`<form class="form" novalidate data-testid="unit-form" onSubmit=${(e: Event) => {
    e.preventDefault();
    onSubmit();
  }}>
    <${OtherErrors} errors=${errors} fields=${FIELDS} />
    <${Field} label=${t('unit.name')} name="name" errors=${errors}>
      <input id="f-name" name="name" value=${draft.name} onInput=${set('name')} maxlength="100" required />
    </${Field}>
    ${
      creating
        ? html`<div class="field">
            <label><input type="checkbox" name="unlicensed" checked=${draft.unlicensed}
              onChange=${(e: Event) => onChange({ ...draft, unlicensed: (e.target as HTMLInputElement).checked })} />
              ${t('unit.unlicensed')}</label>
            <div class="muted small">${t('unit.unlicensedHint')}</div>
          </div>
          ${
            draft.unlicensed
              ? null
              : html`<${Field} label=${t('unit.creditCode')} name="creditCode" errors=${errors} hint=${t('unit.creditCodeHint')}>
            <input id="f-creditCode" name="creditCode" value=${draft.creditCode} onInput=${set('creditCode')}
              autocapitalize="characters" autocomplete="off" spellcheck=${false} required />
          </${Field}>`
          }`
        : null
    }
    <${Field} label=${t('unit.industry')} name="industry" errors=${errors}>
      <select id="f-industry" name="industry" value=${draft.industry} onChange=${set('industry')} required>
        <option value="">${t('common.choose')}</option>
        ${(industries?.items ?? []).map((item) => html`<option value=${item.code}>${item.name}</option>`)}
      </select>
    </${Field}>
    ${
      compact && villages.length === 1
        ? html`<${Field} label=${t('unit.grid')} name="gridId" errors=${errors}>
            <output id="f-gridId" class="readonly">${villages[0]!.name}</output>
          </${Field}>`
        : html`<${Field} label=${t('unit.grid')} name="gridId" errors=${errors}>
            <${GridSelect} id="f-gridId" name="gridId" grids=${grids} value=${draft.gridId} villagesOnly=${true}
              emptyLabel=${t('common.choose')} onChange=${(value: string) => onChange({ ...draft, gridId: value })} />
          </${Field}>`
    }
    <${Field} label=${t('unit.address')} name="address" errors=${errors}>
      <input id="f-address" name="address" value=${draft.address} onInput=${set('address')} maxlength="200" />
    </${Field}>
    <${Field} label=${t('unit.location')} name="location" errors=${errors}>
      <div class="inline-inputs">
        <input id="f-location" name="lat" inputmode="decimal" placeholder=${t('unit.lat')} aria-label=${t('unit.lat')}
          value=${draft.lat} onInput=${set('lat')} />
        <input name="lng" inputmode="decimal" placeholder=${t('unit.lng')} aria-label=${t('unit.lng')}
          value=${draft.lng} onInput=${set('lng')} />
        <button type="button" class="button" onClick=${locate} disabled=${locating}>
          ${locating ? t('unit.locating') : t('unit.useGps')}
        </button>
      </div>
      ${locationError ? html`<div class="field-error">${locationError}</div>` : null}
    </${Field}>
    ${
      compact
        ? null
        : html`<${Field} label=${t('unit.supervisionLevel')} name="supervisionLevel" errors=${errors}>
            <select id="f-supervisionLevel" name="supervisionLevel" value=${draft.supervisionLevel} onChange=${set('supervisionLevel')}>
              ${(['county', 'township', 'village'] as const).map((level) => html`<option value=${level}>${label('level', level)}</option>`)}
            </select>
          </${Field}>`
    }
    <${Field} label=${t('unit.contactName')} name="contact" errors=${errors}>
      <input id="f-contact" name="contactName" value=${draft.contactName} onInput=${set('contactName')} maxlength="50" />
    </${Field}>
    <div class="field">
      <label for="f-contactPhone">${t('unit.contactPhone')}</label>
      <input id="f-contactPhone" name="contactPhone" type="tel" value=${draft.contactPhone} onInput=${set('contactPhone')} />
    </div>
    <div class="form-actions">
      <button type="submit" class="button button-primary" disabled=${busy}>${submitLabel}</button>
    </div>
  </form>`;
}
