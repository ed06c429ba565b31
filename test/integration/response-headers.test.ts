import { beforeAll, describe, expect, it } from 'vitest';
import { qrSvg } from '../../packages/api/src/qr-svg.ts';
import {
  clientFor,
  DEMO_LOGIN_PASSWORD,
  type SeededCounty,
  seedTestCounty,
  startTestApi,
  TEST_PUBLIC_ORIGIN,
  uniqueTenant,
} from '../support/harness.ts';

/**
 * Issue 21, items 7 and 8: absolute links come from the county's configured origin, never from the request; HTML
 * answers carry a strict Content-Security-Policy and nosniff; county answers are never cached; the DynamoDB call
 * count is told only to the benchmark.
 */
let api: Awaited<ReturnType<typeof startTestApi>>;
let counted: Awaited<ReturnType<typeof startTestApi>>;
let county: SeededCounty;
let token: string;
let pointId: string;

beforeAll(async () => {
  const tenant = uniqueTenant('hd');
  api = await startTestApi({ tenants: [tenant] });
  counted = await startTestApi({ tenants: [tenant], reportDynamoCalls: true });
  county = await seedTestCounty(api, tenant);
  token = await api.login(tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
  const points = await clientFor(api.app, tenant, token).get('/risk-points?limit=1');
  pointId = points.body.items[0].id;
}, 180_000);

const noticeBoard = (headers: Record<string, string> = {}) =>
  api.app.request(`http://evil.example/t/${county.tenant}/api/v1/risk-points/${pointId}/notice-board`, {
    headers: {
      authorization: `Bearer ${token}`,
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      ...headers,
    },
  });

describe('the notice board', () => {
  it('prints a QR code and a link to the county’s configured origin when the request names another Host', async () => {
    const response = await noticeBoard();
    expect(response.status).toBe(200);
    const page = await response.text();
    const link = `${TEST_PUBLIC_ORIGIN}/${county.tenant}/r/${pointId}`;
    // The QR encoder is deterministic: the board's code is exactly the code of the configured link.
    expect(page).toContain(qrSvg(link));
    expect(page).toContain(link);
    expect(page).not.toContain('evil.example');
  });

  it('is sent with a CSP that runs no script at all, nosniff and no-store', async () => {
    const response = await noticeBoard();
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('script-src');
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('county API answers', () => {
  it('are never cached and never sniffed, whether they succeed or fail', async () => {
    const client = clientFor(api.app, county.tenant, token);
    const answers = [
      await client.get('/me'),
      await client.get('/units?limit=2'),
      await client.get('/units/not-an-id'),
      await client.get('/assessments?quarter=2099Q3'),
      await clientFor(api.app, county.tenant, 'not-a-token').get('/me'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 400, 401]);
    for (const answer of answers) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('do not tell clients how many DynamoDB calls they took, unless the benchmark asks', async () => {
    const plain = await clientFor(api.app, county.tenant, token).get('/units?limit=2');
    expect(plain.headers.get('x-dynamodb-calls')).toBeNull();
    const benchmarked = await clientFor(counted.app, county.tenant, token).get('/units?limit=2');
    expect(Number(benchmarked.headers.get('x-dynamodb-calls'))).toBeGreaterThan(0);
  });
});
