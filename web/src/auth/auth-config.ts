import { countyApiBasePath } from '@gridsafe/core/contract';
import { useEffect, useState } from 'preact/hooks';

/** A standard OpenID provider a county accepts for the code flow (a province's 统一身份认证, Keycloak, Cognito). */
export interface CodeFlowProvider {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
}

/** How a county's people sign in: `GET /t/{tenant}/api/v1/auth-config` (public). */
export interface AuthConfig {
  passwordLogin: boolean;
  providers: CodeFlowProvider[];
}

/** What a county offered before it could say otherwise: the password form, as every county had. */
const PASSWORD_ONLY: AuthConfig = { passwordLogin: true, providers: [] };

function isProvider(value: unknown): value is CodeFlowProvider {
  const candidate = value as Partial<CodeFlowProvider> | null;
  return (
    typeof candidate?.id === 'string' &&
    typeof candidate.name === 'string' &&
    typeof candidate.issuer === 'string' &&
    typeof candidate.clientId === 'string'
  );
}

export async function fetchAuthConfig(tenant: string): Promise<AuthConfig> {
  const response = await fetch(`${countyApiBasePath(tenant)}/auth-config`, {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`auth-config: HTTP ${response.status}`);
  const body = (await response.json()) as Partial<AuthConfig>;
  return {
    passwordLogin: body.passwordLogin !== false,
    providers: Array.isArray(body.providers) ? body.providers.filter(isProvider) : [],
  };
}

/**
 * The county's sign-in options for the login page; undefined while loading. When the county cannot be asked
 * (offline, an unknown county, an API from before auth-config) the password form shows, so nobody is locked out
 * by a missing answer: the password form itself then says what is wrong.
 */
export function useAuthConfig(tenant: string | undefined): AuthConfig | undefined {
  const [config, setConfig] = useState<{ tenant: string; config: AuthConfig } | undefined>();
  useEffect(() => {
    if (!tenant) return;
    let current = true;
    fetchAuthConfig(tenant).then(
      (loaded) => current && setConfig({ tenant, config: loaded }),
      () => current && setConfig({ tenant, config: PASSWORD_ONLY }),
    );
    return () => {
      current = false;
    };
  }, [tenant]);
  if (!tenant) return PASSWORD_ONLY;
  return config?.tenant === tenant ? config.config : undefined;
}
