import type { RequestKind } from './load.ts';

type Action = 'submit' | 'approve' | 'reopen';

/** What to do next with a point in each status: one lap is draft → submitted → filed → draft. */
const NEXT_ACTION: Record<string, Action> = {
  draft: 'submit',
  submitted: 'approve',
  township_approved: 'approve',
  filed: 'reopen',
};
const AFTER: Record<Action, Action> = { submit: 'approve', approve: 'reopen', reopen: 'submit' };

/**
 * The review transitions under load, on real records that never run out: drafts with a verified photo whose
 * review chain is one step (yellow, blue, ungraded), so `submit` makes them submitted, `approve` files them and
 * `reopen` makes them drafts again. Each is the product's transition path: one GetItem and one
 * TransactWriteItems of the point, its audit event and its counter moves up the tree. Points wait in a queue:
 * a point is never in flight on two connections, and each comes round again only after all the others.
 */
export class TransitionCycle implements RequestKind {
  private readonly queue: string[] = [];
  private readonly action = new Map<string, Action>();
  /** Points sent but not answered when a run ended: their state is read again before the next run. */
  private readonly inFlight = new Set<string>();
  /** Points that answered something unexpected; they leave the cycle. */
  readonly dropped: { id: string; status: number; action: Action }[] = [];

  /** `reviewerToken`: approvals come from a second person, as separation of duties requires. */
  constructor(
    private readonly base: string,
    private readonly reviewerToken: string,
  ) {}

  /** Puts points in the queue with the action their current status calls for. */
  add(id: string, status: string): void {
    const action = NEXT_ACTION[status];
    if (!action) return;
    this.action.set(id, action);
    this.queue.push(id);
  }

  get size(): number {
    return this.queue.length;
  }

  /** Takes the points a finished run left in flight, for the caller to read their status and `add` them again. */
  takeUnsettled(): string[] {
    const ids = [...this.inFlight];
    this.inFlight.clear();
    return ids;
  }

  next() {
    const id = this.queue.shift();
    if (!id) {
      // Every point in flight (fewer points than connections): ask for something harmless meanwhile.
      return { label: 'idle', method: 'GET' as const, path: `${this.base}/me` };
    }
    const action = this.action.get(id)!;
    this.inFlight.add(id);
    return {
      label: `transition: ${action}`,
      method: 'POST' as const,
      path: `${this.base}/risk-points/${id}/${action}`,
      body: '{}',
      token: { id, action },
      ...(action === 'approve' ? { accessToken: this.reviewerToken } : {}),
    };
  }

  done(status: number, sent: { label: string; token?: unknown }): void {
    const token = sent.token as { id: string; action: Action } | undefined;
    if (!token) return;
    const { id, action } = token;
    this.inFlight.delete(id);
    if (status >= 200 && status < 300) {
      this.action.set(id, AFTER[action]);
      this.queue.push(id);
    } else {
      this.dropped.push({ id, status, action });
    }
  }
}
