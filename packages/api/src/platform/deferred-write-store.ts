import { type StoredItem, TenantStore, type TransactItem } from '@gridsafe/db';

/**
 * A county's TenantStore that collects writes instead of sending them, so the county's own repositories
 * (grid root, first admin) build exactly the items and audit events they always build, and onboarding sends
 * them with the registry's items in ONE TransactWriteItems. It refuses reads: the control plane's IAM role
 * may only put and condition-check county items inside a transaction, never read them.
 */
export class DeferredWriteStore extends TenantStore {
  private readonly deferred: TransactItem[] = [];

  override async get(): Promise<StoredItem | undefined> {
    throw new Error('The control plane never reads county items (its role cannot).');
  }

  protected override async queryOnce(): Promise<{ items: StoredItem[] }> {
    throw new Error('The control plane never reads county items (its role cannot).');
  }

  override async transact(items: TransactItem[]): Promise<void> {
    this.deferred.push(...items);
  }

  /** Sends `first` and everything collected as one all-or-nothing transaction. */
  async commit(first: TransactItem[], what: string): Promise<void> {
    await super.transact([...first, ...this.deferred], what);
  }
}
