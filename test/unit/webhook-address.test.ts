import { afterAttempt, retryDelayMinutes, WEBHOOK_MAX_ATTEMPTS, type WebhookDelivery } from '@gridsafe/core';
import { addressKind, checkWebhookUrl, parseIPv6, refusedAddress } from '@gridsafe/core/webhook-address';
import { describe, expect, it } from 'vitest';

describe('webhook address rules', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.3.4', 'loopback'],
    ['10.0.3.7', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.9', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.0.5', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'metadata'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:93.184.216.34', 'public'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:0a00:0001::1', 'private'],
    ['2001:db8::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['240e:e9:6002::1', 'public'],
  ])('classifies %s as %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it.each(['localhost', '1.2.3', '01.2.3.4', '256.1.1.1', '1::2::3', 'gggg::1', '1:2:3:4:5:6:7:8:9', ''])(
    'calls %s no address',
    (text) => {
      expect(addressKind(text)).toBe('invalid');
    },
  );

  it('expands an IPv6 address with an IPv4 tail to eight groups', () => {
    expect(parseIPv6('::ffff:192.168.1.9')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0109]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses a name when any one of its addresses is not public', () => {
    expect(refusedAddress(['93.184.216.34', '2606:4700::1'])).toBeUndefined();
    expect(refusedAddress(['93.184.216.34', '10.0.0.1'])).toEqual({ address: '10.0.0.1', kind: 'private' });
  });

  it('accepts only https at a public host in AWS', () => {
    expect(checkWebhookUrl('https://hooks.example.com/x', { cloud: true })).toMatchObject({
      ok: true,
      literal: false,
    });
    expect(checkWebhookUrl('https://93.184.216.34/x', { cloud: true })).toMatchObject({
      ok: true,
      literal: true,
    });
    for (const url of [
      'http://hooks.example.com/x',
      'http://127.0.0.1:8080/x',
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest',
      'https://localhost/x',
      'https://metadata.google.internal/x',
      'https://intranet/x',
      'https://user:pw@hooks.example.com/x',
      'ftp://hooks.example.com/x',
      'not a url',
    ])
      expect(checkWebhookUrl(url, { cloud: true }).ok, url).toBe(false);
  });

  it('also accepts http://127.0.0.1:<port> on the local stack, and nothing else over http', () => {
    expect(checkWebhookUrl('http://127.0.0.1:4010/hook', { cloud: false }).ok).toBe(true);
    expect(checkWebhookUrl('http://127.0.0.1/hook', { cloud: false }).ok).toBe(false);
    expect(checkWebhookUrl('http://10.0.0.1:80/hook', { cloud: false }).ok).toBe(false);
    expect(checkWebhookUrl('http://hooks.example.com/hook', { cloud: false }).ok).toBe(false);
  });
});

describe('webhook retries', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const pending: WebhookDelivery = {
    id: '01JD5Y7ZK3QF8W0M2N4P6R8T0V',
    webhookId: '01JD5Y7ZK3QF8W0M2N4P6R8T0W',
    eventId: 'evt_1',
    eventType: 'hazard.closed',
    occurredAt: now.toISOString(),
    body: '{}',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now.toISOString(),
    createdAt: now.toISOString(),
  };

  it('waits 1, 5, 30, 120 and 720 minutes, then dead-letters', () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMinutes)).toEqual([1, 5, 30, 120, 720, undefined]);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(6);
    let delivery = pending;
    const waits: number[] = [];
    for (let attempt = 0; attempt < WEBHOOK_MAX_ATTEMPTS; attempt++) {
      delivery = afterAttempt(delivery, { ok: false, status: 503, error: 'the receiver answered 503' }, now);
      if (delivery.nextAttemptAt) waits.push((Date.parse(delivery.nextAttemptAt) - now.getTime()) / 60_000);
    }
    expect(waits).toEqual([1, 5, 30, 120, 720]);
    expect(delivery).toMatchObject({ status: 'dead', attempts: 6, lastStatus: 503 });
    expect(delivery.nextAttemptAt).toBeUndefined();
  });

  it('records a 2xx as delivered and forgets the last error', () => {
    const failed = afterAttempt(pending, { ok: false, error: 'connect ECONNREFUSED' }, now);
    const delivered = afterAttempt(failed, { ok: true, status: 204 }, now);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 204 });
    expect(delivered.lastError).toBeUndefined();
    expect(delivered.nextAttemptAt).toBeUndefined();
  });
});
