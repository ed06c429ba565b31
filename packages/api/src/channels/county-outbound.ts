import type { NotificationChannels } from '@gridsafe/core';
import { ChannelSettingsRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { recordLink } from './links.ts';
import { outboundNotifier } from './outbound-notifier.ts';
import { localSink } from './transports.ts';

/**
 * Channel settings change rarely and every notifying write would otherwise read them: each process keeps them
 * 30 s (as settings-cache.ts does), and the process that saved a change sees it at once.
 */
const TTL_MS = 30_000;
const cache = new Map<string, { channels: NotificationChannels; at: number }>();

export function rememberChannels(tenant: string, channels: NotificationChannels): void {
  cache.set(tenant, { channels, at: Date.now() });
}

/** The request's county's outbound channels, on the transports the process was given (the local sink if none). */
export function countyOutbound(c: Context<AppEnv>) {
  const { clock, logger, outbound, publicOrigin } = c.get('deps');
  const store = c.get('store');
  const tenant = c.get('tenant');
  return outboundNotifier({
    store,
    clock,
    logger,
    transports: outbound ?? localSink,
    linkOf: recordLink(publicOrigin, tenant),
    channels: async () => {
      const hit = cache.get(tenant);
      if (hit && Date.now() - hit.at < TTL_MS) return hit.channels;
      const { channels } = await new ChannelSettingsRepository(store).get();
      rememberChannels(tenant, channels);
      return channels;
    },
  });
}
