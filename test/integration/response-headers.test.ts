import { describe, expect } from 'vitest';
import { qrSvg } from '../../packages/api/src/qr-svg.ts';
import { countyTest } from '../support/fixtures.ts';
import { clientFor, DEMO_LOGIN_PASSWORD, startTestApi, TEST_PUBLIC_ORIGIN } from '../support/harness.ts';

/**
 * Issue 21, items 7 and 8: absolute links come from the county's configured origin, never from the request; HTML
 * answers carry a strict Content-Security-Policy and nosniff; county answers are never cached; the DynamoDB call
 * count is told only to the benchmark.
 */
const it = countyTest({ prefix: 'hd' })
  .extend('adminToken', { scope: 'file' }, ({ api, county }) =>
    api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD),
  )
  /** The same county served by an app that reports its DynamoDB calls, as the benchmark runs it. */
  .extend('counted', { scope: 'file' }, ({ county }) =>
    startTestApi({ tenants: [county.tenant], reportDynamoCalls: true }),
  )
  .extend('pointId', { scope: 'file' }, async ({ admin }) => {
    const points = await admin.get('/risk-points?limit=1');
    return points.body.items[0].id as string;
  })
  /** A risk point's printable notice board, asked for under another Host. */
  .extend(
    'noticeBoard',
    { scope: 'file' },
    ({ api, county, adminToken, pointId }) =>
      (headers: Record<string, string> = {}) =>
        api.app.request(`http://evil.example/t/${county.tenant}/api/v1/risk-points/${pointId}/notice-board`, {
          headers: {
            authorization: `Bearer ${adminToken}`,
            host: 'evil.example',
            'x-forwarded-host': 'evil.example',
            ...headers,
          },
        }),
  );

describe('the notice board', () => {
  it('prints a QR code and a link to the county’s configured origin when the request names another Host', async ({
    county,
    pointId,
    noticeBoard,
  }) => {
    const response = await noticeBoard();
    expect(response.status).toBe(200);
    const page = await response.text();
    const link = `${TEST_PUBLIC_ORIGIN}/${county.tenant}/r/${pointId}`;
    // The QR encoder is deterministic: the board's code is exactly the code of the configured link.
    expect(page).toContain(qrSvg(link));
    expect(page).toContain(link);
    expect(page).not.toContain('evil.example');
  });

  it('is sent with a CSP that runs no script at all, nosniff and no-store', async ({ noticeBoard }) => {
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
  it('are never cached and never sniffed, whether they succeed or fail', async ({ api, county, admin }) => {
    const answers = [
      await admin.get('/me'),
      await admin.get('/units?limit=2'),
      await admin.get('/units/not-an-id'),
      await admin.get('/assessments?quarter=2099Q3'),
      await clientFor(api.app, county.tenant, 'not-a-token').get('/me'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 400, 401]);
    for (const answer of answers) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('do not tell clients how many DynamoDB calls they took, unless the benchmark asks', async ({
    county,
    admin,
    adminToken,
    counted,
  }) => {
    const plain = await admin.get('/units?limit=2');
    expect(plain.headers.get('x-dynamodb-calls')).toBeNull();
    const benchmarked = await clientFor(counted.app, county.tenant, adminToken).get('/units?limit=2');
    expect(Number(benchmarked.headers.get('x-dynamodb-calls'))).toBeGreaterThan(0);
  });
});
