import {
  type DeliveryKickEvent,
  type DeliveryKicker,
  KICK_SETTLE_MS,
  KICK_WINDOW_MS,
} from '@gridsafe/api/channels';
import { asyncInvoker, type InvokeClient } from './lambda-async-invoke.ts';

/**
 * Asks the county's sweep function (functions/escalation-sweep.ts) for its due webhook deliveries now, invoked
 * asynchronously with `{ kind: 'webhook-deliveries' }`: the API waits for Lambda to accept the event, never for
 * the deliveries. At most one invocation per county per window from this API instance: the run waits until the
 * window is over (`notBefore`), so it also sends what the writes after the kick queued. A failed invocation is
 * forgotten, so the next write asks again.
 */
export function lambdaDeliveryKicker(
  functionName: string,
  region: string,
  options: { client?: InvokeClient; now?: () => number } = {},
): DeliveryKicker {
  const invoke = asyncInvoker(functionName, region, options.client);
  const now = options.now ?? Date.now;
  const lastKick = new Map<string, number>();
  return {
    async kick(tenant) {
      const at = now();
      const last = lastKick.get(tenant);
      if (last !== undefined && at - last < KICK_WINDOW_MS) return;
      lastKick.set(tenant, at);
      const event: DeliveryKickEvent = {
        kind: 'webhook-deliveries',
        tenant,
        notBefore: new Date(at + KICK_WINDOW_MS + KICK_SETTLE_MS).toISOString(),
      };
      try {
        await invoke(event);
      } catch (error) {
        lastKick.delete(tenant);
        throw error;
      }
    },
  };
}
