import { InvokeCommand } from '@aws-sdk/client-lambda';
import { isDeliveryKick, KICK_SETTLE_MS, KICK_WINDOW_MS } from '@gridsafe/api/channels';
import { describe, expect, it } from 'vitest';
import { lambdaDeliveryKicker } from '../../functions/lib/lambda-delivery-kicker.ts';

/** A Lambda client that keeps what it is sent (and can be told to refuse), so the request itself can be read. */
function recordingClient() {
  const sent: InvokeCommand[] = [];
  let refuse: Error | undefined;
  return {
    sent,
    refuseNext(error: Error) {
      refuse = error;
    },
    async send(command: unknown) {
      if (refuse) {
        const error = refuse;
        refuse = undefined;
        throw error;
      }
      sent.push(command as InvokeCommand);
      return { StatusCode: 202 };
    },
  };
}

const payloadOf = (command: InvokeCommand) =>
  JSON.parse(new TextDecoder().decode(command.input.Payload as Uint8Array));

describe('the AWS webhook delivery kick', () => {
  it("invokes the county's sweep function asynchronously with a deliveries-only event", async () => {
    const client = recordingClient();
    const now = Date.parse('2026-12-06T08:00:00.000Z');
    const kicker = lambdaDeliveryKicker('gridsafe-taihe-escalation', 'cn-north-1', {
      client,
      now: () => now,
    });
    await kicker.kick('taihe');
    expect(client.sent).toHaveLength(1);
    const [command] = client.sent;
    expect(command).toBeInstanceOf(InvokeCommand);
    expect(command!.input).toMatchObject({
      FunctionName: 'gridsafe-taihe-escalation',
      InvocationType: 'Event',
    });
    const event = payloadOf(command!);
    expect(event).toEqual({
      kind: 'webhook-deliveries',
      tenant: 'taihe',
      notBefore: new Date(now + KICK_WINDOW_MS + KICK_SETTLE_MS).toISOString(),
    });
    // The event is what the sweep function recognises as a kick.
    expect(isDeliveryKick(event)).toBe(true);
  });

  it('asks once per county per window; the next write after it asks again', async () => {
    const client = recordingClient();
    let now = 1_000_000;
    const kicker = lambdaDeliveryKicker('gridsafe-taihe-escalation', 'cn-north-1', {
      client,
      now: () => now,
    });
    await kicker.kick('taihe');
    now += KICK_WINDOW_MS - 1;
    await kicker.kick('taihe');
    expect(client.sent).toHaveLength(1);
    now += 1;
    await kicker.kick('taihe');
    expect(client.sent).toHaveLength(2);
  });

  it('forgets a refused invocation, so the next write asks again at once', async () => {
    const client = recordingClient();
    const kicker = lambdaDeliveryKicker('gridsafe-taihe-escalation', 'cn-north-1', { client, now: () => 5 });
    client.refuseNext(new Error('TooManyRequestsException'));
    await expect(kicker.kick('taihe')).rejects.toThrow('TooManyRequestsException');
    await kicker.kick('taihe');
    expect(client.sent).toHaveLength(1);
  });

  it("tells a kick from the schedule's own event", () => {
    expect(isDeliveryKick({ kind: 'webhook-deliveries', tenant: 'taihe' })).toBe(true);
    // EventBridge Scheduler's invocation of the sweep, and anything else, runs the whole sweep.
    expect(isDeliveryKick({})).toBe(false);
    expect(isDeliveryKick(undefined)).toBe(false);
    expect(isDeliveryKick({ kind: 'sweep', tenant: 'taihe' })).toBe(false);
    expect(isDeliveryKick({ kind: 'webhook-deliveries' })).toBe(false);
    expect(isDeliveryKick({ kind: 'webhook-deliveries', tenant: 'taihe', notBefore: 'soon' })).toBe(false);
  });
});
