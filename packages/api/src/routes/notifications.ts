import {
  coercedNumber,
  described,
  ForbiddenError,
  NOTIFICATION_SUBJECT_TYPES,
  NOTIFICATION_TOPICS,
  type Principal,
} from '@gridsafe/core';
import * as z from 'zod/mini';
import { COMMON_ERRORS, IdParamSchema, json, pageOf } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const NotificationSchema = described(
  z.object({
    id: z.string(),
    recipient: z.object({ kind: z.enum(['grid', 'dept', 'unit']), id: z.string() }),
    topic: z.enum(NOTIFICATION_TOPICS),
    subject: z.object({ type: z.enum(NOTIFICATION_SUBJECT_TYPES), id: z.string() }),
    title: z.string(),
    body: z.string(),
    createdAt: z.string(),
    read: z.boolean(),
  }),
  { id: 'Notification' },
);

const ListQuerySchema = z.object({
  limit: z._default(coercedNumber().check(z.int(), z.minimum(1), z.maximum(100)), 50),
  cursor: z.optional(z.string().check(z.maxLength(512))),
  unread: described(z.optional(z.enum(['true', 'false'])), {
    description: 'true: only what the caller has not read',
  }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/notifications',
  tags: ['notifications'],
  summary:
    'The caller’s in-app notifications, newest first: those addressed to each of its posts (grid, department, unit)',
  request: { query: ListQuerySchema },
  responses: { 200: json(pageOf(NotificationSchema, 'NotificationPage'), 'Notifications'), ...COMMON_ERRORS },
});
const readRoute = createRoute({
  method: 'post',
  path: '/notifications/{id}/read',
  tags: ['notifications'],
  summary: 'Mark one notification read for the caller (again is harmless)',
  request: { params: IdParamSchema },
  responses: { 200: json(NotificationSchema, 'The notification, read'), ...COMMON_ERRORS },
});

const UnreadCountSchema = described(
  z.object({
    count: described(z.number(), { description: 'Unread notices, at most 99' }),
    more: described(z.boolean(), { description: 'true: more than `count` are unread (shown as 99+)' }),
  }),
  { id: 'UnreadCount' },
);
const unreadCountRoute = createRoute({
  method: 'get',
  path: '/notifications/unread-count',
  tags: ['notifications'],
  summary: 'How many of the caller’s notices are unread (the bell’s number), up to 99',
  responses: { 200: json(UnreadCountSchema, 'The unread count'), ...COMMON_ERRORS },
});
const ReadAllSchema = described(
  z.object({
    readUpTo: described(z.string(), { description: 'Every notice created up to this time is read' }),
  }),
  { id: 'NotificationsReadAll' },
);
const readAllRoute = createRoute({
  method: 'post',
  path: '/notifications/read-all',
  tags: ['notifications'],
  summary: 'Mark every notice the caller has received so far read (again is harmless)',
  responses: { 200: json(ReadAllSchema, 'Everything so far is read'), ...COMMON_ERRORS },
});

/** The vendor's operator holds no county post, so has no inbox to read or count. */
function countyPerson(principal: Principal): Principal {
  if (principal.role === 'vendor_operator') throw new ForbiddenError('The vendor has no county inbox.');
  return principal;
}

// The handlers are a chunk of their own: most requests write notices, few read them, and a cold start should
// carry only what every request needs.
const handlers = () => import('./notification-handlers.ts');

export function registerNotifications(app: ReturnType<typeof createRouter>) {
  app.openapi(listRoute, async (c) => {
    const principal = countyPerson(c.get('principal'));
    const { limit, cursor, unread } = c.req.valid('query');
    const { listNotices } = await handlers();
    return c.json(await listNotices(c, principal, { limit, cursor, unreadOnly: unread === 'true' }), 200);
  });

  app.openapi(readRoute, async (c) => {
    const { readNotice } = await handlers();
    return c.json(await readNotice(c, c.get('principal'), c.req.valid('param').id), 200);
  });

  app.openapi(unreadCountRoute, async (c) => {
    const principal = countyPerson(c.get('principal'));
    const { countUnreadNotices } = await handlers();
    return c.json(await countUnreadNotices(c, principal), 200);
  });

  app.openapi(readAllRoute, async (c) => {
    const principal = countyPerson(c.get('principal'));
    const { readAllNotices } = await handlers();
    return c.json(await readAllNotices(c, principal), 200);
  });
}
