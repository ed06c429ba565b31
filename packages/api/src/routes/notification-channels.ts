import {
  assertValidChannels,
  authorize,
  DeliverySchema,
  described,
  NotificationChannelsSchema,
} from '@gridsafe/core';
import { ChannelSettingsRepository, DeliveryLog } from '@gridsafe/db';
import * as z from 'zod/mini';
import { rememberChannels } from '../channels/county-outbound.ts';
import { countyData, writeContext } from '../county-data.ts';
import {
  COMMON_ERRORS,
  expectedVersion,
  json,
  PageQuerySchema,
  pageOf,
  VersionHeaderSchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const ChannelsBodySchema = described(
  z.object({ channels: NotificationChannelsSchema, version: z.number().check(z.int(), z.minimum(0)) }),
  { id: 'NotificationChannelSettings' },
);
const PutChannelsSchema = described(
  z.strictObject({
    channels: NotificationChannelsSchema,
    version: z.optional(z.number().check(z.int(), z.minimum(0))),
  }),
  { id: 'NotificationChannelSettingsUpdate' },
);

const getRoute = createRoute({
  method: 'get',
  path: '/notification-channels',
  tags: ['notifications'],
  summary:
    'SMS (per topic: roles and approved template), 企业微信 / 钉钉 group robots, quiet hours, the daily SMS cap (county admin; holds the robots’ keys)',
  responses: { 200: json(ChannelsBodySchema, 'The channel settings'), ...COMMON_ERRORS },
});
const putRoute = createRoute({
  method: 'put',
  path: '/notification-channels',
  tags: ['notifications'],
  summary: 'Replace the channel settings (county admin); in-app notices are always on',
  request: {
    headers: VersionHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: PutChannelsSchema } } },
  },
  responses: { 200: json(ChannelsBodySchema, 'Saved'), ...WRITE_ERRORS },
});
const deliveriesRoute = createRoute({
  method: 'get',
  path: '/notification-channels/deliveries',
  tags: ['notifications'],
  summary:
    'The delivery log, newest first: each SMS and robot message, its status (sent, held, retrying, failed, capped), attempts and the request sent',
  request: { query: PageQuerySchema },
  responses: { 200: json(pageOf(DeliverySchema, 'DeliveryPage'), 'Deliveries'), ...COMMON_ERRORS },
});

export function registerNotificationChannels(app: ReturnType<typeof createRouter>) {
  app.openapi(getRoute, async (c) => {
    authorize(c.get('principal'), 'settings.manage');
    return c.json(await new ChannelSettingsRepository(countyData(c).store).get(), 200);
  });

  app.openapi(putRoute, async (c) => {
    authorize(c.get('principal'), 'settings.manage');
    const body = c.req.valid('json');
    assertValidChannels(body.channels);
    const repository = new ChannelSettingsRepository(countyData(c).store);
    const current = await repository.get();
    const version = expectedVersion(c, body.version, current.version, 0);
    const saved = await repository.put(body.channels, version, writeContext(c));
    rememberChannels(c.get('tenant'), saved.channels);
    return c.json(saved, 200);
  });

  app.openapi(deliveriesRoute, async (c) => {
    authorize(c.get('principal'), 'settings.manage');
    const { limit, cursor } = c.req.valid('query');
    return c.json(
      await new DeliveryLog(countyData(c).store).list({ limit, ...(cursor ? { cursor } : {}) }),
      200,
    );
  });
}
