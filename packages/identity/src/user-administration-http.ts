import {
  ConflictError,
  type FieldProblem,
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
} from '@gridsafe/core';
import { SignatureV4 } from '@smithy/signature-v4';
import type { UserAdministration } from './identity-provider.ts';
import { Sha256 } from './sha256.ts';
import type { UserAdministrationClientOptions } from './user-administration-client.ts';
import {
  type CreateDirectoryUserBody,
  type DirectoryUserView,
  type SetDirectoryEnabledBody,
  type SetDirectoryPasswordBody,
  type UpdateDirectoryUserBody,
  USER_ADMIN_BASE_PATH,
  userAdminUserPath,
} from './user-administration-protocol.ts';

/** `execute-api` is the service name IAM checks for API Gateway routes with AWS_IAM authorization. */
const SIGNING_SERVICE = 'execute-api';

export function userAdministrationOverHttp(options: UserAdministrationClientOptions): UserAdministration {
  const base = new URL(options.endpoint);
  // A cold start of the service plus Cognito's own latency; still well inside the county API's 15 s.
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call(tenant: string, method: string, path: string, body?: unknown): Promise<Response> {
    const url = new URL(`${base.pathname.replace(/\/$/, '')}${path}`, base);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: url.host };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const signer = new SignatureV4({
      service: SIGNING_SERVICE,
      region: options.region,
      credentials: await options.credentials(tenant),
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: {},
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
    });
    // fetch sets `host` from the URL itself (the same value that was signed) and may refuse it as a header.
    const { host: _signedHost, ...sent } = signed.headers;
    try {
      return await fetch(url, {
        method,
        headers: sent,
        ...(payload !== undefined ? { body: payload } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ServiceUnavailableError('user administration', { cause: error });
    }
  }

  async function expectOk(response: Response): Promise<Response> {
    if (response.ok) return response;
    const problem = (await response.json().catch(() => ({}))) as { code?: string; errors?: FieldProblem[] };
    if (response.status === 404) throw new NotFoundError('user');
    if (response.status === 409 && problem.code === 'username_taken') {
      throw new ConflictError('A user with this username already exists.', 'username_taken');
    }
    if (response.status === 400 && problem.errors) throw new ValidationError(problem.errors);
    if (response.status >= 500) throw new ServiceUnavailableError('user administration');
    // 401/403: this role may not call the service, or called it for another county. A deployment fault, not
    // the user's: logged in full by the API's error handler and answered 500.
    throw new Error(
      `The user-administration service answered ${response.status} (${problem.code ?? 'no code'}).`,
    );
  }

  return {
    async createUser(poolUsername, password, attributes, options) {
      const { tenant, username } = splitPoolUsername(poolUsername);
      const body: CreateDirectoryUserBody = {
        username,
        password,
        // Temporary: the person must choose their own at the first login (MLPS level 3).
        temporary: options?.temporary ?? false,
        ...(attributes.displayName !== undefined ? { displayName: attributes.displayName } : {}),
      };
      const response = await expectOk(await call(tenant, 'POST', USER_ADMIN_BASE_PATH, body));
      return { sub: ((await response.json()) as DirectoryUserView).sub };
    },
    async updateUser(poolUsername, attributes) {
      const { tenant, username } = splitPoolUsername(poolUsername);
      const body: UpdateDirectoryUserBody = {
        ...(attributes.displayName !== undefined ? { displayName: attributes.displayName } : {}),
      };
      await expectOk(await call(tenant, 'PATCH', userAdminUserPath(username), body));
    },
    async setEnabled(poolUsername, enabled) {
      const { tenant, username } = splitPoolUsername(poolUsername);
      const body: SetDirectoryEnabledBody = { enabled };
      await expectOk(await call(tenant, 'PUT', `${userAdminUserPath(username)}/enabled`, body));
    },
    async setPassword(poolUsername, password, { temporary }) {
      const { tenant, username } = splitPoolUsername(poolUsername);
      const body: SetDirectoryPasswordBody = { password, temporary };
      await expectOk(await call(tenant, 'PUT', `${userAdminUserPath(username)}/password`, body));
    },
    async getUserSub(poolUsername) {
      const { tenant, username } = splitPoolUsername(poolUsername);
      const response = await call(tenant, 'GET', userAdminUserPath(username));
      if (response.status === 404) return undefined;
      return ((await (await expectOk(response)).json()) as DirectoryUserView).sub;
    },
  };
}

function splitPoolUsername(poolUsername: string): { tenant: string; username: string } {
  const separator = poolUsername.indexOf(':');
  if (separator <= 0) throw new Error(`"${poolUsername}" is not a county-qualified username.`);
  return { tenant: poolUsername.slice(0, separator), username: poolUsername.slice(separator + 1) };
}
