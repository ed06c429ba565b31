import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signedGetSecretValue } from '../../functions/lib/cursor-secret.ts';

/** node:crypto behind the Hash interface the SDK's own signer takes. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

describe('the cursor secret request', () => {
  for (const region of ['ap-east-1', 'cn-north-1']) {
    it(`is signed exactly as the AWS SDK signs it (${region})`, async () => {
      const now = new Date('2026-12-04T10:11:12.000Z');
      const ours = signedGetSecretValue('gridsafe/page-cursor', region, credentials, now);
      const url = new URL(ours.url);
      const { authorization, ...unsigned } = ours.headers;
      const sdk = await new SignatureV4({
        service: 'secretsmanager',
        region,
        credentials,
        sha256: NodeSha256,
      }).sign(
        {
          method: 'POST',
          protocol: 'https:',
          hostname: url.hostname,
          path: '/',
          headers: { ...unsigned, host: url.hostname },
          body: ours.body,
        },
        { signingDate: now },
      );
      expect(url.hostname).toBe(
        region.startsWith('cn-')
          ? `secretsmanager.${region}.amazonaws.com.cn`
          : `secretsmanager.${region}.amazonaws.com`,
      );
      expect(authorization).toBe(sdk.headers.authorization);
    });
  }
});
