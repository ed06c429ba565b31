import {
  allowedUnitStatuses,
  assertSupervisionChange,
  authorize,
  CreateUnitSchema,
  CreditLevelSchema,
  described,
  ForbiddenError,
  type GridNode,
  inScope,
  NotFoundError,
  type Principal,
  scopeFilter,
  UlidSchema,
  type Unit,
  UnitSchema,
  type UnitStatus,
  UpdateUnitSchema,
  unitStatusOf,
  unlicensedProblem,
  ValidationError,
} from '@gridsafe/core';
import { fromItem, unitMatchesSearch } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope, writeContext } from '../county-data.ts';
import { expectedVersion, json, PageQuerySchema, WRITE_ERRORS } from '../http-helpers.ts';
import { idempotent, rememberAnswer } from '../idempotent-write.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { searchParam } from '../search-param.ts';
import { assertPlaceableVillage, newUnit, resolveDepartment, unitScopeTarget } from '../unit-rules.ts';
import { auditTrail, recordRoutes } from './record-routes.ts';
import { UnitImportResultSchema } from './unit-import-schema.ts';

export const UnitListQuerySchema = z.extend(PageQuerySchema, {
  grid: described(z.optional(UlidSchema), { description: 'Units in this grid node’s subtree' }),
  department: described(z.optional(UlidSchema), { description: 'Units this department supervises' }),
  industry: described(z.optional(z.string()), { description: 'Units of this industry' }),
  q: searchParam('name or address contains this text, or whose credit code starts with it'),
  credit: described(z.optional(CreditLevelSchema), { description: 'Units rated at this credit level' }),
  include: described(z.optional(z.enum(['credit'])), {
    description: '`credit`: each unit with its credit badge (level and score)',
  }),
});

const unitRoutes = recordRoutes('units', 'units');
const listRoute = unitRoutes.list(
  'Units in a grid subtree, of a department or of an industry',
  UnitListQuerySchema,
  {
    item: z.extend(UnitSchema, {
      credit: z.optional(z.object({ level: CreditLevelSchema, score: z.number() })),
    }),
    name: 'UnitPage',
    answer: 'Units',
  },
);
const getRoute = unitRoutes.get('One unit', UnitSchema, 'The unit');
const createUnitRoute = unitRoutes.create('Register a unit in a village grid', CreateUnitSchema, UnitSchema, {
  keyed: true,
});
const patchRoute = unitRoutes.patch(
  'Change a unit (optimistic lock: If-Match or version)',
  UpdateUnitSchema,
  UnitSchema,
);
const auditRoute = unitRoutes.audit('The unit’s history, oldest first, with the hash chain verified');
const importRoute = createRoute({
  method: 'post',
  path: '/units/import',
  tags: ['units'],
  summary: 'Import units from a CSV spreadsheet (UTF-8 with or without BOM, or GB18030), answering per row',
  description:
    'Columns (Chinese or English headers): 单位名称/name, 统一社会信用代码/creditCode, 行业/industry (code or Chinese name), 乡镇/township, 村/社区/village, and optionally 地址/address, 经度/lng, 纬度/lat, 联系人/contactName, 联系电话/contactPhone, 监管层级/supervisionLevel. Rows are matched by credit code: new ones are created, changed ones updated, identical ones left alone, so importing the same file twice changes nothing. Up to 5 MB.',
  request: {
    body: {
      required: true,
      content: { 'text/csv': { schema: described(z.string(), { format: 'binary' }) } },
    },
  },
  responses: { 200: json(UnitImportResultSchema, 'One result per row'), ...WRITE_ERRORS },
});

/**
 * A unit as the API answers it: its status even when stored before the lifecycle (read as active), and on the
 * unit itself the statuses the caller may move it to.
 */
export function unitView<T extends Unit>(unit: T, principal?: Principal) {
  return {
    ...unit,
    status: unitStatusOf(unit),
    ...(principal ? { allowedStatuses: allowedUnitStatuses(unit, principal, unitScopeTarget(unit)) } : {}),
  };
}

/**
 * A list page's units as `unitView` answers them (no `allowedStatuses` on a list), their status filled in on the
 * copies this request read (`fromItem`'s) instead of copying each of 50 units of about 30 fields once more.
 */
function listedUnits<T extends Unit>(units: T[]): (T & { status: UnitStatus })[] {
  for (const unit of units) unit.status ??= unitStatusOf(unit);
  return units as (T & { status: UnitStatus })[];
}

/** A unit the caller may see: 404 when missing or in another county, 403 when outside their area. */
async function visibleUnit(c: Context<AppEnv>, id: string) {
  const stored = await countyData(c).units.getStored(id);
  if (!stored) throw new NotFoundError('unit');
  const unit = fromItem<Unit>(stored);
  if (!inScope(c.get('principal'), unitScopeTarget(unit)))
    throw new ForbiddenError('This unit is outside your area.');
  return { stored, unit };
}

export function registerUnits(app: ReturnType<typeof createRouter>) {
  app.openapi(listRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'unit.read');
    const { grid, department, industry, q, credit, include, limit, cursor } = c.req.valid('query');
    const { units } = countyData(c);
    const scope = await readScope(c, { grid, department });
    // Credit badges and the credit filter read the ratings beside the units (unit-credit-list.ts, loaded lazily).
    const rated = credit || include === 'credit' ? await import('./unit-credit-list.ts') : undefined;
    if (scope.kind === 'unit') {
      // A unit's people list the units they hold (mostly one), not a place; a search picks among those.
      const own = await Promise.all(
        principal.grants.filter((g) => g.kind === 'unit').map((g) => units.get(g.id)),
      );
      const items = own.filter((u): u is Unit => u !== undefined && (!q || unitMatchesSearch(u, q)));
      const shown = rated ? await rated.withCredit(c, items) : items;
      const kept = credit
        ? shown.filter((u) => (u as { credit?: { level: string } }).credit?.level === credit)
        : shown;
      return c.json({ items: listedUnits(kept) }, 200);
    }
    const { withinPath, departmentId } = scopeFilter(scope);
    const filter = { withinPath, departmentId, industry };
    if (credit && rated && !q) {
      const page = await rated.unitsOfCreditLevel(c, { ...filter, level: credit }, { limit, cursor });
      return c.json({ ...page, items: listedUnits(page.items) }, 200);
    }
    const page = q
      ? await units.searchList({ ...filter, query: q }, { limit, cursor })
      : await units.list(filter, { limit, cursor });
    const items = rated ? await rated.withCredit(c, page.items) : page.items;
    const kept = credit
      ? items.filter((u) => (u as { credit?: { level: string } }).credit?.level === credit)
      : items;
    return c.json({ ...page, items: listedUnits(kept) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    authorize(c.get('principal'), 'unit.read');
    const { unit } = await visibleUnit(c, c.req.valid('param').id);
    return c.json(unitView(unit, c.get('principal')), 200);
  });

  app.openapi(createUnitRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'unit.create');
    const input = c.req.valid('json');
    // Keys are the client's: scope them to the caller so two people's devices can never collide. A concurrent
    // retry that lost the race fails on the credit code or the idempotency record, and answers the winner's unit.
    const unit = await idempotent(c, `units:${principal.userId}`, input, (claim) =>
      createUnit(c, input, claim),
    );
    return c.json(unitView(unit as Unit), 201);
  });

  app.openapi(patchRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'unit.update');
    const { id } = c.req.valid('param');
    const input = c.req.valid('json');
    const changesStatus = input.status !== undefined || input.statusReason !== undefined;
    // Authorize first: a status change is its own capability, refused before any record is looked up.
    if (changesStatus) authorize(principal, 'unit.changeStatus');
    const { stored, unit } = await visibleUnit(c, id);
    const version = expectedVersion(c, input.version, unit.version);
    if (changesStatus) {
      // A status change is a write of its own (its patrol task, its counters): loaded at the first one.
      const { changeUnitStatus } = await import('./unit-status.ts');
      const changed = await changeUnitStatus(c, stored, unit, input, version);
      return c.json(unitView(changed, principal), 200);
    }
    const data = countyData(c);
    let village: GridNode | undefined;
    if (input.gridId !== undefined && input.gridId !== unit.gridId) {
      village = assertPlaceableVillage(principal, await data.grids.get(input.gridId));
    }
    const industry = input.industry ?? unit.industry;
    const needsDepartment = input.industry !== undefined || input.departmentId !== undefined;
    const department = needsDepartment
      ? resolveDepartment(
          await data.departments.list(),
          industry,
          input.departmentId === undefined
            ? unit.departmentOverridden
              ? unit.departmentId
              : undefined
            : input.departmentId,
        )
      : { departmentId: unit.departmentId, departmentOverridden: unit.departmentOverridden };
    const { departmentId: _old, ...withoutDepartment } = unit;
    const after: Unit = {
      ...withoutDepartment,
      ...(input.name !== undefined ? { name: input.name } : {}),
      industry,
      ...(village ? { gridId: village.id, gridPath: village.path } : {}),
      ...(input.address !== undefined ? { address: input.address } : {}),
      ...(input.location !== undefined ? { location: input.location } : {}),
      ...(input.supervisionLevel !== undefined ? { supervisionLevel: input.supervisionLevel } : {}),
      ...(input.contact !== undefined ? { contact: input.contact } : {}),
      ...(department.departmentId ? { departmentId: department.departmentId } : {}),
      departmentOverridden: department.departmentOverridden,
    };
    assertSupervisionChange(principal, unit, after);
    // The caller must be allowed where the unit ends up, not only where it was.
    if (!inScope(principal, unitScopeTarget(after)))
      throw new ForbiddenError('The change would move the unit outside your area.');
    const updated = await data.units.update(stored, after, version, writeContext(c));
    return c.json(unitView(updated, principal), 200);
  });

  app.openapi(auditRoute, async (c) => {
    authorize(c.get('principal'), 'unit.read');
    const { unit } = await visibleUnit(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'unit', unit.id), 200);
  });

  app.openapi(importRoute, async (c) => {
    authorize(c.get('principal'), 'unit.import');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    // A chunk of its own: the CSV decoding and batching load at a county's first import, not at cold start.
    const { importUnits } = await import('./unit-import.ts');
    return c.json(await importUnits(c, bytes), 200);
  });
}

async function createUnit(
  c: Context<AppEnv>,
  input: z.infer<typeof CreateUnitSchema>,
  idempotency: { scope: string; key: string; fingerprint: string } | undefined,
): Promise<Unit> {
  const principal = c.get('principal');
  const data = countyData(c);
  const village = assertPlaceableVillage(principal, await data.grids.get(input.gridId));
  const department = resolveDepartment(await data.departments.list(), input.industry, input.departmentId);
  const identity = unlicensedProblem(input);
  if (identity) throw new ValidationError([identity]);
  if (input.creditCode && (await data.units.findIdByCreditCode(input.creditCode))) {
    throw new ValidationError([
      { path: 'creditCode', message: 'a unit with this credit code is already registered' },
    ]);
  }
  if (
    !input.creditCode &&
    (await data.units.findUnlicensedIds([{ gridId: village.id, name: input.name }])).size
  ) {
    throw new ValidationError([
      { path: 'name', message: 'an unlicensed unit of this name is already registered in this village' },
    ]);
  }
  const unit = newUnit(input, village, department, {
    id: c.get('deps').ids.next(),
    now: c.get('deps').clock.now().toISOString(),
  });

  const ctx = writeContext(c);
  const remember = rememberAnswer(c, idempotency, { status: 201, body: unit }, ctx.now);
  await data.units.create(unit, ctx, remember);
  return unit;
}
