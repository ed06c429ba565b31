import { effect } from '@preact/signals';
import { api, listAll } from './api/client.ts';
import type { Department, GridNode, IndustryList } from './api/types.ts';
import { session } from './session.ts';

/**
 * Reference data many pages need (industry names, departments, grid names), fetched once per login and kept
 * for offline use, so a village's register form still has its pick lists with no signal.
 */
let industries: Promise<IndustryList> | undefined;
let departments: Promise<Department[]> | undefined;
const grids = new Map<string, Promise<GridNode>>();

effect(() => {
  void session.value?.user.id;
  industries = undefined;
  departments = undefined;
  grids.clear();
});

function remember<T>(load: () => Promise<T>, reset: () => void): Promise<T> {
  const promise = load();
  promise.catch(reset);
  return promise;
}

export function loadIndustries(): Promise<IndustryList> {
  industries ??= remember(
    () => api<IndustryList>('/knowledge/industries', { offlineCache: true }),
    () => {
      industries = undefined;
    },
  );
  return industries;
}

export function loadDepartments(): Promise<Department[]> {
  departments ??= remember(
    () => api<{ items: Department[] }>('/departments', { offlineCache: true }).then((page) => page.items),
    () => {
      departments = undefined;
    },
  );
  return departments;
}

export function loadGrid(id: string): Promise<GridNode> {
  let grid = grids.get(id);
  if (!grid) {
    grid = remember(
      () => api<GridNode>(`/grids/${encodeURIComponent(id)}`, { offlineCache: true }),
      () => grids.delete(id),
    );
    grids.set(id, grid);
  }
  return grid;
}

export function forgetGrid(id: string): void {
  grids.delete(id);
}

/** Children of a grid node (all pages). */
export function loadChildren(parentId: string): Promise<GridNode[]> {
  return listAll<GridNode>('/grids', { parent: parentId });
}

export function industryName(list: IndustryList | undefined, code: string): string {
  return list?.items.find((industry) => industry.code === code)?.name ?? code;
}

/** Drops the cached departments, after the county admin created or changed one. */
export function forgetDepartments(): void {
  departments = undefined;
}

/** Drops the cached industry list, after the county admin changed the knowledge base. */
export function forgetIndustries(): void {
  industries = undefined;
}
