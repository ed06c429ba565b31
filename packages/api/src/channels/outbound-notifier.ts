import {
  beijingDay,
  type Clock,
  type Delivery,
  deliveryTarget,
  type Logger,
  loggedRequest,
  MAX_DELIVERY_ATTEMPTS,
  type NotificationChannels,
  type NotificationMessage,
  type Notifier,
  type PlannedDelivery,
  planDeliveries,
  quietHoursEnd,
  retryDelayMs,
} from '@gridsafe/core';
import { allPeople, ChannelSettingsRepository, DeliveryLog, type TenantStore } from '@gridsafe/db';
import type { OutboundTransports } from './transports.ts';

export interface OutboundOptions {
  store: TenantStore;
  clock: Clock;
  logger: Logger;
  transports: OutboundTransports;
  /** The web app's link to a notice's record, for the robots' "查看详情". */
  linkOf: (subject: NotificationMessage['subject']) => string;
  /** The county's channel settings; read from the table when absent. */
  channels?: () => Promise<NotificationChannels>;
}

export interface FlushResult {
  sent: number;
  waiting: number;
  failed: number;
}

/**
 * SMS and group robots behind the Notifier port. For each batch of committed notices it plans who hears of them
 * (core's `planDeliveries`), writes each delivery's log line once (a notice handed over twice is not sent twice),
 * and makes a first attempt: held until quiet hours end unless urgent, refused past the person's daily cap
 * unless urgent, sent, or queued for a retry with backoff. `flush` (the sweep, every five minutes) sends what
 * waits in the queue and is due. Never throws: a channel's failure is a log line, not a failed request.
 */
export function outboundNotifier(options: OutboundOptions): Notifier & { flush(): Promise<FlushResult> } {
  const log = new DeliveryLog(options.store);
  const channelsOf =
    options.channels ?? (async () => (await new ChannelSettingsRepository(options.store).get()).channels);

  async function attempt(
    before: Delivery,
    planned: PlannedDelivery,
    channels: NotificationChannels,
  ): Promise<Delivery> {
    const now = options.clock.now();
    const at = now.toISOString();
    const quietUntil = planned.urgent ? undefined : quietHoursEnd(now, channels.quietHours);
    let after: Delivery;
    if (quietUntil) {
      after = { ...before, status: 'held', nextAttemptAt: quietUntil.toISOString(), updatedAt: at };
    } else if (
      planned.channel === 'sms' &&
      before.attempts === 0 &&
      !(await log.countSms(planned.personId, beijingDay(now), channels.dailyCapPerPerson, planned.urgent))
    ) {
      after = { ...withoutQueue(before), status: 'capped', updatedAt: at };
    } else {
      try {
        const { ref } =
          planned.channel === 'sms'
            ? await options.transports.sms(planned, now)
            : await options.transports.robot(planned, now);
        after = {
          ...withoutQueue(before),
          status: 'sent',
          attempts: before.attempts + 1,
          ...(ref ? { providerRef: ref } : {}),
          updatedAt: at,
        };
      } catch (error) {
        const attempts = before.attempts + 1;
        const message = error instanceof Error ? error.message : String(error);
        options.logger.warn('outbound delivery failed', { deliveryId: before.id, attempts, error });
        after =
          attempts >= MAX_DELIVERY_ATTEMPTS
            ? {
                ...withoutQueue(before),
                status: 'failed',
                attempts,
                error: message.slice(0, 300),
                updatedAt: at,
              }
            : {
                ...before,
                status: 'retrying',
                attempts,
                error: message.slice(0, 300),
                nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)).toISOString(),
                updatedAt: at,
              };
      }
    }
    await log.record(before, after, planned);
    return after;
  }

  return {
    async notify(messages) {
      if (messages.length === 0) return;
      try {
        const channels = await channelsOf();
        const smsTopics = channels.sms.enabled
          ? messages.some(
              (m) => (channels.sms.roles[m.topic]?.length ?? 0) > 0 && channels.sms.templates[m.topic],
            )
          : false;
        const robots = messages.some((m) => channels.robots.some((robot) => robot.topics.includes(m.topic)));
        if (!smsTopics && !robots) return;
        const people = smsTopics ? await allPeople(options.store) : [];
        for (const planned of planDeliveries(messages, channels, people, options.linkOf)) {
          const first: Delivery = {
            id: planned.id,
            notificationId: planned.notificationId,
            topic: planned.topic,
            channel: planned.channel,
            target: deliveryTarget(planned),
            ...(planned.channel === 'sms' ? { personId: planned.personId } : {}),
            urgent: planned.urgent,
            status: 'retrying',
            transport: options.transports.name(planned.channel),
            attempts: 0,
            request: loggedRequest(planned),
            createdAt: planned.createdAt,
            updatedAt: options.clock.now().toISOString(),
          };
          if (await log.begin(first)) await attempt(first, planned, channels);
        }
      } catch (error) {
        options.logger.warn('outbound channels failed', { error });
      }
    },

    async flush() {
      const result: FlushResult = { sent: 0, waiting: 0, failed: 0 };
      const due = await log.due(options.clock.now());
      if (due.length === 0) return result;
      const channels = await channelsOf();
      for (const { delivery, planned } of due) {
        try {
          const after = await attempt(delivery, planned, channels);
          if (after.status === 'sent') result.sent += 1;
          else if (after.nextAttemptAt) result.waiting += 1;
          else result.failed += 1;
        } catch (error) {
          options.logger.warn('outbound retry failed', { deliveryId: delivery.id, error });
          result.waiting += 1;
        }
      }
      return result;
    },
  };
}

function withoutQueue(delivery: Delivery): Delivery {
  const { nextAttemptAt: _next, ...rest } = delivery;
  return rest;
}
