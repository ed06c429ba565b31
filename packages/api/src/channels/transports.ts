import type { DeliveryTransport, PlannedRobotPost, PlannedSms } from '@gridsafe/core';
import type { AliyunSmsCredentials, SmsClient } from './aliyun-sms.ts';
import { postToRobot } from './robot-request.ts';

export type { AliyunSmsCredentials } from './aliyun-sms.ts';

/**
 * Where outgoing messages go. A transport sends one message or throws; the caller logs, retries and caps.
 * The local sink sends nothing: the delivery log line it leaves (with the request a provider would have
 * received) is what the demo shows on the settings page and at GET /notification-deliveries.
 */
export interface OutboundTransports {
  name(channel: 'sms' | 'wecom' | 'dingtalk'): DeliveryTransport;
  sms(planned: PlannedSms, now: Date): Promise<{ ref?: string }>;
  robot(planned: PlannedRobotPost, now: Date): Promise<{ ref?: string }>;
}

export const localSink: OutboundTransports = {
  name: () => 'local-sink',
  sms: async (planned) => ({ ref: `sink:${planned.id}` }),
  robot: async (planned) => ({ ref: `sink:${planned.id}` }),
};

/**
 * The providers: SMS through Alibaba Cloud with the county stack's AccessKey (the SDK loaded at the first SMS,
 * never in a cold start), robots by HTTPS POST to the webhook the county entered.
 */
export function liveTransports(options: {
  /** The AccessKey, or where to fetch it at the first SMS (the cell's secret in AWS: functions/lib/outbound.ts). */
  aliyun?: AliyunSmsCredentials | (() => Promise<AliyunSmsCredentials | undefined>);
  fetcher?: typeof fetch;
}): OutboundTransports {
  let client: Promise<SmsClient> | undefined;
  return {
    name: (channel) => (channel === 'sms' ? 'aliyun-sms' : channel),
    async sms(planned) {
      const source = options.aliyun;
      const credentials = typeof source === 'function' ? await source() : source;
      // A county with SMS turned on but no AccessKey in its stack: each attempt fails into the log, visibly.
      if (!credentials) throw new Error('No Alibaba Cloud SMS AccessKey is configured for this stack.');
      client ??= import('./aliyun-sms.ts').then((m) => m.aliyunSmsClient(credentials));
      const { sendAliyunSms } = await import('./aliyun-sms.ts');
      return sendAliyunSms(await client, planned);
    },
    robot: (planned, now) => postToRobot(planned, now, options.fetcher),
  };
}
