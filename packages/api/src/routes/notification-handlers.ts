import { NotFoundError, type NotificationRecipient, type Principal } from '@gridsafe/core';
import { NotificationInbox, NotificationRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';

/** A person's posts: every grant is an inbox (the county admin's is the county root's). */
function inboxesOf(principal: Principal): NotificationRecipient[] {
  return principal.grants.map((grant) => ({ kind: grant.kind, id: grant.id }));
}

/** One page of the caller's inbox, newest first, each notice with the caller's read mark. */
export function listNotices(
  c: Context<AppEnv>,
  principal: Principal,
  page: { limit: number; cursor?: string; unreadOnly: boolean },
) {
  return new NotificationInbox(countyData(c).store).listInbox(principal.userId, inboxesOf(principal), page);
}

/** Marks one of the caller's notices read; someone else's notice looks exactly like a missing one. */
export async function readNotice(c: Context<AppEnv>, principal: Principal, id: string) {
  const notifications = new NotificationRepository(countyData(c).store);
  const message = await notifications.get(id);
  const mine =
    message &&
    inboxesOf(principal).some(
      (inbox) => inbox.kind === message.recipient.kind && inbox.id === message.recipient.id,
    );
  if (!message || !mine) throw new NotFoundError('notification');
  await notifications.markRead(principal.userId, message, c.get('deps').clock.now());
  return { ...message, read: true };
}

/** The bell's number. */
export function countUnreadNotices(c: Context<AppEnv>, principal: Principal) {
  return new NotificationInbox(countyData(c).store).countUnread(principal.userId, inboxesOf(principal));
}

/** Everything the caller has received so far, read. */
export async function readAllNotices(c: Context<AppEnv>, principal: Principal) {
  const now = c.get('deps').clock.now();
  await new NotificationInbox(countyData(c).store).markAllRead(principal.userId, now);
  return { readUpTo: now.toISOString() };
}
