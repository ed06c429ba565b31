import {
  type AuthProvider,
  acceptedProviders,
  linkableUsername,
  loginOptions,
  parseAuthProvidersConfig,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const cognito: AuthProvider = {
  id: 'cognito',
  name: '账号密码',
  issuer: 'https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_abc',
  clientId: 'web',
  usernameClaim: 'username',
  passwordLogin: true,
  codeFlow: false,
};
const province: AuthProvider = {
  id: 'province',
  name: '统一身份认证登录',
  issuer: 'https://idp.example.gov.cn/realms/anhui',
  clientId: 'gridsafe-web',
  audience: 'urn:gridsafe:county-api',
  usernameClaim: 'gridsafe_username',
  passwordLogin: false,
  codeFlow: true,
};
const config = {
  providers: [cognito, province],
  counties: { taihe: ['cognito', 'province'] },
  defaultAccepted: ['cognito'],
};

describe('the cell’s provider list (AUTH_PROVIDERS)', () => {
  it('reads a valid list and fills in no county overrides', () => {
    const parsed = parseAuthProvidersConfig(
      JSON.stringify({ providers: [cognito], defaultAccepted: ['cognito'] }),
    );
    expect(parsed).toEqual({ providers: [cognito], counties: {}, defaultAccepted: ['cognito'] });
  });

  it('stops the start with every problem named when the list is wrong', () => {
    expect(() => parseAuthProvidersConfig('{not json')).toThrow(/not valid JSON/);
    expect(() =>
      parseAuthProvidersConfig(
        JSON.stringify({ providers: [{ ...cognito, issuer: 'nope' }], defaultAccepted: [] }),
      ),
    ).toThrow(/providers\.0\.issuer/);
    expect(() =>
      parseAuthProvidersConfig(JSON.stringify({ providers: [cognito], defaultAccepted: ['keycloak'] })),
    ).toThrow(/every accepted id must name a provider/);
    expect(() =>
      parseAuthProvidersConfig(
        JSON.stringify({
          providers: [cognito, { ...province, issuer: cognito.issuer }],
          defaultAccepted: [],
        }),
      ),
    ).toThrow(/share an issuer/);
    expect(() =>
      parseAuthProvidersConfig(
        JSON.stringify({ providers: [cognito, { ...province, passwordLogin: true }], defaultAccepted: [] }),
      ),
    ).toThrow(/at most one provider may take passwords/);
  });

  it('gives each county its own providers, and the default to counties not listed', () => {
    expect(acceptedProviders(config, 'taihe').map((p) => p.id)).toEqual(['cognito', 'province']);
    expect(acceptedProviders(config, 'linquan').map((p) => p.id)).toEqual(['cognito']);
  });

  it('offers the password form and the code-flow providers a county accepts', () => {
    expect(loginOptions(config, 'taihe')).toEqual({
      passwordLogin: true,
      providers: [{ id: 'province', name: province.name, issuer: province.issuer, clientId: 'gridsafe-web' }],
    });
    expect(loginOptions(config, 'linquan')).toEqual({ passwordLogin: true, providers: [] });
  });
});

describe('the username a first login may link by', () => {
  it('is the configured claim’s username when it names this county', () => {
    expect(linkableUsername(province, { gridsafe_username: 'taihe:grid.member' }, 'taihe')).toBe(
      'grid.member',
    );
  });

  it('is nothing for another county, another claim, a bare name or a prefix that only looks alike', () => {
    expect(linkableUsername(province, { gridsafe_username: 'linquan:grid.member' }, 'taihe')).toBeUndefined();
    expect(linkableUsername(province, { username: 'taihe:grid.member' }, 'taihe')).toBeUndefined();
    expect(linkableUsername(province, { gridsafe_username: 'grid.member' }, 'taihe')).toBeUndefined();
    expect(linkableUsername(province, { gridsafe_username: 'taihex:grid.member' }, 'taihe')).toBeUndefined();
    expect(linkableUsername(province, { gridsafe_username: 'taihe:' }, 'taihe')).toBeUndefined();
    expect(linkableUsername(province, { gridsafe_username: ['taihe:grid.member'] }, 'taihe')).toBeUndefined();
  });
});
