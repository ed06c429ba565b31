import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulidSource } from '@gridsafe/core';
import { deliveryKey, TenantStore } from '@gridsafe/db';
import { expect } from 'vitest';
import type { Entry, Reuse } from './matrix-rules.ts';
import { createdWitness, listQuery, recordWitness } from './matrix-table-county.ts';
import type { Case, MatrixWorld } from './matrix-world.ts';

/**
 * The permission matrix's rows for data exchange: a county's webhooks are its admin's alone (`webhook.manage`,
 * county-wide, so no "out" case; another county's id is a 404), and the export feed is read with
 * `exchange.read` in the caller's area like any list.
 */
let serial = 0;
/** Nothing listens there: the matrix never runs the delivery timer. */
const target = () => `http://127.0.0.1:9/matrix-${serial++}`;

async function hookOf(w: MatrixWorld, c: Case, reuse: Reuse, owner = '') {
  return reuse(`webhook:${c === 'foreign' ? 'there' : 'here'}${owner}`, async () => {
    const made = await w.readerFor(c).post('/webhooks', { url: target(), events: ['hazard.closed'] });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as { id: string; secret: string };
  });
}

/** A dead-lettered delivery of the case's webhook, written past the API as the timer would leave it. */
async function deadDeliveryOf(w: MatrixWorld, c: Case, reuse: Reuse) {
  const hook = await hookOf(w, c, reuse, ':replay');
  return reuse(`webhook-delivery:${hook.id}`, async () => {
    const tenant = c === 'foreign' ? w.there.tenant : w.here.tenant;
    const store = new TenantStore(w.api.deps.documentClient, w.api.tableName, tenant);
    const id = ulidSource.next();
    const at = new Date().toISOString();
    await w.api.deps.documentClient.send(
      new PutCommand({
        TableName: w.api.tableName,
        Item: {
          ...deliveryKey(store, hook.id, id),
          type: 'WebhookDelivery',
          id,
          webhookId: hook.id,
          eventId: `evt_matrix${id}`,
          eventType: 'hazard.closed',
          occurredAt: at,
          body: JSON.stringify({
            id: `evt_matrix${id}`,
            type: 'hazard.closed',
            occurredAt: at,
            tenant,
            data: {},
          }),
          status: 'dead',
          attempts: 6,
          lastError: 'the receiver answered 500',
          createdAt: at,
        },
      }),
    );
    return { hook, id };
  });
}

export const WEBHOOK_TABLE: Record<string, Entry> = {
  'GET /webhooks': {
    may: 'webhook.manage',
    success: 200,
    cases: ['in'],
    call: async () => ({ path: '/webhooks' }),
  },
  'POST /webhooks': {
    may: 'webhook.manage',
    success: 201,
    cases: ['in'],
    call: async (w) => {
      const url = target();
      return {
        path: '/webhooks',
        body: { url, events: ['risk-point.filed'] },
        witness: createdWitness(w.admin, '/webhooks', 'url', url),
      };
    },
  },
  'GET /webhooks/{id}': {
    may: 'webhook.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => ({ path: `/webhooks/${(await hookOf(w, c, reuse)).id}` }),
  },
  'PATCH /webhooks/{id}': {
    may: 'webhook.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => {
      const hook = await hookOf(w, c, reuse, ':patch');
      return {
        path: `/webhooks/${hook.id}`,
        body: { enabled: false },
        witness: recordWitness(w.readerFor(c), `/webhooks/${hook.id}`),
      };
    },
  },
  'DELETE /webhooks/{id}': {
    may: 'webhook.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => {
      const hook = await hookOf(w, c, reuse, ':delete');
      return {
        path: `/webhooks/${hook.id}`,
        witness: recordWitness(w.readerFor(c), `/webhooks/${hook.id}`),
      };
    },
  },
  'GET /webhooks/{id}/audit': {
    may: 'webhook.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => ({ path: `/webhooks/${(await hookOf(w, c, reuse)).id}/audit` }),
  },
  'GET /webhooks/{id}/deliveries': {
    may: 'webhook.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => ({ path: `/webhooks/${(await hookOf(w, c, reuse)).id}/deliveries` }),
  },
  'POST /webhooks/{id}/deliveries/{deliveryId}/replay': {
    may: 'webhook.manage',
    success: 200,
    cases: ['in', 'foreign'],
    call: async (w, _role, c, reuse) => {
      const { hook, id } = await deadDeliveryOf(w, c, reuse);
      return {
        path: `/webhooks/${hook.id}/deliveries/${id}/replay`,
        witness: async () => (await w.readerFor(c).get(`/webhooks/${hook.id}/deliveries`)).body,
      };
    },
  },
  'GET /exchange/feed': {
    may: 'exchange.read',
    success: 200,
    call: async (w, role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      return { ...query, path: `/exchange/feed${query.path}` };
    },
  },
};
