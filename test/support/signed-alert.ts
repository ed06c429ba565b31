import { countyApiBasePath } from '@gridsafe/core/contract';
import { signedHeaders } from '@gridsafe/core/signed-message';

/**
 * A monitoring system's alert as it arrives: `alert` as JSON, signed with its source's secret at `atSeconds`
 * (now by default), posted to the county's alert intake of `app` (no user token: the signature is the caller).
 */
export function postSignedAlert(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  tenant: string,
  secret: string,
  alert: Record<string, unknown>,
  atSeconds = Math.floor(Date.now() / 1000),
): Promise<Response> {
  const raw = JSON.stringify(alert);
  return Promise.resolve(
    app.request(`${countyApiBasePath(tenant)}/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(secret, raw, atSeconds) },
      body: raw,
    }),
  );
}
