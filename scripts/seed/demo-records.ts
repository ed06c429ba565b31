import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type Assessment,
  type AssessmentInput,
  type Department,
  departmentForIndustry,
  type Photo,
  type RiskPoint,
  type Unit,
} from '@gridsafe/core';
import { vendorKnowledgeBase } from '@gridsafe/core/vendor-knowledge';
import type { PhotoStore } from '@gridsafe/evidence';
import type { DEMO_UNIT_KINDS } from './demo-data.ts';
import { tinyJpeg } from './tiny-jpeg.ts';

/**
 * Records the demo seed and the benchmark's synthetic county build alike: a unit of one of the demo kinds, a
 * risk point from its industry's knowledge-base template, a verified photo. Only what differs is passed in.
 */

/** LEC inputs that give each colour under the default table (D = L × E × C). */
export const LEC_FOR: Record<string, AssessmentInput> = {
  red: { method: 'LEC', L: 6, E: 6, C: 15 },
  orange: { method: 'LEC', L: 3, E: 6, C: 15 },
  yellow: { method: 'LEC', L: 3, E: 6, C: 7 },
  blue: { method: 'LEC', L: 1, E: 6, C: 7 },
};

type DemoUnitKind = (typeof DEMO_UNIT_KINDS)[number];

/** A unit of `kind` in `village`, under the first department claiming its industry; created now, version 1. */
export function demoUnit(input: {
  id: string;
  name: string;
  creditCode: string;
  kind: DemoUnitKind;
  village: { id: string; path: string };
  departments: Department[];
  address: string;
  location: NonNullable<Unit['location']>;
  contact: NonNullable<Unit['contact']>;
  now: Date;
}): Unit {
  const department = departmentForIndustry(input.departments, input.kind.industry);
  return {
    id: input.id,
    name: input.name,
    creditCode: input.creditCode,
    industry: input.kind.industry,
    gridId: input.village.id,
    gridPath: input.village.path,
    ...(department ? { departmentId: department.id } : {}),
    departmentOverridden: false,
    // Chemicals and fireworks are supervised by the county itself; everything else by its township.
    supervisionLevel:
      input.kind.industry === 'hazardous_chemicals' || input.kind.industry === 'fireworks'
        ? 'county'
        : 'township',
    address: input.address,
    location: input.location,
    contact: input.contact,
    version: 1,
    createdAt: input.now.toISOString(),
    updatedAt: input.now.toISOString(),
  };
}

/**
 * A risk point of `unit` from the `templateIndex`-th template of its industry (the last industry's when the
 * knowledge base has none for it), so items are the size real ones are.
 */
export function riskPointFromTemplate(input: {
  id: string;
  unit: Unit;
  templateIndex: number;
  location: RiskPoint['location'];
  emergencyPhone: string;
  color: RiskPoint['color'];
  assessment: Assessment | undefined;
  status: RiskPoint['status'];
  reviewChain: RiskPoint['reviewChain'];
  reviewStep: number;
  photos: Photo[];
  now: Date;
}): RiskPoint {
  const { unit, assessment } = input;
  const industry =
    vendorKnowledgeBase.industries.find((i) => i.code === unit.industry) ??
    vendorKnowledgeBase.industries.at(-1)!;
  const template = industry.templates[input.templateIndex % industry.templates.length]!;
  return {
    id: input.id,
    name: template.name,
    unitId: unit.id,
    unitName: unit.name,
    industry: industry.code,
    templateCode: template.code,
    gridId: unit.gridId,
    gridPath: unit.gridPath,
    ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
    location: input.location,
    ...(unit.address ? { address: unit.address } : {}),
    hazardFactors: template.hazardFactors,
    accidentTypes: template.accidentTypes,
    checklist: template.checklist,
    controlMeasures: template.controlMeasures,
    emergencyMeasures: template.emergencyMeasures,
    ...(unit.contact ? { responsiblePerson: unit.contact } : {}),
    emergencyPhone: input.emergencyPhone,
    color: input.color,
    ...(assessment ? { assessment } : {}),
    gradings: assessment ? [assessment] : [],
    status: input.status,
    reviewChain: input.reviewChain,
    reviewStep: input.reviewStep,
    photos: input.photos,
    createdBy: 'grid.member',
    version: 1,
    createdAt: input.now.toISOString(),
    updatedAt: input.now.toISOString(),
  };
}

/** A JPEG photo record already verified (its object uploaded, or deliberately not, by the caller) at `when`. */
export function verifiedJpeg(input: {
  id: string;
  key: string;
  size: number;
  sha256: string;
  when: Date;
  location: Photo['location'] | undefined;
}): Photo {
  return {
    id: input.id,
    key: input.key,
    contentType: 'image/jpeg',
    size: input.size,
    sha256: input.sha256,
    status: 'verified',
    takenAt: input.when.toISOString(),
    ...(input.location ? { location: input.location } : {}),
    requestedAt: input.when.toISOString(),
    verifiedAt: input.when.toISOString(),
  };
}

/**
 * A real (tiny) JPEG whose bytes vary with `seed`, put into the evidence bucket when one is given (so the photo
 * viewer, the hashes and the audit details all work), and its verified photo record.
 */
export async function demoJpegPhoto(input: {
  tenant: string;
  photos: PhotoStore | undefined;
  evidence: { client: S3Client; bucket: string } | undefined;
  collection: 'risk-points' | 'hazards';
  recordId: string;
  photoId: string;
  seed: string;
  when: Date;
  location: Photo['location'] | undefined;
}): Promise<Photo> {
  const { photos, evidence, collection, recordId, photoId } = input;
  const bytes = tinyJpeg(input.seed);
  const key = photos
    ? photos.keyFor(collection, recordId, photoId, 'image/jpeg')
    : `t/${input.tenant}/${collection}/${recordId}/${photoId}.jpg`;
  if (photos && evidence) {
    await evidence.client.send(
      new PutObjectCommand({ Bucket: evidence.bucket, Key: key, Body: bytes, ContentType: 'image/jpeg' }),
    );
  }
  return verifiedJpeg({
    id: photoId,
    key,
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    when: input.when,
    location: input.location,
  });
}
