import * as z from 'zod/mini';
import {
  described,
  LocationSchema,
  PhoneSchema,
  textField,
  UlidSchema,
  VersionSchema,
} from './common-schemas.ts';
import { ValidationError } from './errors.ts';
import { GEOHASH_PRECISION, geohash } from './geohash.ts';
import { coversWholeCounty } from './list-scope.ts';
import { hasCapability, inScope } from './permissions.ts';
import type { Principal } from './principal.ts';

/**
 * Emergency resources (处置资源): rescue teams (救援队伍), stockpiles of supplies (应急物资) and experts (专家)
 * that a county can call on, each somewhere on the map and answering to a grid node. They carry no department:
 * like grid nodes, a department's people read them county-wide.
 */
export const RESOURCE_KINDS = ['team', 'supply', 'expert'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
/** The widest nearest-first search: a county is about 50 km across, so 100 km reaches every neighbour's edge. */
export const MAX_RESOURCE_RADIUS_KM = 100;

export interface EmergencyResource {
  id: string;
  kind: ResourceKind;
  name: string;
  location: { lat: number; lng: number };
  address: string;
  /** The nine-character geohash of `location`: what the nearest-first index sorts by (see geohash.ts). */
  geohash: string;
  gridId: string;
  gridPath: string;
  contact: { name: string; phone: string };
  /** A team's headcount, where known. */
  members?: number;
  supplyType?: string;
  quantity?: number;
  unit?: string;
  speciality?: string;
  note?: string;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const ResourceContactSchema = described(z.strictObject({ name: textField(50), phone: PhoneSchema }), {
  id: 'ResourceContact',
});

/** The fields every kind shares; each kind adds its own (a supply's type and quantity, an expert's speciality). */
const COMMON = {
  name: textField(100),
  location: LocationSchema,
  address: textField(200),
  gridId: UlidSchema,
  contact: ResourceContactSchema,
  note: z.optional(textField(500)),
};
const SUPPLY = {
  supplyType: described(textField(50), { description: 'What is stocked, e.g. 沙袋, 灭火器, 救生衣' }),
  quantity: z.number().check(z.int(), z.minimum(0), z.maximum(100_000_000)),
  unit: z.optional(textField(10)),
};
const EXPERT = { speciality: described(textField(100), { description: 'e.g. 危险化学品, 消防, 建筑施工' }) };
const TEAM = { members: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(100_000))) };

export const CreateResourceSchema = described(
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('team'), ...COMMON, ...TEAM }),
    z.strictObject({ kind: z.literal('supply'), ...COMMON, ...SUPPLY }),
    z.strictObject({ kind: z.literal('expert'), ...COMMON, ...EXPERT }),
  ]),
  { id: 'CreateResource' },
);
export type CreateResourceInput = z.infer<typeof CreateResourceSchema>;

/** A change: any of the fields (the kind never changes), under the version the caller saw. */
export const UpdateResourceSchema = described(
  z.strictObject({
    name: z.optional(COMMON.name),
    location: z.optional(LocationSchema),
    address: z.optional(COMMON.address),
    gridId: z.optional(UlidSchema),
    contact: z.optional(ResourceContactSchema),
    note: z.optional(COMMON.note),
    members: TEAM.members,
    supplyType: z.optional(SUPPLY.supplyType),
    quantity: z.optional(SUPPLY.quantity),
    unit: SUPPLY.unit,
    speciality: z.optional(EXPERT.speciality),
    version: z.optional(VersionSchema),
  }),
  { id: 'UpdateResource' },
);
export type UpdateResourceInput = z.infer<typeof UpdateResourceSchema>;

const KIND_FIELDS: Record<ResourceKind, readonly string[]> = {
  team: ['members'],
  supply: ['supplyType', 'quantity', 'unit'],
  expert: ['speciality'],
};
const ALL_KIND_FIELDS = Object.values(KIND_FIELDS).flat();

/** A new resource at its grid node: its geohash computed here, so the index can never disagree with the place. */
export function newResource(
  input: CreateResourceInput,
  place: { id: string; gridPath: string },
  by: string,
  now: Date,
): EmergencyResource {
  const at = now.toISOString();
  return {
    ...input,
    id: place.id,
    gridPath: place.gridPath,
    geohash: geohash(input.location.lat, input.location.lng, GEOHASH_PRECISION),
    createdBy: by,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** A change applied: a field of another kind is named (400); a new place gets its new geohash. */
export function applyResourceChange(
  resource: EmergencyResource,
  change: Omit<UpdateResourceInput, 'version'>,
  gridPath: string,
): EmergencyResource {
  const foreign = ALL_KIND_FIELDS.filter(
    (field) => field in change && !KIND_FIELDS[resource.kind].includes(field),
  );
  if (foreign.length > 0)
    throw new ValidationError(
      foreign.map((path) => ({ path, message: `is not a field of a ${resource.kind}` })),
    );
  const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  const next = { ...resource, ...defined, gridPath } as EmergencyResource;
  return { ...next, geohash: geohash(next.location.lat, next.location.lng, GEOHASH_PRECISION) };
}

/** The fields a change's audit event compares. */
export const RESOURCE_AUDITED_FIELDS = [
  'name',
  'location',
  'address',
  'gridId',
  'contact',
  'note',
  'members',
  'supplyType',
  'quantity',
  'unit',
  'speciality',
] as const satisfies readonly (keyof EmergencyResource)[];

/** Whether the person reads this resource: the county and a department's people everywhere, others in their area. */
export function canSeeResource(principal: Principal, resource: Pick<EmergencyResource, 'gridPath'>): boolean {
  if (!hasCapability(principal, 'resource.read')) return false;
  return coversWholeCounty(principal, 'grid-nodes') || inScope(principal, { gridPath: resource.gridPath });
}

/** `near=<lat>,<lng>`: a 400 naming `near` unless it is two coordinates. */
export function parseNear(near: string): { lat: number; lng: number } {
  const parts = near.split(',');
  const [lat, lng] = parts.map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
  const parsed = LocationSchema.safeParse({ lat, lng });
  if (parts.length !== 2 || !parsed.success)
    throw new ValidationError([{ path: 'query.near', message: 'must be <lat>,<lng> in degrees' }]);
  return parsed.data;
}
