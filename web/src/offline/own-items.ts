import type { Session } from '../session.ts';
import { listItems, type OutboxItem, putItem } from './outbox.ts';

/** The signed-in person's queued writes, including those queued under their token `sub` before person ids. */
export async function ownItems(current: Session): Promise<OutboxItem[]> {
  const former = subjectOf(current.accessToken);
  if (former && former !== current.user.id) await adoptFormerItems(current.tenant, former, current.user.id);
  return listItems(current.tenant, current.user.id);
}

/**
 * Writes queued before the API had person ids carry the person's token `sub` as `userId` (the API answered it
 * as the user's id then). The person's token from the same provider still names that `sub`, so those writes are
 * this person's: they are re-keyed to the person id once, and then sent like any other.
 */
async function adoptFormerItems(tenant: string, formerId: string, userId: string): Promise<void> {
  for (const item of await listItems(tenant, formerId)) await putItem({ ...item, userId });
}

/** The `sub` of a JWT, read without verifying it: it only matches this device's own queued writes. */
function subjectOf(token: string): string | undefined {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
