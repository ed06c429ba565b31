import type { RegisterJob } from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { registerJobEntity } from './entities.ts';
import { RecordRepository } from './record-repository.ts';
import type { StoredItem, TenantStore } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

/** The progress fields a running job writes after each batch, without a new version or an audit event. */
export type JobProgress = Partial<
  Pick<RegisterJob, 'processed' | 'total' | 'created' | 'updated' | 'skipped' | 'rejected' | 'errors'>
>;

/**
 * Register exports and imports (pk JOB#<id>). The audit trail says who asked for what (the kind, the filters or
 * the file) and what came of it (the rows); progress in between is written without an event, since a 320,000-row
 * import checkpoints a few hundred times and each checkpoint is bookkeeping, not a change anyone decided.
 */
export class RegisterJobRepository extends RecordRepository<RegisterJob> {
  constructor(store: TenantStore) {
    super(store, registerJobEntity);
  }

  async create(job: RegisterJob, ctx: WriteContext): Promise<void> {
    const details = {
      job: job.job,
      kind: job.kind,
      ...(job.filters ? { filters: job.filters } : {}),
      ...(job.format ? { format: job.format } : {}),
      ...(job.upload ? { upload: job.upload } : {}),
    };
    await this.store.transact(
      this.writes(job, NEW_CHAIN, ctx, [{ action: 'requested', details }]),
      'register job',
    );
  }

  /** A step of the job's life that is audited (started, finished, failed), under the version lock. */
  async step(
    stored: StoredItem,
    after: RegisterJob,
    ctx: WriteContext,
    action: string,
    details: Record<string, unknown>,
  ): Promise<RegisterJob> {
    const before = this.entity.fromItem(stored);
    const { next, items } = this.change(stored, after, ctx, { action, details }, { version: before.version });
    await this.store.transact(items, 'register job');
    return next;
  }

  /**
   * claimJob: UpdateItem JOB#<id> naming this invocation its runner, while the job is running. Answers the job as
   * claimed, or undefined when it is not running (waiting for its file, done or failed: nothing to do).
   */
  async claim(id: string, runner: string, now: Date): Promise<StoredItem | undefined> {
    return this.store.update({
      Key: this.entity.key(this.store, id),
      UpdateExpression: 'SET #runner = :runner, #updatedAt = :now',
      ConditionExpression: '#status = :running',
      ExpressionAttributeNames: { '#runner': 'runner', '#updatedAt': 'updatedAt', '#status': 'status' },
      ExpressionAttributeValues: { ':runner': runner, ':now': now.toISOString(), ':running': 'running' },
    });
  }

  /**
   * updateJobProgress: UpdateItem JOB#<id>, only while `runner` still holds the job, so an invocation that lost
   * it to a newer one cannot write over its checkpoints. Answers false when it had lost.
   */
  async progress(id: string, runner: string, progress: JobProgress, now: Date): Promise<boolean> {
    const fields = Object.entries({ ...progress, updatedAt: now.toISOString() }).filter(
      ([, value]) => value !== undefined,
    );
    const updated = await this.store.update({
      Key: this.entity.key(this.store, id),
      UpdateExpression: `SET ${fields.map(([name]) => `#${name} = :${name}`).join(', ')}`,
      ConditionExpression: '#runner = :runner AND #status = :running',
      ExpressionAttributeNames: {
        '#runner': 'runner',
        '#status': 'status',
        ...Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
      },
      ExpressionAttributeValues: {
        ':runner': runner,
        ':running': 'running',
        ...Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
      },
    });
    return updated !== undefined;
  }
}
