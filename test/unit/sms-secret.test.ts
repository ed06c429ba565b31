import { liveTransports } from '@gridsafe/api/channels';
import type { PlannedSms } from '@gridsafe/core';
import { describe, expect, it } from 'vitest';
import { parseSmsSecret } from '../../functions/lib/outbound.ts';

/** What the shared stack's generated secret holds before the operator fills it (infra/src/sms-secret.ts). */
const asCreated = JSON.stringify({ accessKeyId: '', accessKeySecret: '', placeholder: 'Xk3!p9Qa' });

describe('the cell’s SMS AccessKey secret (issue 16)', () => {
  it('reads a filled secret as the AccessKey, with its endpoint when one is given', () => {
    expect(parseSmsSecret(JSON.stringify({ accessKeyId: 'LTAI5t', accessKeySecret: 's3cret' }))).toEqual({
      accessKeyId: 'LTAI5t',
      accessKeySecret: 's3cret',
    });
    expect(
      parseSmsSecret(
        JSON.stringify({
          accessKeyId: 'LTAI5t',
          accessKeySecret: 's3cret',
          endpoint: 'dysmsapi.ap-southeast-1.aliyuncs.com',
        }),
      ),
    ).toMatchObject({ endpoint: 'dysmsapi.ap-southeast-1.aliyuncs.com' });
  });

  it('reads the secret as the stack creates it as no AccessKey at all', () => {
    expect(parseSmsSecret(asCreated)).toBeUndefined();
    expect(parseSmsSecret(JSON.stringify({ accessKeyId: 'LTAI5t' }))).toBeUndefined();
  });

  it('fails each SMS visibly, without calling Alibaba, while the secret is still empty', async () => {
    const transports = liveTransports({ aliyun: async () => parseSmsSecret(asCreated) });
    const planned: PlannedSms = {
      id: 'n1',
      notificationId: 'n1',
      topic: 'hazard_escalated',
      urgent: true,
      createdAt: '2026-12-06T00:00:00.000Z',
      channel: 'sms',
      personId: 'p1',
      phone: '13800000000',
      signName: '太和县应急管理局',
      templateCode: 'SMS_1',
      templateParam: { title: '隐患升级' },
    };
    await expect(transports.sms(planned, new Date())).rejects.toThrow(
      'No Alibaba Cloud SMS AccessKey is configured for this stack.',
    );
  });
});
