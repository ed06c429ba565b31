import { createHmac } from 'node:crypto';
import type { PlannedRobotPost } from '@gridsafe/core';

/** An HTTP request, built apart from sending it so the exact bytes a provider receives can be checked. */
export interface HttpRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/**
 * 钉钉's 加签: sign = urlEncode(base64(HMAC-SHA256(key = secret, data = `${timestamp}\n${secret}`))), appended to
 * the webhook URL with the timestamp in milliseconds; 钉钉 refuses a timestamp more than an hour off.
 *
 * @example
 * dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', 'SEC…', 1700000000000);
 * // https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=…
 */
export function dingtalkSignedUrl(webhookUrl: string, secret: string, timestampMs: number): string {
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  return `${webhookUrl}&timestamp=${timestampMs}&sign=${encodeURIComponent(sign)}`;
}

/**
 * The POST a group robot receives: the markdown body as JSON to the webhook URL (企业微信's carries its key,
 * 钉钉's its access token and, when the robot is signed, the timestamp and sign).
 */
export function robotRequest(planned: PlannedRobotPost, now: Date): HttpRequest {
  const url =
    planned.channel === 'dingtalk' && planned.secret
      ? dingtalkSignedUrl(planned.webhookUrl, planned.secret, now.getTime())
      : planned.webhookUrl;
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(planned.body),
  };
}

/**
 * Posts to a robot; both providers answer HTTP 200 with `{ errcode, errmsg }`, and only errcode 0 means the
 * group got the message, so anything else throws (and the delivery is retried).
 */
export async function postToRobot(
  planned: PlannedRobotPost,
  now: Date,
  fetcher: typeof fetch = fetch,
): Promise<{ ref?: string }> {
  const request = robotRequest(planned, now);
  const response = await fetcher(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(5_000),
  });
  const answer = (await response.json().catch(() => ({}))) as { errcode?: number; errmsg?: string };
  if (!response.ok || answer.errcode !== 0)
    throw new Error(
      `${planned.channel} robot answered ${response.status} errcode ${answer.errcode}: ${answer.errmsg}`,
    );
  return {};
}
