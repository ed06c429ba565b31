import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, SDK_LOGGER_MIDDLEWARE } from '@gridsafe/db';
import { describe, expect, it } from 'vitest';

const names = (stack: { identify(): string[] }) => stack.identify().map((entry) => entry.split(' ')[0]);

describe('the DynamoDB client every path uses', () => {
  it('does not copy every answer for a logger it never has', () => {
    // The name is still the SDK's own: a stock client registers it (if this fails, the SDK renamed it and the
    // product's client quietly kept the copy).
    expect(names(new DynamoDBClient({ region: 'cn-north-1' }).middlewareStack)).toContain(
      SDK_LOGGER_MIDDLEWARE,
    );
    const client = createDocumentClient({ endpoint: 'http://127.0.0.1:1', region: 'cn-north-1' });
    expect(names(client.middlewareStack)).not.toContain(SDK_LOGGER_MIDDLEWARE);
  });

  it('keeps what a call needs: serializing, signing, retrying and refusing a Scan', () => {
    const client = createDocumentClient({ endpoint: 'http://127.0.0.1:1', region: 'cn-north-1' });
    expect(names(client.middlewareStack)).toEqual(
      expect.arrayContaining([
        'gridsafeForbidScan',
        'serializerMiddleware',
        'retryMiddleware',
        'httpSigningMiddleware',
        'deserializerMiddleware',
      ]),
    );
  });
});
