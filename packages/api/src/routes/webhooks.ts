import {
  authorize,
  ConflictError,
  CreateWebhookSchema,
  deliveryView,
  described,
  MAX_WEBHOOKS_PER_COUNTY,
  NotFoundError,
  publicWebhook,
  replayedDelivery,
  UpdateWebhookSchema,
  ValidationError,
  type Webhook,
  WebhookDeliverySchema,
  WebhookSchema,
  WebhookSecretSchema,
} from '@gridsafe/core';
import { newSigningSecret } from '@gridsafe/core/signed-message';
import { WebhookRepository, webhookEntity } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { refusedTarget } from '../channels/webhook-delivery.ts';
import { writeContext } from '../county-data.ts';
import {
  COMMON_ERRORS,
  IdParamSchema,
  IdQuery,
  json,
  PageQuerySchema,
  pageOf,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { auditTrail, recordRoutes } from './record-routes.ts';

/**
 * Outbound webhooks (county admin): subscribe an address to the county's events, see each delivery's fate, send a
 * dead-lettered one again. A route group loaded at its first request; the outbox itself is written by the
 * repositories (webhook-outbox.ts) and sent by the county's timer (channels/webhook-delivery.ts).
 */
const DeliveryParamSchema = z.object({
  id: described(IdQuery, { example: '01JD5Y7ZK3QF8W0M2N4P6R8T0V' }),
  deliveryId: described(IdQuery, { example: '01JD5Y7ZK3QF8W0M2N4P6R8T0W' }),
});

const record = recordRoutes('webhooks', 'webhooks');

const routes = {
  list: createRoute({
    method: 'get',
    path: '/webhooks',
    tags: ['webhooks'],
    summary: 'The county’s outbound webhooks (county admin); never their secrets',
    responses: {
      200: json(described(z.object({ items: z.array(WebhookSchema) }), { id: 'WebhookList' }), 'All'),
      ...COMMON_ERRORS,
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/webhooks',
    tags: ['webhooks'],
    summary:
      'Subscribe an address to events (county admin): answers its id and signing secret, shown this once',
    description:
      'Each event is POSTed as `{ id, type, occurredAt, tenant, data }` signed with the secret: `x-gridsafe-timestamp` (Unix seconds) and `x-gridsafe-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` (docs/exchange.md). In AWS the URL must be https and resolve only to public addresses (400 naming `url` otherwise).',
    request: {
      body: { required: true, content: { 'application/json': { schema: CreateWebhookSchema } } },
    },
    responses: { 201: json(WebhookSecretSchema, 'The webhook and its secret'), ...WRITE_ERRORS },
  }),
  get: record.get('One webhook (county admin)', WebhookSchema, 'The webhook'),
  update: createRoute({
    method: 'patch',
    path: '/webhooks/{id}',
    tags: ['webhooks'],
    summary: 'Disable or enable a webhook (county admin); a disabled one is sent nothing new',
    request: {
      params: IdParamSchema,
      body: { required: true, content: { 'application/json': { schema: UpdateWebhookSchema } } },
    },
    responses: { 200: json(WebhookSchema, 'The webhook'), ...WRITE_ERRORS },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/webhooks/{id}',
    tags: ['webhooks'],
    summary: 'Delete a webhook (county admin): it leaves the list, nothing more is sent; its log is kept',
    request: { params: IdParamSchema },
    responses: { 200: json(WebhookSchema, 'The webhook as deleted (disabled)'), ...WRITE_ERRORS },
  }),
  audit: record.audit(
    'Every event of the webhook (created, disabled, replays), oldest first, chain verified',
  ),
  deliveries: createRoute({
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    tags: ['webhooks'],
    summary: 'The webhook’s delivery log, newest first: status, attempts, last error, next attempt',
    description:
      'A delivery whose every attempt failed is `dead` (`deadLettered: true`); replay sends it again.',
    request: { params: IdParamSchema, query: PageQuerySchema },
    responses: {
      200: json(pageOf(WebhookDeliverySchema, 'WebhookDeliveryPage'), 'A page of deliveries'),
      ...COMMON_ERRORS,
    },
  }),
  replay: createRoute({
    method: 'post',
    path: '/webhooks/{id}/deliveries/{deliveryId}/replay',
    tags: ['webhooks'],
    summary: 'Send a delivery again (county admin): due at once, with a fresh run of attempts',
    description:
      'The same body and event id are sent (a receiver drops a repeat by `id`). A delivery still pending answers 409.',
    request: { params: DeliveryParamSchema },
    responses: { 200: json(WebhookDeliverySchema, 'The delivery, due now'), ...WRITE_ERRORS },
  }),
};

async function storedHook(c: Context<AppEnv>, id: string) {
  const stored = await new WebhookRepository(c.get('store')).getStored(id, true);
  const hook = stored ? webhookEntity.fromItem(stored) : undefined;
  if (!stored || !hook || hook.deleted) throw new NotFoundError('webhook');
  return { stored, hook };
}

const listed = ({ deleted: _deleted, ...hook }: Webhook & { deleted?: boolean }) => publicWebhook(hook);

export function registerWebhooks(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.list, async (c) => {
    authorize(c.get('principal'), 'webhook.manage');
    const hooks = await new WebhookRepository(c.get('store')).listAll();
    return c.json({ items: hooks.map(listed) }, 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'webhook.manage');
    const body = c.req.valid('json');
    const deps = c.get('deps');
    const refused = await refusedTarget(body.url, {
      publicOnly: deps.webhooks?.publicOnly ?? false,
      ...(deps.webhooks?.lookup ? { lookup: deps.webhooks.lookup } : {}),
    });
    if (refused) throw new ValidationError([{ path: 'url', message: refused }]);
    const repository = new WebhookRepository(c.get('store'));
    if ((await repository.listAll()).length >= MAX_WEBHOOKS_PER_COUNTY)
      throw new ConflictError(
        `A county has at most ${MAX_WEBHOOKS_PER_COUNTY} webhooks; delete one first.`,
        'too_many_webhooks',
      );
    const now = deps.clock.now().toISOString();
    const hook: Webhook = {
      id: deps.ids.next(),
      url: body.url,
      events: [...new Set(body.events)],
      ...(body.description ? { description: body.description } : {}),
      enabled: true,
      secret: newSigningSecret(),
      createdBy: principal.username,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await repository.create(hook, writeContext(c));
    return c.json({ id: hook.id, secret: hook.secret }, 201);
  });

  app.openapi(routes.get, async (c) => {
    authorize(c.get('principal'), 'webhook.manage');
    return c.json(listed((await storedHook(c, c.req.valid('param').id)).hook), 200);
  });

  app.openapi(routes.update, async (c) => {
    authorize(c.get('principal'), 'webhook.manage');
    const { enabled } = c.req.valid('json');
    const { stored, hook } = await storedHook(c, c.req.valid('param').id);
    const saved = await new WebhookRepository(c.get('store')).update(
      stored,
      { ...hook, enabled },
      enabled ? 'enabled' : 'disabled',
      writeContext(c),
    );
    return c.json(listed(saved), 200);
  });

  app.openapi(routes.remove, async (c) => {
    authorize(c.get('principal'), 'webhook.manage');
    const { stored, hook } = await storedHook(c, c.req.valid('param').id);
    const deleted = await new WebhookRepository(c.get('store')).update(
      stored,
      { ...hook, enabled: false, deleted: true },
      'deleted',
      writeContext(c),
    );
    return c.json(listed(deleted), 200);
  });

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'webhook.manage');
    const { hook } = await storedHook(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'webhook', hook.id), 200);
  });

  app.openapi(routes.deliveries, async (c) => {
    authorize(c.get('principal'), 'webhook.manage');
    const { hook } = await storedHook(c, c.req.valid('param').id);
    const { limit, cursor } = c.req.valid('query');
    const page = await new WebhookRepository(c.get('store')).deliveries(hook.id, { limit, cursor });
    return c.json({ ...page, items: page.items.map(deliveryView) }, 200);
  });

  app.openapi(routes.replay, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'webhook.manage');
    const { id, deliveryId } = c.req.valid('param');
    const { stored } = await storedHook(c, id);
    const repository = new WebhookRepository(c.get('store'));
    const delivery = await repository.getDelivery(id, deliveryId);
    if (!delivery) throw new NotFoundError('delivery');
    if (delivery.status === 'pending')
      throw new ConflictError(
        'This delivery is still being tried; it can be replayed once it is done.',
        'pending',
      );
    const ctx = writeContext(c);
    const after = replayedDelivery(delivery, principal.username, ctx.now);
    await repository.replay(stored, delivery, after, ctx);
    return c.json(deliveryView(after), 200);
  });
}
