import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CELL_QUOTAS } from './quotas.ts';

/**
 * Tenant ids end up inside IAM conditions (`T#<id>#*`) and S3 prefixes (`t/<id>/`): lowercase letters and
 * digits only, so no id can carry a wildcard or a delimiter that would widen another county's grant. The
 * same pattern as `@gridsafe/core` (infra imports no runtime code from the packages).
 */
export const TENANT_ID_PATTERN = /^[a-z][a-z0-9]{1,31}$/;

/**
 * A cell is one account + region. The bound is the cell router's: one integration per county, and an HTTP API
 * holds at most 300, a quota AWS does not raise. Every other quota a cell touches is checked against its use by
 * `npm run synth -- --counties <n>` (infra/src/quotas.ts; docs/deploy.md "Quotas").
 */
export const MAX_TENANTS_PER_CELL = 300;

export const DEFAULT_CELLS_FILE = fileURLToPath(new URL('../config/cells.json', import.meta.url));

/**
 * How much traffic a county's gateway lets through and so how much of the cell's Lambda concurrency it can hold
 * (infra/src/bulkheads.ts, docs/deploy.md "Bulkheads"). Default `small`: a Taihe-sized county of a few hundred
 * monthly users.
 */
export const COUNTY_SIZES = ['small', 'medium', 'large'] as const;
export type CountySize = (typeof COUNTY_SIZES)[number];

export interface TenantConfig {
  id: string;
  /** The county's display name, used in descriptions and tags only. */
  name?: string;
  /** Default `small`. */
  size?: CountySize;
}

/**
 * Who proves a person's identity in a cell. In the global regions a Cognito user pool (Lite plan) of the
 * cell's own; in the China regions, which have no Cognito user pools, an OpenID Connect provider the
 * operator runs there (Keycloak, a province's 统一身份认证 platform, a domestic IDaaS).
 */
export type CellIdentityConfig =
  /**
   * Each county's own directory (docs/decisions.md, "Identity: each county's own directory"): password hashes,
   * TOTP secrets and signing keys in the county's partition, tokens issued by the county API. No user pool, no
   * price per monthly user; it exists in every region, the China regions included.
   */
  | {
      kind: 'directory';
      /**
       * A cell moving from its Cognito pool: the pool stays (with its user-administration service), and a person
       * with no account in their county's directory yet signs in against it once (a lazy migration).
       */
      formerPool?: true;
    }
  | { kind: 'cognito' }
  | {
      kind: 'oidc';
      /** The `iss` of its access tokens; `<issuer>/.well-known/openid-configuration` is its discovery document. */
      issuer: string;
      /** The client the web app logs in with; the gateway accepts tokens issued to it only. */
      clientId: string;
      /** Default `<issuer>/.well-known/jwks.json`; Keycloak's is `<issuer>/protocol/openid-connect/certs`. */
      jwksUrl?: string;
      /** The `aud` of its RFC 9068 access tokens for the county APIs (Keycloak: an audience mapper). */
      audience: string;
      /**
       * The claim holding `<county>:<username>` for first-login linking: one only the operator writes (a Keycloak
       * user attribute mapped into the token, never the user-editable `preferred_username` of a realm that lets
       * users edit it).
       */
      usernameClaim: string;
      /** What the login button says; default 统一身份认证登录. */
      name?: string;
    };

export interface CellConfig {
  id: string;
  /** Default: a Cognito user pool, which only the global regions have. */
  identity: CellIdentityConfig;
  /** Undefined when the placeholder's variable is unset: the cell's stacks are then environment-agnostic. */
  account?: string;
  region?: string;
  /** Receives the cell's alarms (an SNS e-mail subscription, confirmed once by the recipient). */
  alarmEmail?: string;
  tenants: TenantConfig[];
  /**
   * Quotas this cell's account has had raised, by the id of infra/src/quotas.ts (e.g. `"iam-roles": 2000`):
   * the synth's quota check holds the cell to these instead of AWS's defaults.
   */
  quotas?: Record<string, number>;
}

export interface CellsConfig {
  /** The single table's name; the evidence bucket's name derives from it. */
  tableName: string;
  /** The cell whose account holds the vendor's control plane and the tenant registry. */
  platformCell: string;
  /** Origins of the web app, allowed by the county APIs' and the evidence bucket's CORS rules. */
  webOrigins: string[];
  cells: CellConfig[];
}

const CELL_ID_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;
/** Also part of the evidence bucket's name, so it keeps to bucket-name characters and leaves room for the rest. */
const TABLE_NAME_PATTERN = /^[a-z][a-z0-9-]{2,20}$/;
const ACCOUNT_PATTERN = /^\d{12}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ORIGIN_PATTERN = /^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/localhost(:\d+)?)$/;
const PLACEHOLDER_PATTERN = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;
const HTTPS_URL_PATTERN = /^https:\/\/[a-z0-9.-]+(:\d+)?(\/[\w./~%-]*)?$/;
/** Regions of the aws-cn partition: no Cognito user pools there. */
export const CHINA_REGION_PATTERN = /^cn-/;

type Env = Record<string, string | undefined>;

/** Reads and validates `infra/config/cells.json`, resolving `${VAR}` placeholders from `env`. */
export function loadCellsConfig(file: string = DEFAULT_CELLS_FILE, env: Env = process.env): CellsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the cells configuration ${file}`, { cause: error });
  }
  return parseCellsConfig(raw, env, file);
}

/**
 * Validates a cells configuration and reports every problem at once (a deploy wave should not fail on the
 * third typo after fixing the first two).
 *
 * @example
 * const config = parseCellsConfig({ tableName: 'gridsafe', platformCell: 'dev-1', webOrigins: ['https://app.example.cn'],
 *   cells: [{ id: 'dev-1', account: '${DEV_ACCOUNT}', region: 'cn-north-1', tenants: [{ id: 'taihe' }] }] }, process.env);
 */
export function parseCellsConfig(
  raw: unknown,
  env: Env = process.env,
  source = 'cells configuration',
): CellsConfig {
  const problems: string[] = [];
  const root = asObject(raw, 'the file', problems);
  if (!root) throw configError(source, problems);
  rejectUnknownKeys(root, ['tableName', 'platformCell', 'webOrigins', 'cells'], 'the file', problems);

  const tableName = requireString(root, 'tableName', 'the file', problems);
  if (tableName !== undefined && !TABLE_NAME_PATTERN.test(tableName)) {
    problems.push(`tableName "${tableName}" must match ${TABLE_NAME_PATTERN}`);
  }

  const webOrigins: string[] = [];
  if (!Array.isArray(root.webOrigins) || root.webOrigins.length === 0) {
    problems.push('webOrigins must be a non-empty array of origins');
  } else {
    for (const origin of root.webOrigins) {
      if (typeof origin !== 'string' || !ORIGIN_PATTERN.test(origin)) {
        problems.push(
          `webOrigins: "${String(origin)}" must be an https origin (or http://localhost) without a path`,
        );
      } else {
        webOrigins.push(origin);
      }
    }
  }

  const cells: CellConfig[] = [];
  const tenantCells = new Map<string, string>();
  if (!Array.isArray(root.cells) || root.cells.length === 0) {
    problems.push('cells must be a non-empty array');
  } else {
    for (const [index, value] of root.cells.entries()) {
      const cell = parseCell(value, `cells[${index}]`, env, problems);
      if (!cell) continue;
      if (cells.some((other) => other.id === cell.id)) problems.push(`cell "${cell.id}" is defined twice`);
      for (const tenant of cell.tenants) {
        const other = tenantCells.get(tenant.id);
        if (other !== undefined) {
          problems.push(`tenant "${tenant.id}" appears in cell "${other}" and in cell "${cell.id}"`);
        }
        tenantCells.set(tenant.id, cell.id);
      }
      cells.push(cell);
    }
  }

  const platformCell = requireString(root, 'platformCell', 'the file', problems);
  if (platformCell !== undefined && cells.length > 0 && !cells.some((cell) => cell.id === platformCell)) {
    problems.push(`platformCell "${platformCell}" is not one of the cells`);
  }

  if (problems.length > 0 || tableName === undefined || platformCell === undefined) {
    throw configError(source, problems);
  }
  return { tableName, platformCell, webOrigins, cells };
}

/** The cells to synthesize: the one named (by `-c cell=<id>` or `GRIDSAFE_CELL`), or all of them. */
export function selectCells(config: CellsConfig, cellId: string | undefined): CellConfig[] {
  if (cellId === undefined || cellId === '') return config.cells;
  const cell = config.cells.find((candidate) => candidate.id === cellId);
  if (!cell) {
    throw new Error(
      `Unknown cell "${cellId}"; the configuration has: ${config.cells.map((c) => c.id).join(', ')}`,
    );
  }
  return [cell];
}

function parseRaisedQuotas(
  value: unknown,
  label: string,
  problems: string[],
): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const raw = asObject(value, `${label} quotas`, problems);
  if (!raw) return undefined;
  const quotas: Record<string, number> = {};
  for (const [id, limit] of Object.entries(raw)) {
    if (!CELL_QUOTAS.some((quota) => quota.id === id)) {
      problems.push(`${label}: quotas.${id} is not a quota the check knows (infra/src/quotas.ts)`);
    } else if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
      problems.push(`${label}: quotas.${id} must be a whole number of at least 0`);
    } else {
      quotas[id] = limit;
    }
  }
  return quotas;
}

function parseCell(value: unknown, where: string, env: Env, problems: string[]): CellConfig | undefined {
  const raw = asObject(value, where, problems);
  if (!raw) return undefined;
  rejectUnknownKeys(
    raw,
    ['id', 'account', 'region', 'alarmEmail', 'identity', 'tenants', 'quotas'],
    where,
    problems,
  );
  const id = requireString(raw, 'id', where, problems);
  if (id === undefined) return undefined;
  if (!CELL_ID_PATTERN.test(id)) problems.push(`${where}: cell id "${id}" must match ${CELL_ID_PATTERN}`);
  const label = `cell "${id}"`;

  const account = optionalResolved(raw, 'account', label, env, problems);
  if (account !== undefined && !ACCOUNT_PATTERN.test(account)) {
    problems.push(`${label}: account "${account}" must be 12 digits`);
  }
  const region = optionalResolved(raw, 'region', label, env, problems);
  if (region !== undefined && !REGION_PATTERN.test(region)) {
    problems.push(`${label}: region "${region}" is not a region name`);
  }
  const alarmEmail = optionalResolved(raw, 'alarmEmail', label, env, problems);
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    problems.push(`${label}: alarmEmail "${alarmEmail}" is not an e-mail address`);
  }

  const identity = parseIdentity(raw.identity, label, problems);
  const hasPool =
    identity.kind === 'cognito' || (identity.kind === 'directory' && identity.formerPool === true);
  if (hasPool && region !== undefined && CHINA_REGION_PATTERN.test(region)) {
    problems.push(`${label}: ${region} has no Cognito user pools; name an OIDC provider in "identity"`);
  }

  const tenants: TenantConfig[] = [];
  if (!Array.isArray(raw.tenants)) {
    problems.push(`${label}: tenants must be an array`);
  } else {
    if (raw.tenants.length > MAX_TENANTS_PER_CELL) {
      problems.push(
        `${label} has ${raw.tenants.length} tenants; a cell holds at most ${MAX_TENANTS_PER_CELL}`,
      );
    }
    for (const [index, entry] of raw.tenants.entries()) {
      const tenant = parseTenant(entry, `${label} tenants[${index}]`, problems);
      if (!tenant) continue;
      if (tenants.some((other) => other.id === tenant.id))
        problems.push(`${label}: tenant "${tenant.id}" is listed twice`);
      tenants.push(tenant);
    }
  }
  const quotas = parseRaisedQuotas(raw.quotas, label, problems);
  return {
    id,
    ...(account !== undefined ? { account } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    ...(quotas ? { quotas } : {}),
    identity,
    tenants,
  };
}

function parseIdentity(value: unknown, where: string, problems: string[]): CellIdentityConfig {
  if (value === undefined) return { kind: 'cognito' };
  const raw = asObject(value, `${where} identity`, problems);
  if (!raw) return { kind: 'cognito' };
  if (raw.kind === 'cognito') {
    rejectUnknownKeys(raw, ['kind'], `${where} identity`, problems);
    return { kind: 'cognito' };
  }
  if (raw.kind === 'directory') {
    rejectUnknownKeys(raw, ['kind', 'formerPool'], `${where} identity`, problems);
    if (raw.formerPool !== undefined && raw.formerPool !== true)
      problems.push(`${where}: identity.formerPool must be true or absent`);
    return raw.formerPool === true ? { kind: 'directory', formerPool: true } : { kind: 'directory' };
  }
  if (raw.kind !== 'oidc') {
    problems.push(`${where}: identity.kind must be "directory", "cognito" or "oidc"`);
    return { kind: 'cognito' };
  }
  rejectUnknownKeys(
    raw,
    ['kind', 'issuer', 'clientId', 'jwksUrl', 'audience', 'usernameClaim', 'name'],
    `${where} identity`,
    problems,
  );
  const issuer = requireString(raw, 'issuer', `${where} identity`, problems) ?? '';
  const clientId = requireString(raw, 'clientId', `${where} identity`, problems) ?? '';
  const audience = requireString(raw, 'audience', `${where} identity`, problems) ?? '';
  const usernameClaim = requireString(raw, 'usernameClaim', `${where} identity`, problems) ?? '';
  for (const [key, url] of [
    ['issuer', issuer],
    ['jwksUrl', raw.jwksUrl],
  ] as const) {
    if (url !== undefined && url !== '' && (typeof url !== 'string' || !HTTPS_URL_PATTERN.test(url))) {
      problems.push(`${where}: identity.${key} "${String(url)}" must be an https URL`);
    }
  }
  return {
    kind: 'oidc',
    issuer,
    clientId,
    audience,
    usernameClaim,
    ...(typeof raw.jwksUrl === 'string' ? { jwksUrl: raw.jwksUrl } : {}),
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
  };
}

function parseTenant(value: unknown, where: string, problems: string[]): TenantConfig | undefined {
  const raw = asObject(value, where, problems);
  if (!raw) return undefined;
  rejectUnknownKeys(raw, ['id', 'name', 'size'], where, problems);
  const id = requireString(raw, 'id', where, problems);
  if (id === undefined) return undefined;
  if (!TENANT_ID_PATTERN.test(id)) {
    problems.push(`${where}: tenant id "${id}" must match ${TENANT_ID_PATTERN}`);
    return undefined;
  }
  if (raw.name !== undefined && typeof raw.name !== 'string')
    problems.push(`${where}: name must be a string`);
  const size = COUNTY_SIZES.find((known) => known === raw.size);
  if (raw.size !== undefined && size === undefined)
    problems.push(`${where}: size must be one of ${COUNTY_SIZES.join(', ')}`);
  return {
    id,
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    ...(size !== undefined ? { size } : {}),
  };
}

/** `${VAR}` takes its value from the environment; an unset or empty variable leaves the field unset. */
function optionalResolved(
  raw: Record<string, unknown>,
  key: string,
  where: string,
  env: Env,
  problems: string[],
): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push(`${where}: ${key} must be a string`);
    return undefined;
  }
  const placeholder = PLACEHOLDER_PATTERN.exec(value);
  if (!placeholder) return value;
  const resolved = env[placeholder[1] ?? ''];
  return resolved === undefined || resolved === '' ? undefined : resolved;
}

function asObject(value: unknown, where: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  problems.push(`${where} must be an object`);
  return undefined;
}

function requireString(
  raw: Record<string, unknown>,
  key: string,
  where: string,
  problems: string[],
): string | undefined {
  const value = raw[key];
  if (typeof value === 'string' && value !== '') return value;
  problems.push(`${where}: ${key} must be a non-empty string`);
  return undefined;
}

function rejectUnknownKeys(
  raw: Record<string, unknown>,
  known: string[],
  where: string,
  problems: string[],
): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) problems.push(`${where}: unknown key "${key}" (known: ${known.join(', ')})`);
  }
}

function configError(source: string, problems: string[]): Error {
  return new Error(`${source} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
}
