import { describe, expect, it } from 'vitest';
import {
  type CellsConfig,
  loadCellsConfig,
  MAX_TENANTS_PER_CELL,
  parseCellsConfig,
  selectCells,
} from '../../infra/src/cells-config.ts';

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tableName: 'gridsafe',
    platformCell: 'east-1',
    webOrigins: ['https://app.gridsafe.example.cn'],
    cells: [
      {
        id: 'east-1',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the configuration's own placeholder syntax
        account: '${EAST_ACCOUNT}',
        region: 'ap-east-1',
        tenants: [{ id: 'taihe', name: '太和县' }],
      },
      {
        id: 'west-1',
        account: '210987654321',
        region: 'cn-northwest-1',
        identity: {
          kind: 'oidc',
          issuer: 'https://id.example.cn/realms/gs',
          clientId: 'gridsafe-web',
          audience: 'urn:gridsafe:county-api',
          usernameClaim: 'gridsafe_username',
        },
        tenants: [{ id: 'linquan' }],
      },
    ],
    ...overrides,
  };
}

function problemsOf(raw: unknown, env: Record<string, string> = {}): string {
  try {
    parseCellsConfig(raw, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('cells configuration', () => {
  it('loads the repository configuration: the three demo counties in one cell, and an example China cell', () => {
    const loaded = loadCellsConfig(undefined, {});
    expect(loaded.tableName).toBe('gridsafe');
    expect(loaded.cells.map((cell) => cell.id)).toEqual(['dev-1', 'cn-nx-1']);
    expect(loaded.cells[0]?.tenants.map((tenant) => tenant.id)).toEqual(['taihe', 'linquan', 'nanjing']);
    expect(loaded.cells[0]?.identity).toEqual({ kind: 'directory' });
    expect(loaded.cells[1]).toMatchObject({ region: 'cn-northwest-1', identity: { kind: 'oidc' } });
  });

  it('refuses a Cognito cell in a China region, which has no user pools', () => {
    const raw = config({ cells: [{ id: 'east-1', region: 'cn-north-1', tenants: [{ id: 'taihe' }] }] });
    expect(problemsOf(raw)).toContain('cn-north-1 has no Cognito user pools');
  });

  it('refuses an OIDC provider without an https issuer or a client id', () => {
    const raw = config({
      cells: [
        {
          id: 'east-1',
          region: 'cn-north-1',
          identity: { kind: 'oidc', issuer: 'http://id.example.cn', clientid: 'x' },
          tenants: [{ id: 'taihe' }],
        },
      ],
    });
    const message = problemsOf(raw);
    expect(message).toContain('identity.issuer "http://id.example.cn" must be an https URL');
    expect(message).toContain('clientId must be a non-empty string');
    expect(message).toContain('unknown key "clientid"');
    // Without these no token can be checked for its audience, and no first login can link anyone.
    expect(message).toContain('audience must be a non-empty string');
    expect(message).toContain('usernameClaim must be a non-empty string');
  });

  it('takes account and region placeholders from the environment', () => {
    const loaded = loadCellsConfig(undefined, {
      GRIDSAFE_DEV_1_ACCOUNT: '123456789012',
      GRIDSAFE_DEV_1_REGION: 'ap-east-1',
    });
    expect(loaded.cells[0]).toMatchObject({ account: '123456789012', region: 'ap-east-1' });
  });

  it('leaves a cell environment-agnostic when its placeholder variable is unset', () => {
    const parsed = parseCellsConfig(config(), {});
    expect(parsed.cells[0]?.account).toBeUndefined();
    expect(parsed.cells[0]?.region).toBe('ap-east-1');
    expect(parsed.cells[1]?.account).toBe('210987654321');
  });

  it('refuses tenant ids that could widen an IAM prefix or are not lowercase', () => {
    for (const id of ['Taihe', 'a', 'tai-he', 'tai#he', 'taihe*', '9taihe', 'a'.repeat(33), 'tai he']) {
      const raw = config({ cells: [{ id: 'east-1', tenants: [{ id }] }] });
      expect(problemsOf(raw)).toContain(`tenant id "${id}" must match`);
    }
  });

  it("reads a county's size class, small unless it says otherwise, and refuses an unknown one", () => {
    const parsed = parseCellsConfig(
      config({ cells: [{ id: 'east-1', tenants: [{ id: 'taihe' }, { id: 'nanjing', size: 'large' }] }] }),
      {},
    );
    expect(parsed.cells[0]?.tenants).toEqual([{ id: 'taihe' }, { id: 'nanjing', size: 'large' }]);
    const raw = config({ cells: [{ id: 'east-1', tenants: [{ id: 'taihe', size: 'huge' }] }] });
    expect(problemsOf(raw)).toContain('size must be one of small, medium, large');
  });

  it('accepts ids that differ only by a suffix, because every prefix ends in its delimiter', () => {
    const parsed = parseCellsConfig(
      config({ cells: [{ id: 'east-1', tenants: [{ id: 'abc' }, { id: 'abcd' }] }] }),
      {},
    );
    expect(parsed.cells[0]?.tenants.map((tenant) => tenant.id)).toEqual(['abc', 'abcd']);
  });

  it('refuses a county listed in two cells', () => {
    const raw = config({
      cells: [
        { id: 'east-1', tenants: [{ id: 'taihe' }] },
        { id: 'west-1', tenants: [{ id: 'taihe' }] },
      ],
    });
    expect(problemsOf(raw)).toContain('tenant "taihe" appears in cell "east-1" and in cell "west-1"');
  });

  it('refuses a cell with more counties than one account can hold', () => {
    const tenants = Array.from({ length: MAX_TENANTS_PER_CELL + 1 }, (_, i) => ({ id: `county${i}` }));
    expect(problemsOf(config({ cells: [{ id: 'east-1', tenants }] }))).toContain('a cell holds at most');
  });

  it('reports every problem at once, including typos in key names', () => {
    const message = problemsOf(
      config({
        platformCell: 'nowhere',
        webOrigins: ['https://ok.example.cn', 'ftp://bad'],
        cells: [{ id: 'east-1', acount: '1', region: 'china', tenants: [{ id: 'ok1' }] }],
      }),
    );
    expect(message).toContain('platformCell "nowhere" is not one of the cells');
    expect(message).toContain('"ftp://bad"');
    expect(message).toContain('unknown key "acount"');
    expect(message).toContain('region "china" is not a region name');
  });

  it('selects one cell by id and all cells when none is named', () => {
    const parsed: CellsConfig = parseCellsConfig(config(), {});
    expect(selectCells(parsed, 'west-1').map((cell) => cell.id)).toEqual(['west-1']);
    expect(selectCells(parsed, undefined).map((cell) => cell.id)).toEqual(['east-1', 'west-1']);
    expect(() => selectCells(parsed, 'south-9')).toThrow('Unknown cell "south-9"');
  });
});
