import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  changeCountyStatus,
  createPlatformDeps,
  disableCountyUsers,
  type LifecycleAction,
  type OnboardRequest,
  OnboardSchema,
  onboardCounty,
  PLATFORM_TENANT,
  type PlatformDeps,
  requireCounty,
  tenantDeployCommand,
  tenantDestroyCommand,
} from '@gridsafe/api';
import { createJsonLogger, type Principal } from '@gridsafe/core';
import { createDocumentClient } from '@gridsafe/db';
import { createCognitoIdentityProvider, createJwksVerifier, totpCode } from '@gridsafe/identity';
import { DEFAULT_CELLS_FILE, parseCellsConfig } from '../infra/src/cells-config.ts';
import { LOCAL_PROVIDER_ID, localAuthProviders, localStackConfig } from './local/config.ts';
import { waitForPort } from './local/ports.ts';

/**
 * `npm run onboard`: the vendor's one command to onboard, suspend, resume or offboard a county.
 *
 *   node scripts/run.mjs scripts/onboard.ts --id <id> --name <name> --division <code> --cell <cell> --admin <username>
 *   node scripts/run.mjs scripts/onboard.ts suspend --id <id> [--reason <text>]
 *   node scripts/run.mjs scripts/onboard.ts resume --id <id>
 *   node scripts/run.mjs scripts/onboard.ts offboard --id <id> [--reason <text>]
 *
 * Without `--api` it runs the control plane's own functions against the running local stack (DynamoDB Local
 * on GRIDSAFE_DYNAMODB_PORT, the local issuer on GRIDSAFE_ISSUER_PORT). With `--api <platform API URL>` (or
 * GRIDSAFE_PLATFORM_API) it calls the deployed control plane as a vendor operator (GRIDSAFE_VENDOR_USERNAME,
 * GRIDSAFE_VENDOR_PASSWORD) and, when AWS credentials are present, deploys the county's stack.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const USAGE = `Usage:
  npm run onboard -- --id <id> --name <name> --division <code> --cell <cell> --admin <username>
                     [--admin-name <display name>] [--password <initial password>]
  npm run onboard -- suspend  --id <id> [--reason <text>]
  npm run onboard -- resume   --id <id> [--reason <text>]
  npm run onboard -- offboard --id <id> [--reason <text>]

Options for every command:
  --api <url>          the deployed control plane (PlatformApiUrl), or GRIDSAFE_PLATFORM_API; without it the
                       running local stack is used (npm start)
  --cells-file <path>  the cells configuration (default infra/config/cells.json)
  --no-deploy          only print the cdk deploy command, even with AWS credentials`;

export type Command =
  | { kind: 'onboard'; request: OnboardRequest; common: CommonOptions }
  | { kind: LifecycleAction; id: string; reason?: string; common: CommonOptions };

export interface CommonOptions {
  api?: string;
  cellsFile: string;
  deploy: boolean;
}

export class UsageError extends Error {}

const FLAG_OF: Record<string, string> = {
  id: '--id',
  name: '--name',
  divisionCode: '--division',
  cell: '--cell',
  'admin.username': '--admin',
  'admin.displayName': '--admin-name',
  'admin.password': '--password',
};

/** Parses and validates the command line with the API's own schema, naming the flag of each bad value. */
export function parseCommand(argv: string[], env: Record<string, string | undefined> = process.env): Command {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const kind = positionals[0] ?? 'onboard';
  if (!['onboard', 'suspend', 'resume', 'offboard'].includes(kind) || positionals.length > 1) {
    throw new UsageError(`Unknown command "${positionals.join(' ')}".`);
  }
  const common: CommonOptions = {
    ...((values.api ?? env.GRIDSAFE_PLATFORM_API)
      ? { api: (values.api ?? env.GRIDSAFE_PLATFORM_API) as string }
      : {}),
    cellsFile: values['cells-file'] ?? DEFAULT_CELLS_FILE,
    deploy: !values['no-deploy'],
  };
  if (!values.id) throw new UsageError('--id is required.');
  if (kind !== 'onboard') {
    return {
      kind: kind as LifecycleAction,
      id: values.id,
      ...(values.reason ? { reason: values.reason } : {}),
      common,
    };
  }
  const candidate = {
    id: values.id,
    name: values.name ?? '',
    divisionCode: values.division ?? '',
    cell: values.cell ?? '',
    admin: {
      username: values.admin ?? '',
      ...(values['admin-name'] ? { displayName: values['admin-name'] } : {}),
      ...(values.password ? { password: values.password } : {}),
    },
  };
  const result = OnboardSchema.safeParse(candidate);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return `  ${FLAG_OF[path] ?? path}: ${issue.message}`;
    });
    throw new UsageError(`Invalid values:\n${problems.join('\n')}`);
  }
  return { kind: 'onboard', request: result.data, common };
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      division: { type: 'string' },
      cell: { type: 'string' },
      admin: { type: 'string' },
      'admin-name': { type: 'string' },
      password: { type: 'string' },
      reason: { type: 'string' },
      api: { type: 'string' },
      'cells-file': { type: 'string' },
      'no-deploy': { type: 'boolean' },
    },
  });
}

/**
 * Adds a county to its cell in the cells configuration, keeping the file's layout (one line per county) and
 * its `${VAR}` placeholders. With `dryRun` it only checks that the result is valid: the cell exists, the
 * county is in no other cell, the cell is not full. Answers whether the file changes.
 */
export function addTenantToCells(
  file: string,
  cell: string,
  tenant: { id: string; name: string },
  options: { dryRun?: boolean } = {},
): boolean {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as {
    cells?: { id?: string; tenants?: { id: string; name?: string }[] }[];
  };
  const cells = raw.cells ?? [];
  const target = cells.find((candidate) => candidate.id === cell);
  if (!target) {
    throw new UsageError(`Cell "${cell}" is not in ${file} (cells: ${cells.map((c) => c.id).join(', ')}).`);
  }
  const elsewhere = cells.find(
    (candidate) => candidate.id !== cell && candidate.tenants?.some((t) => t.id === tenant.id),
  );
  if (elsewhere)
    throw new UsageError(`County ${tenant.id} is already listed in cell "${elsewhere.id}" of ${file}.`);
  if (target.tenants?.some((t) => t.id === tenant.id)) return false;
  target.tenants = [...(target.tenants ?? []), { id: tenant.id, name: tenant.name }];
  // The loader's own rules (tenant ids, at most MAX_TENANTS_PER_CELL counties a cell); placeholders need not resolve here.
  try {
    parseCellsConfig(raw, {}, file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!options.dryRun) writeFileSync(file, `${formatJson(raw)}\n`);
  return true;
}

/** JSON with objects and arrays of plain values on one line, the way infra/config/cells.json is written. */
export function formatJson(value: unknown, indent = ''): string {
  const plain = (v: unknown) => v === null || typeof v !== 'object';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every(plain)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.every(([, v]) => plain(v))) {
      return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
    }
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * Where the AWS SDK and the CDK CLI would find credentials: the standard variables, a web identity or
 * container role, or a default profile in the shared files. Undefined when there are none.
 */
export function awsCredentialsSource(
  env: Record<string, string | undefined>,
  home = homedir(),
): string | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'AWS_ACCESS_KEY_ID';
  if (env.AWS_PROFILE) return `profile ${env.AWS_PROFILE}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'web identity';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
    return 'container role';
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'),
    env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'),
  ];
  for (const file of files) {
    if (existsSync(file) && /^\s*\[(profile )?default\]/m.test(readFileSync(file, 'utf8')))
      return `default profile in ${file}`;
  }
  return undefined;
}

/** How the command reaches the control plane: its functions on a table (locally), or its HTTP API. */
export type Target =
  | { mode: 'direct'; deps: PlatformDeps; operator: Principal; localUrl?: string }
  | { mode: 'api'; url: string; token: string; fetch?: typeof fetch };

export interface Io {
  log(line: string): void;
  env: Record<string, string | undefined>;
  home?: string;
  /** Runs `cdk deploy`; answers its exit code. */
  runDeploy?(command: string): number;
}

/** Runs one parsed command; answers the process exit code. */
export async function runCommand(command: Command, target: Target, io: Io): Promise<number> {
  if (command.kind === 'onboard') return onboard(command, target, io);
  return lifecycle(command, target, io);
}

async function onboard(
  command: Extract<Command, { kind: 'onboard' }>,
  target: Target,
  io: Io,
): Promise<number> {
  const { request, common } = command;
  // Checked before anything is written: a county that cannot be added to its cell is not onboarded.
  addTenantToCells(common.cellsFile, request.cell, { id: request.id, name: request.name }, { dryRun: true });
  const result =
    target.mode === 'direct'
      ? await onboardCounty(target.deps, request, target.operator)
      : await apiCall<OnboardAnswer>(target, 'POST', '/tenants', request);
  const changed = addTenantToCells(common.cellsFile, request.cell, { id: request.id, name: request.name });
  const inRepo = relative(ROOT, common.cellsFile);
  const cellsPath = inRepo && !inRepo.startsWith('..') ? inRepo : common.cellsFile;
  const { tenant, rootGrid, admin } = result;
  io.log(`✔ Onboarded ${tenant.id} (${tenant.name}, ${tenant.divisionCode}) into cell ${tenant.cell}`);
  io.log(
    `  Registry:     ${tenant.status}, version ${tenant.version}; knowledge base ${tenant.kbVersion} (the vendor default, inherited)`,
  );
  io.log(`  Root grid:    ${rootGrid.name} (${rootGrid.id})`);
  io.log(`  First admin:  ${admin.username}`);
  io.log(`  Password:     ${admin.temporaryPassword}`);
  io.log('                Shown once and stored nowhere: hand it over securely; the admin should change it.');
  io.log(
    changed
      ? `  Config:       added ${tenant.id} to cell ${tenant.cell} in ${cellsPath}: commit it`
      : `  Config:       ${tenant.id} was already in cell ${tenant.cell} of ${cellsPath}`,
  );
  const deployCommand = tenantDeployCommand(tenant.cell, tenant.id);
  if (target.mode === 'direct') {
    if (target.localUrl)
      io.log(`  Local:        ${target.localUrl}/t/${tenant.id}/api/v1 (the local stack serves it now)`);
    io.log(
      '  Deploy:       this onboarded the local stack only; for AWS onboard with --api, or deploy the stack with:',
    );
    io.log(`    ${deployCommand}`);
    return 0;
  }
  const credentials = awsCredentialsSource(io.env, io.home);
  if (!common.deploy || !credentials || !io.runDeploy) {
    io.log(`  Deploy:       ${credentials ? 'skipped (--no-deploy)' : 'no AWS credentials found'}; run:`);
    io.log(`    ${deployCommand}`);
    return 0;
  }
  io.log(`  Deploy:       ${deployCommand}   (credentials: ${credentials})`);
  const code = io.runDeploy(deployCommand);
  if (code !== 0)
    io.log(
      `✖ cdk deploy failed (exit ${code}); the county is registered: fix the cause and run the command again.`,
    );
  return code;
}

async function lifecycle(
  command: Exclude<Command, { kind: 'onboard' }>,
  target: Target,
  io: Io,
): Promise<number> {
  const body = command.reason ? { reason: command.reason } : {};
  if (command.kind !== 'offboard') {
    const record =
      target.mode === 'direct'
        ? await changeCountyStatus(target.deps, command.id, command.kind, body, target.operator)
        : await apiCall<TenantAnswer>(target, 'POST', `/tenants/${command.id}/${command.kind}`, body);
    io.log(`✔ ${record.id} is ${record.status} (registry version ${record.version}).`);
    io.log(
      record.status === 'suspended'
        ? '  Its API refuses every request but /health within 30 s; users and data are untouched. Resume with `resume`.'
        : '  Its API answers again within 30 s.',
    );
    return 0;
  }
  let answer: OffboardAnswer;
  let disabled = 0;
  let cursor: string | undefined;
  do {
    if (target.mode === 'direct') {
      let tenant = await requireCounty(target.deps, command.id);
      if (tenant.status !== 'offboarded') {
        tenant = await changeCountyStatus(target.deps, command.id, 'offboard', body, target.operator);
      }
      const users = await disableCountyUsers(target.deps, command.id, cursor ? { cursor } : {});
      answer = { tenant, users, destroyCommand: tenantDestroyCommand(tenant.cell, tenant.id) };
    } else {
      answer = await apiCall<OffboardAnswer>(target, 'POST', `/tenants/${command.id}/offboard`, {
        ...body,
        ...(cursor ? { cursor } : {}),
      });
    }
    disabled += answer.users.disabled;
    cursor = answer.users.nextCursor;
  } while (!answer.users.done);
  io.log(`✔ ${answer.tenant.id} is offboarded; ${disabled} user(s) disabled in the user directory.`);
  io.log(
    '  Its data is retained: table items under T#<id>#, photos under t/<id>/, logs, and the registry record.',
  );
  io.log('  To remove its compute, then drop it from the cells configuration:');
  io.log(`    ${answer.destroyCommand}`);
  return 0;
}

interface TenantAnswer {
  id: string;
  name: string;
  divisionCode: string;
  cell: string;
  status: string;
  version: number;
  kbVersion?: string;
}
interface OnboardAnswer {
  tenant: TenantAnswer;
  rootGrid: { id: string; name: string };
  admin: { username: string; temporaryPassword: string };
}
interface OffboardAnswer {
  tenant: TenantAnswer;
  users: { disabled: number; done: boolean; nextCursor?: string };
  destroyCommand: string;
}

class ApiError extends Error {}

async function apiCall<T>(
  target: Extract<Target, { mode: 'api' }>,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await (target.fetch ?? fetch)(`${target.url.replace(/\/$/, '')}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const errors = (parsed?.errors ?? []) as { path: string; message: string }[];
    throw new ApiError(
      [
        `${response.status} ${parsed?.code ?? ''}: ${parsed?.detail ?? text}`,
        ...errors.map((e) => `  ${FLAG_OF[e.path] ?? e.path}: ${e.message}`),
      ].join('\n'),
    );
  }
  return parsed as T;
}

/** Logs in to the deployed control plane as a vendor operator. */
export async function apiTarget(
  url: string,
  env: Record<string, string | undefined>,
  fetchImpl: typeof fetch = fetch,
): Promise<Target> {
  const username = env.GRIDSAFE_VENDOR_USERNAME;
  const password = env.GRIDSAFE_VENDOR_PASSWORD;
  if (!username || !password) {
    throw new UsageError(
      '--api needs a vendor operator login: set GRIDSAFE_VENDOR_USERNAME and GRIDSAFE_VENDOR_PASSWORD.',
    );
  }
  const response = await fetchImpl(`${url.replace(/\/$/, '')}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new ApiError(`Login to ${url} failed: ${response.status} ${await response.text()}`);
  let answer = (await response.json()) as { accessToken?: string; challenge?: string; session?: string };
  if (answer.challenge === 'SOFTWARE_TOKEN_MFA') {
    // Operators sign in with TOTP: a code typed from the app, or one computed from the enrolled secret.
    const secret = env.GRIDSAFE_VENDOR_TOTP_SECRET;
    const code = env.GRIDSAFE_VENDOR_TOTP_CODE ?? (secret ? totpCode(secret) : undefined);
    if (!code) {
      throw new UsageError(
        'The vendor login asks for a TOTP code: set GRIDSAFE_VENDOR_TOTP_CODE (or GRIDSAFE_VENDOR_TOTP_SECRET).',
      );
    }
    const answered = await fetchImpl(`${url.replace(/\/$/, '')}/session/challenge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session: answer.session, code }),
    });
    if (!answered.ok)
      throw new ApiError(`Login to ${url} failed: ${answered.status} ${await answered.text()}`);
    answer = (await answered.json()) as typeof answer;
  }
  if (!answer.accessToken) throw new ApiError(`Login to ${url} failed: no access token in the answer`);
  return { mode: 'api', url, token: answer.accessToken, fetch: fetchImpl };
}

/** The control plane's own functions against the running local stack's table and user directory. */
export async function localTarget(cellsFile: string): Promise<Target> {
  const config = localStackConfig(ROOT);
  try {
    await waitForPort(config.dynamoPort, config.host, 1_000);
    await waitForPort(config.issuerPort, config.host, 1_000);
  } catch {
    throw new UsageError(
      `The local stack is not running (nothing on ports ${config.dynamoPort} and ${config.issuerPort}): start it with \`npm start\`, ` +
        'or pass --api <platform API URL> to onboard in AWS.',
    );
  }
  // The local issuer's pool and client (scripts/local/local-issuer.ts defaults, as the local stack starts it).
  const issuerUrl = `http://${config.host}:${config.issuerPort}`;
  const issuer = `${issuerUrl}/local_gridsafe`;
  const documentClient = createDocumentClient({
    endpoint: `http://${config.host}:${config.dynamoPort}`,
    region: config.region,
  });
  const cells = parseCellsConfig(JSON.parse(readFileSync(cellsFile, 'utf8')), {}, cellsFile).cells.map(
    (cell) => cell.id,
  );
  const deps = createPlatformDeps({
    documentClient,
    tableName: config.tableName,
    tokens: createJwksVerifier({
      providers: localAuthProviders({
        issuer,
        jwksUrl: `${issuer}/.well-known/jwks.json`,
        clientId: 'gridsafe-local-client',
      }).providers,
    }),
    operatorProvider: LOCAL_PROVIDER_ID,
    countyPasswordProvider: LOCAL_PROVIDER_ID,
    identity: createCognitoIdentityProvider({
      userPoolId: 'local_gridsafe',
      clientId: 'gridsafe-local-client',
      endpoint: issuerUrl,
    }),
    authJwksUrl: `${issuer}/.well-known/jwks.json`,
    cells: { known: cells },
    logger: createJsonLogger({ service: 'gridsafe-onboard' }, 'warn'),
  });
  const operator: Principal = {
    userId: 'cli',
    username: `cli:${userInfo().username}`,
    tenant: PLATFORM_TENANT,
    role: 'vendor_operator',
    grants: [],
  };
  return { mode: 'direct', deps, operator, localUrl: `http://localhost:${config.port}` };
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(process.argv.slice(2));
  } catch (error) {
    console.error(`✖ ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const target = command.common.api
      ? await apiTarget(command.common.api, process.env)
      : await localTarget(command.common.cellsFile);
    return await runCommand(command, target, {
      log: (line) => console.log(line),
      env: process.env,
      runDeploy: (deployCommand) => {
        const [bin, ...args] = deployCommand.split(' ');
        const result = spawnSync(join(ROOT, bin as string), args, {
          cwd: ROOT,
          stdio: 'inherit',
          env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: '1' },
        });
        return result.status ?? 1;
      },
    });
  } catch (error) {
    if (error instanceof UsageError || error instanceof ApiError) {
      console.error(`✖ ${error.message}`);
      return 2;
    }
    const { code, message, problems } = error as {
      code?: string;
      message?: string;
      problems?: { path: string; message: string }[];
    };
    if (code) {
      const details = (problems ?? []).map((p) => `\n  ${FLAG_OF[p.path] ?? p.path}: ${p.message}`).join('');
      console.error(`✖ ${message} (${code})${details}`);
      return 1;
    }
    console.error('✖ Failed:', error);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
