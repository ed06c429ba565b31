import * as dysmsapi from '@alicloud/dysmsapi20170525';
import { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import type { PlannedSms } from '@gridsafe/core';

/**
 * Alibaba Cloud SMS (短信服务) through its SDK. This module is only reached by `import()` from the live SMS
 * transport, so the SDK is a chunk of its own that neither the API's cold start nor a county on the local sink
 * ever loads.
 */
export interface AliyunSmsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** dysmsapi.aliyuncs.com unless the county's account says otherwise. */
  endpoint?: string;
}

/** The SendSms request for a planned SMS: the approved sign and template, one phone, the template's variables. */
export function sendSmsRequest(planned: PlannedSms): SendSmsRequest {
  return new SendSmsRequest({
    phoneNumbers: planned.phone,
    signName: planned.signName,
    templateCode: planned.templateCode,
    templateParam: JSON.stringify(planned.templateParam),
    // Alibaba echoes it in delivery receipts: the log line it belongs to.
    outId: planned.id.slice(0, 256),
  });
}

/** The part of the SDK client used here. */
export interface SmsClient {
  sendSms(request: SendSmsRequest): Promise<{ body?: { code?: string; message?: string; bizId?: string } }>;
}

export function aliyunSmsClient(credentials: AliyunSmsCredentials): SmsClient {
  return new (smsClientClass())(
    new $OpenApiUtil.Config({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      endpoint: credentials.endpoint ?? 'dysmsapi.aliyuncs.com',
      connectTimeout: 3_000,
      readTimeout: 5_000,
    }),
  );
}

/**
 * The SDK is CommonJS compiled from TypeScript: Node's ESM import hands over `module.exports`, whose `default` is
 * the client class, while a bundler's interop may already unwrap it.
 */
function smsClientClass(): typeof dysmsapi.default {
  const exported = dysmsapi.default as unknown as { default?: typeof dysmsapi.default };
  return exported.default ?? dysmsapi.default;
}

/** Sends one SMS; Alibaba answers HTTP 200 with `Code: "OK"` on success and a code naming the refusal otherwise. */
export async function sendAliyunSms(client: SmsClient, planned: PlannedSms): Promise<{ ref?: string }> {
  const answer = await client.sendSms(sendSmsRequest(planned));
  if (answer.body?.code !== 'OK')
    throw new Error(`Alibaba SMS refused: ${answer.body?.code} ${answer.body?.message}`);
  return answer.body.bizId ? { ref: answer.body.bizId } : {};
}
