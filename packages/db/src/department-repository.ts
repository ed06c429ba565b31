import type { Department } from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { departmentEntity } from './entities.ts';
import { RecordRepository } from './record-repository.ts';
import type { StoredItem, TenantStore } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

/** Departments (declared in entities.ts: pk DEPT#<id>, all of them on gsi1 in creation order). */
export class DepartmentRepository extends RecordRepository<Department> {
  constructor(store: TenantStore) {
    super(store, departmentEntity);
  }

  /** listDepartments: Query gsi1 DEPTS (a county has a few dozen; Taihe 23). */
  async list(): Promise<Department[]> {
    return departmentEntity.all(this.store, { index: 'gsi1' });
  }

  async create(
    input: { id: string; name: string; industries: string[] },
    ctx: WriteContext,
  ): Promise<Department> {
    const now = ctx.now.toISOString();
    const department: Department = { ...input, version: 1, createdAt: now, updatedAt: now };
    const details = { name: department.name, industries: department.industries };
    await this.store.transact(
      this.writes(department, NEW_CHAIN, ctx, [{ action: 'created', details }]),
      'department',
    );
    return department;
  }

  /**
   * Renames the department or changes the industries it supervises: one transaction of the record and its
   * audit event (the changed fields, before and after). Units already registered keep their department.
   */
  async update(
    stored: StoredItem,
    changes: { name?: string; industries?: string[] },
    expectedVersion: number,
    ctx: WriteContext,
  ): Promise<Department> {
    return this.updateFields(stored, changes, expectedVersion, ctx, ['name', 'industries']);
  }
}
