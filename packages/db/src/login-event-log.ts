import { LOGIN_EVENT_RETENTION_DAYS, type LoginEvent } from '@gridsafe/core';
import { fromItem, type Page, type TenantStore } from './tenant-store.ts';

/**
 * The county's login log. Item: pk LOGINLOG / sk <at>#<id>, with `expiresAt` LOGIN_EVENT_RETENTION_DAYS
 * after the event (DynamoDB TTL). One partition per county: a county's logins are a few thousand a day, far
 * below a partition's write limit, and the newest-first page is one Query.
 */
export class LoginEventLog {
  constructor(private readonly store: TenantStore) {}

  private pk() {
    return this.store.key('LOGINLOG');
  }

  /** appendLoginEvent: PutItem LOGINLOG / <at>#<id>. */
  async append(event: LoginEvent): Promise<void> {
    const expiresAt = Math.floor(Date.parse(event.at) / 1000) + LOGIN_EVENT_RETENTION_DAYS * 86_400;
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: { pk: this.pk(), sk: `${event.at}#${event.id}`, type: 'LoginEvent', expiresAt, ...event },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
      'login event',
    );
  }

  /** listLoginEvents: Query LOGINLOG newest first, one page. */
  async list(page: { limit: number; cursor?: string }): Promise<Page<LoginEvent>> {
    const result = await this.store.queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': this.pk() },
        ScanIndexForward: false,
      },
      page,
    );
    return {
      items: result.items.map((item) => {
        const { expiresAt: _expiresAt, ...event } = fromItem<LoginEvent & { expiresAt?: number }>(item);
        return event;
      }),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    };
  }
}
