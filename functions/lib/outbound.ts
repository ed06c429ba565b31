import { liveTransports } from '@gridsafe/api/channels';

/**
 * SMS through Alibaba Cloud with the stack's AccessKey when it has one (a county that turns SMS on in a stack
 * without one sees each SMS fail in its delivery log); group robots need only the webhook the county entered.
 */
export function transportsFromEnv() {
  const id = process.env.ALIYUN_SMS_ACCESS_KEY_ID;
  const secret = process.env.ALIYUN_SMS_ACCESS_KEY_SECRET;
  return liveTransports(id && secret ? { aliyun: { accessKeyId: id, accessKeySecret: secret } } : {});
}
