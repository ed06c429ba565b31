import type { Department } from '@gridsafe/core';
import { appendAuditEvent, NEW_CHAIN } from './audit-log.ts';
import { fromItem, type TenantStore } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/** Departments. Item: pk DEPT#<id> / sk DEPT; gsi1 DEPTS / <createdAt>#<id> lists them all in creation order. */
export class DepartmentRepository {
  constructor(private readonly store: TenantStore) {}

  /** getDepartment: GetItem DEPT#<id>. */
  async get(id: string): Promise<Department | undefined> {
    const item = await this.store.get(this.store.key('DEPT', id), 'DEPT');
    return item ? fromItem<Department>(item) : undefined;
  }

  /** listDepartments: Query gsi1 DEPTS (a county has a few dozen; Taihe 23). */
  async list(): Promise<Department[]> {
    const items = await this.store.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': this.store.key('DEPTS') },
    });
    return items.map((item) => fromItem<Department>(item));
  }

  async create(
    input: { id: string; name: string; industries: string[] },
    ctx: WriteContext,
  ): Promise<Department> {
    const now = ctx.now.toISOString();
    const department: Department = { ...input, version: 1, createdAt: now, updatedAt: now };
    const audit = appendAuditEvent(this.store, NEW_CHAIN, {
      entityType: 'department',
      entityId: department.id,
      action: 'created',
      ...auditFacts(ctx),
      details: { name: department.name, industries: department.industries },
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: this.store.key('DEPT', department.id),
              sk: 'DEPT',
              type: 'Department',
              gsi1pk: this.store.key('DEPTS'),
              gsi1sk: `${now}#${department.id}`,
              ...department,
              auditSeq: audit.next.auditSeq,
              auditHead: audit.next.auditHead,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        audit.put,
      ],
      'department',
    );
    return department;
  }
}
