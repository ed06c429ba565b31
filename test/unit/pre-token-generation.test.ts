import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/pre-token-generation.ts';

const GRID = 'grid:01J9Z3K8Q4W5E6R7T8Y9A0B1C2';
const DEPT = 'dept:01J9Z3K8Q4W5E6R7T8Y9A0B1C3';
const UNIT = 'unit:01J9Z3K8Q4W5E6R7T8Y9A0B1C4';

/** The shape Cognito sends for a password login (trigger event version V2_0). */
function loginEvent(attributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'cn-north-1',
    userPoolId: 'cn-north-1_AbCdEfGhI',
    userName: 'taihe:zhangsan',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '4tq8m1example0client0id00' },
    request: {
      userAttributes: {
        sub: '6b1c5e4a-8f0e-4a53-9a51-2f0c1d3e4b5a',
        'cognito:user_status': 'CONFIRMED',
        name: '张三',
        ...attributes,
      },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
      scopes: ['aws.cognito.signin.user.admin'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

let logged: string[];

beforeEach(() => {
  logged = [];
  const capture = (chunk: unknown) => {
    logged.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function warnings(): Record<string, unknown>[] {
  return logged
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.level === 'WARN');
}

describe('the Pre Token Generation trigger', () => {
  it("copies the user's tenant, role and scopes into the access token and the id token", async () => {
    const result = await handler(
      loginEvent({
        'custom:tenant': 'taihe',
        'custom:role': 'township_officer',
        'custom:scopes': JSON.stringify([GRID, DEPT, UNIT]),
      }),
    );
    const expected = { gs_tenant: 'taihe', gs_role: 'township_officer', gs_scopes: [GRID, DEPT, UNIT] };
    expect(
      result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toEqual(expected);
    expect(result.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual(
      expected,
    );
    expect(result.userName).toBe('taihe:zhangsan');
    expect(warnings()).toEqual([]);
  });

  it('gives an empty scope list and logs a warning when the scopes attribute is not JSON', async () => {
    const result = await handler(
      loginEvent({ 'custom:tenant': 'taihe', 'custom:role': 'grid_member', 'custom:scopes': '[grid:01J9' }),
    );
    const claims = result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride;
    expect(claims).toEqual({ gs_tenant: 'taihe', gs_role: 'grid_member', gs_scopes: [] });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({
      message: expect.stringContaining('Malformed scopes'),
      tenant: 'taihe',
    });
  });

  it('gives an empty scope list and logs a warning when the scopes attribute is not an array', async () => {
    const result = await handler(
      loginEvent({ 'custom:tenant': 'taihe', 'custom:role': 'grid_member', 'custom:scopes': '{"grid":"x"}' }),
    );
    expect(
      result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toMatchObject({
      gs_scopes: [],
    });
    expect(warnings()).toHaveLength(1);
  });

  it('keeps the well-formed grants and warns about the rest', async () => {
    const result = await handler(
      loginEvent({
        'custom:tenant': 'taihe',
        'custom:role': 'department_officer',
        'custom:scopes': JSON.stringify([DEPT, 'dept:not-a-ulid', 42]),
      }),
    );
    expect(
      result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toMatchObject({
      gs_scopes: [DEPT],
    });
    expect(warnings()).toHaveLength(1);
  });

  it('gives an empty scope list without a warning when the user has no scopes attribute', async () => {
    const result = await handler(loginEvent({ 'custom:tenant': 'taihe', 'custom:role': 'county_admin' }));
    expect(
      result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toEqual({
      gs_tenant: 'taihe',
      gs_role: 'county_admin',
      gs_scopes: [],
    });
    expect(warnings()).toEqual([]);
  });

  it('adds no Gridsafe claims, and does not fail the login, for a user without a valid role', async () => {
    const result = await handler(loginEvent({ 'custom:tenant': 'taihe', 'custom:role': 'emperor' }));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({});
    expect(warnings()).toHaveLength(1);
  });

  it('also runs for token refreshes', async () => {
    const event = {
      ...loginEvent({
        'custom:tenant': 'linquan',
        'custom:role': 'unit_user',
        'custom:scopes': JSON.stringify([UNIT]),
      }),
      triggerSource: 'TokenGeneration_RefreshTokens',
    } as PreTokenGenerationV2TriggerEvent;
    const result = await handler(event);
    expect(
      result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride,
    ).toEqual({
      gs_tenant: 'linquan',
      gs_role: 'unit_user',
      gs_scopes: [UNIT],
    });
  });
});
