import type { AliyunSmsCredentials } from '@gridsafe/api/channels';
import { liveTransports } from '@gridsafe/api/channels';

/**
 * SMS through Alibaba Cloud with the cell's AccessKey: in AWS the secret `SMS_SECRET_ID` (infra/src/sms-secret.ts),
 * read once per process at the first SMS, never in a cold start; `ALIYUN_SMS_ACCESS_KEY_ID` and `_SECRET` still
 * work where a stack sets them. A county that turns SMS on in a cell whose secret is still empty sees each SMS fail
 * in its delivery log (and the next SMS asks again, so setting the secret needs no redeploy); group robots need
 * only the webhook the county entered.
 */
export function transportsFromEnv() {
  const id = process.env.ALIYUN_SMS_ACCESS_KEY_ID;
  const secret = process.env.ALIYUN_SMS_ACCESS_KEY_SECRET;
  if (id && secret) return liveTransports({ aliyun: { accessKeyId: id, accessKeySecret: secret } });
  const secretId = process.env.SMS_SECRET_ID;
  const region = process.env.AWS_REGION;
  if (!secretId || !region) return liveTransports({});
  let found: Promise<AliyunSmsCredentials | undefined> | undefined;
  return liveTransports({
    aliyun: () => {
      found ??= smsCredentialsFromSecret(secretId, region);
      // An empty or unreadable secret is asked again at the next SMS rather than remembered.
      return found.then(
        (credentials) => {
          if (!credentials) found = undefined;
          return credentials;
        },
        (error: unknown) => {
          found = undefined;
          throw error;
        },
      );
    },
  });
}

/** The secret's JSON `{accessKeyId, accessKeySecret, endpoint?}`; undefined while its key id is still empty. */
export async function smsCredentialsFromSecret(
  secretId: string,
  region: string,
): Promise<AliyunSmsCredentials | undefined> {
  const { fetchSecretString } = await import('./cursor-secret.ts');
  return parseSmsSecret(await fetchSecretString(secretId, region, 'the SMS secret'));
}

export function parseSmsSecret(text: string): AliyunSmsCredentials | undefined {
  const value = JSON.parse(text) as Partial<Record<'accessKeyId' | 'accessKeySecret' | 'endpoint', unknown>>;
  if (typeof value.accessKeyId !== 'string' || typeof value.accessKeySecret !== 'string') return undefined;
  if (!value.accessKeyId || !value.accessKeySecret) return undefined;
  return {
    accessKeyId: value.accessKeyId,
    accessKeySecret: value.accessKeySecret,
    ...(typeof value.endpoint === 'string' && value.endpoint ? { endpoint: value.endpoint } : {}),
  };
}
