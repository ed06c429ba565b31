import {
  assertLocationInChina,
  authorize,
  escalationMessages,
  type Hazard,
  type NotificationMessage,
  newHazard,
  type Photo,
  type Principal,
  ValidationError,
} from '@gridsafe/core';
import {
  type CreateInspectionInput,
  checkInspectingOfficers,
  checkInspectionInput,
  type Inspection,
  newInspection,
} from '@gridsafe/core/inspection';
import { HazardRepository, InspectionRepository, withDrawnNumbers } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import { forgetAnnouncedPhoto, verifyAnnouncedPhoto } from '../evidence.ts';
import { type IdempotencyClaim, rememberAnswer } from '../idempotent-write.ts';

/**
 * Records an inspection: the unit (or the hazard followed, which fixes it) in the caller's area, both officers
 * officers of the county, every finding's risk point the unit's, every photo and drawn signature announced by
 * the caller and matching its upload; then the record, its numbers and an order's hazards in one transaction.
 */
export async function createInspection(
  c: Context<AppEnv>,
  principal: Principal,
  input: CreateInspectionInput,
  claim: IdempotencyClaim | undefined,
): Promise<{ inspection: Inspection; hazards: Hazard[]; notifications: NotificationMessage[] }> {
  const data = countyData(c);
  const deps = c.get('deps');
  const now = deps.clock.now();
  assertLocationInChina(input.position, 'position');
  checkInspectionInput(input, now);
  const unit = await inspectedUnit(c, input);
  authorize(principal, 'inspection.record', {
    gridPath: unit.gridPath,
    departmentId: unit.departmentId,
    unitId: unit.id,
  });
  const people = await Promise.all(input.officers.map((officer) => data.users.get(officer.personId)));
  checkInspectingOfficers(people);
  for (const [index, finding] of input.findings.entries()) {
    if (!finding.riskPointId) continue;
    const point = await data.riskPoints.get(finding.riskPointId);
    if (!point || point.unitId !== unit.id)
      throw new ValidationError([
        { path: `findings.${index}.riskPointId`, message: 'is not a risk point of this unit' },
      ]);
  }
  const id = deps.ids.next();
  const photos = await verifiedPhotos(c, principal, input, id);
  const { settings } = await data.settings.get();
  const prefix = settings.inspectionDocumentPrefix;
  const repository = new InspectionRepository(data.store);
  const hazardIds = input.outcome === 'order' ? input.findings.map(() => deps.ids.next()) : [];
  const written = await withDrawnNumbers(async () => {
    const record = await repository.drawNumber(prefix, 'record', now);
    const order = input.outcome === 'order' ? await repository.drawNumber(prefix, 'order', now) : undefined;
    const inspection = newInspection(
      {
        ...input,
        id,
        number: record.number,
        ...(order ? { orderNumber: order.number } : {}),
        unit,
        officers: input.officers.map((officer, index) => ({
          ...officer,
          name: people[index]?.displayName ?? '',
        })),
        photos,
        hazardIds,
      },
      { principal, now },
    );
    const hazards = inspection.findings.map((finding, index) =>
      orderedHazard(finding, hazardIds[index]!, inspection, unit, settings, now, principal.username),
    );
    const created = hazards.map((hazard) => ({
      hazard,
      notifications:
        hazard.level === 'township'
          ? escalationMessages(hazard, 'township', 'severity', now, () => deps.ids.next())
          : [],
    }));
    const remember = rememberAnswer(c, claim, { status: 201, body: { inspection, hazards } }, now);
    await repository.create(
      inspection,
      { ...writeContext(c), location: input.position },
      { numbers: [record, ...(order ? [order] : [])], hazards: created, extraItems: remember },
    );
    return { inspection, hazards, notifications: created.flatMap((entry) => entry.notifications) };
  });
  for (const photo of photos) await forgetAnnouncedPhoto(c, 'inspections', principal.userId, photo.id);
  return written;
}

/** The unit inspected: the one the hazard followed is in (naming another is a 400), or the one named. */
async function inspectedUnit(c: Context<AppEnv>, input: CreateInspectionInput) {
  const data = countyData(c);
  let unitId = input.unitId;
  if (input.hazardId) {
    const hazard = await new HazardRepository(data.store).get(input.hazardId);
    if (!hazard) throw new ValidationError([{ path: 'hazardId', message: 'no such hazard in this county' }]);
    if (unitId && unitId !== hazard.unitId)
      throw new ValidationError([{ path: 'unitId', message: 'is not the unit of the hazard followed' }]);
    unitId = hazard.unitId;
  }
  const unit = unitId ? await data.units.get(unitId) : undefined;
  if (!unit) throw new ValidationError([{ path: 'unitId', message: 'no such unit in this county' }]);
  return unit;
}

/** The photos and drawn signatures the body names, each announced by the caller and read back and hashed. */
async function verifiedPhotos(
  c: Context<AppEnv>,
  principal: Principal,
  input: CreateInspectionInput,
  inspectionId: string,
): Promise<Photo[]> {
  const named = [
    ...(input.photoIds ?? []).map((photoId, index) => ({ photoId, path: `photoIds.${index}` })),
    ...input.signatures.flatMap((signature, index) =>
      signature.photoId ? [{ photoId: signature.photoId, path: `signatures.${index}.photoId` }] : [],
    ),
  ];
  const photos: Photo[] = [];
  for (const [index, { photoId, path }] of named.entries()) {
    if (named.findIndex((other) => other.photoId === photoId) !== index)
      throw new ValidationError([{ path, message: 'names a photo already named' }]);
    const verified = await verifyAnnouncedPhoto(c, 'inspections', principal.userId, photoId, inspectionId);
    if (!verified)
      throw new ValidationError([{ path, message: `photo ${photoId} was not announced by you` }]);
    photos.push(verified);
  }
  return photos;
}

/** The hazard an order makes of one finding: due by the order's deadline, linked to the inspection. */
function orderedHazard(
  finding: Inspection['findings'][number],
  id: string,
  inspection: Inspection,
  unit: Parameters<typeof newHazard>[0]['unit'],
  settings: Parameters<typeof newHazard>[1],
  now: Date,
  by: string,
): Hazard {
  const hazard = newHazard(
    {
      id,
      title: finding.text.slice(0, 100),
      description: finding.text,
      severity: finding.severity,
      ...(finding.riskPointId ? { riskPointId: finding.riskPointId } : {}),
      location: inspection.position,
      unit,
      source: 'inspection',
      inspectionId: inspection.id,
    },
    settings,
    now,
    by,
  );
  const deadline = inspection.order?.deadline ?? hazard.deadline;
  return { ...hazard, deadline, escalateAt: deadline };
}
