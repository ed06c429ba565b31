import type { UserAdministration } from './identity-provider.ts';

/** AWS credentials as Lambda hands them to a function's role (session token included). */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface UserAdministrationClientOptions {
  /** The cell's user-administration API, `https://<api-id>.execute-api.<region>.amazonaws.com[.cn]`. */
  endpoint: string;
  region: string;
  /**
   * The credentials to sign with for a county. In Lambda: the function role's, whatever the county (a stack
   * serves one). Locally one process serves every county, each with credentials of its own.
   */
  credentials: (tenant: string) => SigningCredentials | Promise<SigningCredentials>;
  timeoutMs?: number;
}

/**
 * User administration through the cell's user-administration service, signed with SigV4 as IAM expects
 * (`execute-api`). The service works out the county from the signing role, so this client only names the
 * county's own username; the pool-wide `<tenant>:` prefix selects the credentials and is then dropped.
 *
 * Like `createCognitoIdentityProvider`, the signer is loaded at the first call: a cold start that administers
 * nobody never evaluates it.
 *
 * @example
 * const admin = createUserAdministrationClient({ endpoint: env.USER_ADMIN_URL, region: env.AWS_REGION,
 *   credentials: () => ({ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }) });
 * await admin.setEnabled('taihe:wang.fang', false);
 */
export function createUserAdministrationClient(options: UserAdministrationClientOptions): UserAdministration {
  let loading: Promise<UserAdministration> | undefined;
  const client = (): Promise<UserAdministration> => {
    loading ??= import('./user-administration-http.ts').then(
      ({ userAdministrationOverHttp }) => userAdministrationOverHttp(options),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
  return {
    createUser: async (...args) => (await client()).createUser(...args),
    updateUser: async (...args) => (await client()).updateUser(...args),
    setEnabled: async (...args) => (await client()).setEnabled(...args),
    setPassword: async (...args) => (await client()).setPassword(...args),
    getUserSub: async (...args) => (await client()).getUserSub(...args),
  };
}
