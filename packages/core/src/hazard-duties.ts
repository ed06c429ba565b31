import { ForbiddenError, ValidationError } from './errors.ts';
import type { Hazard } from './hazard.ts';
import type { Principal } from './roles.ts';
import type { TenantSettings } from './settings.ts';

/*
 * Separation of duties on a hazard work order (issue 21): who may verify whose rectification, and which photos
 * prove a fix. Pure; applyHazardAction calls these.
 */

/**
 * Verification and rejection (four eyes): an officer of the township, the department or the county, never the
 * person who reported the rectification (unless the county lets a one-person township do both); a hazard
 * escalated to the county, the county or the industry department; a listed one (挂牌督办), the county admin.
 */
export function requireVerifier(
  hazard: Hazard,
  principal: Principal,
  settings: Partial<Pick<TenantSettings, 'reviews'>>,
): void {
  if (hazard.supervised && principal.role !== 'county_admin') {
    throw new ForbiddenError('A hazard under listed supervision is verified by the county.');
  }
  if (
    hazard.level === 'county' &&
    principal.role !== 'county_admin' &&
    principal.role !== 'department_officer'
  ) {
    throw new ForbiddenError(
      'A hazard escalated to the county is verified by the county or its industry department.',
      'escalated_to_county',
    );
  }
  if (
    hazard.rectification?.by === principal.username &&
    !isSinglePersonVerification(hazard, principal, settings)
  )
    throw new ForbiddenError('You reported this rectification; another officer verifies it.', 'same_person');
}

/** True when the county's setting lets this township officer verify the rectification they reported themselves. */
export function isSinglePersonVerification(
  hazard: Pick<Hazard, 'rectification' | 'level'>,
  principal: Principal,
  settings: Partial<Pick<TenantSettings, 'reviews'>>,
): boolean {
  return (
    hazard.rectification?.by === principal.username &&
    principal.role === 'township_officer' &&
    hazard.level !== 'county' &&
    settings.reviews?.allowSinglePersonTownship === true
  );
}

/**
 * Evidence of a fix: confirmed photos of this hazard, confirmed after it was reported, none of them the report's
 * own (a finding), nor the same file under another id or key (compared by key and SHA-256).
 */
export function requireEvidence(hazard: Hazard, photoIds: string[] | undefined): string[] {
  const ids = photoIds ?? [];
  const findings = hazard.photos.filter((photo) => photo.purpose === 'finding');
  const problems = ids.flatMap((id, index) => {
    const photo = hazard.photos.find((p) => p.id === id && p.status === 'verified');
    const path = `photoIds.${index}`;
    if (!photo) return [{ path, message: 'is not a confirmed photo of this hazard' }];
    const isFinding = findings.some(
      (finding) => finding.id === photo.id || finding.key === photo.key || finding.sha256 === photo.sha256,
    );
    if (isFinding) return [{ path, message: 'shows the problem as reported, not its fix' }];
    if (!photo.verifiedAt || photo.verifiedAt < hazard.createdAt)
      return [{ path, message: 'was confirmed before the hazard was reported' }];
    return [];
  });
  if (ids.length === 0) problems.push({ path: 'photoIds', message: 'name at least one confirmed photo' });
  if (problems.length > 0) throw new ValidationError(problems);
  return ids;
}
