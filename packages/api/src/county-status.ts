import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readCountyStatus, type TenantStatus } from '@gridsafe/db';

/**
 * How long a process trusts the county status it read. A suspension reaches every running county function
 * within this time; below it, a warm function reads the status once per period instead of on every request.
 */
export const COUNTY_STATUS_TTL_MS = 30_000;

/**
 * The county's status (active, suspended, offboarded) as the county API sees it, cached per process: one
 * GetItem of the county-side mirror per county per TTL, however many requests arrive. Concurrent misses share
 * one read. The control plane calls `forget` when it runs in the same process (the local stack), so there a
 * suspension takes effect at once.
 */
export class CountyStatusCache {
  private readonly entries = new Map<string, { status: TenantStatus; readAt: number }>();
  private readonly pending = new Map<string, Promise<TenantStatus>>();

  constructor(
    private readonly read: (tenant: string) => Promise<TenantStatus>,
    private readonly ttlMs = COUNTY_STATUS_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** `onRead` is called when this lookup goes to the table (request budgets count it). */
  async statusOf(tenant: string, onRead?: () => void): Promise<TenantStatus> {
    const entry = this.entries.get(tenant);
    if (entry && this.now() - entry.readAt < this.ttlMs) return entry.status;
    const inFlight = this.pending.get(tenant);
    if (inFlight) return inFlight;
    onRead?.();
    const reading = this.read(tenant)
      .then((status) => {
        this.entries.set(tenant, { status, readAt: this.now() });
        return status;
      })
      .finally(() => this.pending.delete(tenant));
    this.pending.set(tenant, reading);
    return reading;
  }

  forget(tenant: string): void {
    this.entries.delete(tenant);
  }
}

/** The cache reading the county-side mirror (`T#<id>#TENANT / STATUS`) from the table. */
export function countyStatusCacheFor(
  data: { client: DynamoDBDocumentClient; tableName: string },
  ttlMs = COUNTY_STATUS_TTL_MS,
): CountyStatusCache {
  return new CountyStatusCache((tenant) => readCountyStatus(data.client, data.tableName, tenant), ttlMs);
}
