import {
  assertValidParent,
  ConflictError,
  type GridNode,
  NotFoundError,
  type UpdateGridSchema,
  ValidationError,
} from '@gridsafe/core';
import { rehomeRecords } from '@gridsafe/db';
import type { Context } from 'hono';
import type * as zm from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import { expectedVersion } from '../http-helpers.ts';

/** A grid's new name, code or (a village's) township; a move carries the village's records along, resumably. */
export async function changeGrid(c: Context<AppEnv>, id: string, input: zm.infer<typeof UpdateGridSchema>) {
  const { grids, store } = countyData(c);
  const stored = await grids.getWithChain(id);
  if (!stored) throw new NotFoundError('grid');
  const current = stored as unknown as GridNode & { rehomeFrom?: string };
  const version = expectedVersion(c, input.version, current.version);
  let node: GridNode & { rehomeFrom?: string } = current;
  if (input.parentId !== undefined && input.parentId !== current.parentId) {
    if (current.level !== 'village') {
      throw new ValidationError([
        { path: 'parentId', message: 'only a village can move (to another township)' },
      ]);
    }
    const newParent = await grids.get(input.parentId);
    if (!newParent) throw new ValidationError([{ path: 'parentId', message: 'no such grid in this county' }]);
    assertValidParent('village', newParent);
    if (current.rehomeFrom)
      throw new ConflictError(
        'The previous move of this village is still being applied.',
        'move_in_progress',
      );
    node = await grids.moveVillage(stored, newParent, version, writeContext(c));
  }
  if (node.rehomeFrom) {
    // Carry the village's records along; resumable, because each record moves only while it has the old path.
    await rehomeRecords(store, node.rehomeFrom, node.path);
    await grids.finishRehome(id);
    const { rehomeFrom: _done, ...rest } = node;
    node = rest;
  }
  const renamed = input.name !== undefined && input.name !== node.name;
  const recoded = input.code !== undefined && input.code !== node.code;
  const reassigned =
    input.responsible !== undefined &&
    (input.responsible.name !== node.responsible?.name ||
      input.responsible.phone !== node.responsible?.phone);
  if (renamed || recoded || reassigned) {
    const fresh = await grids.getWithChain(id);
    if (!fresh) throw new NotFoundError('grid');
    node = await grids.update(
      fresh,
      { name: input.name, code: input.code, responsible: input.responsible },
      Number(fresh.version),
      writeContext(c),
    );
  }
  return node;
}
