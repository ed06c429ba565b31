import { Logger } from '@aws-lambda-powertools/logger';
import { claimsFromUserAttributes, USER_ATTRIBUTE } from '@gridsafe/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

const logger = new Logger();

type ClaimValue = string | string[];

/** The V2 response accepts string arrays as claim values; `@types/aws-lambda` only knows strings. */
export type PreTokenGenerationV2Result = Omit<PreTokenGenerationV2TriggerEvent, 'response'> & {
  response: {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration?: { claimsToAddOrOverride: Record<string, ClaimValue> };
      accessTokenGeneration?: { claimsToAddOrOverride: Record<string, ClaimValue> };
    };
  };
};

/**
 * Cognito Pre Token Generation trigger (event version V2_0). Cognito's access tokens carry no custom
 * attributes, so this copies the user's tenant, role and scopes into both tokens as `gs_tenant`, `gs_role`
 * and `gs_scopes`; the API verifies the access token and reads them from there. The mapping itself is
 * `claimsFromUserAttributes` in core, which the local issuer also uses.
 *
 * It never throws: a throw here fails the login of every user. A user without a valid tenant or role gets
 * no Gridsafe claims (the API then refuses the token); malformed scopes become `[]` (least privilege).
 */
export async function handler(event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2Result> {
  const attributes = event.request.userAttributes;
  const claims = claimsFromUserAttributes(attributes);
  if (!claims) {
    logger.warn('User has no valid tenant or role attribute; issuing tokens without Gridsafe claims', {
      userName: event.userName,
      triggerSource: event.triggerSource,
    });
    return { ...event, response: { claimsAndScopeOverrideDetails: {} } };
  }
  if (scopesWereDropped(attributes[USER_ATTRIBUTE.scopes], claims.gs_scopes)) {
    logger.warn('Malformed scopes attribute; dropped what could not be read', {
      userName: event.userName,
      tenant: claims.gs_tenant,
      keptScopes: claims.gs_scopes.length,
    });
  }
  const claimsToAddOrOverride: Record<string, ClaimValue> = { ...claims };
  return {
    ...event,
    response: {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride },
        accessTokenGeneration: { claimsToAddOrOverride },
      },
    },
  };
}

/** True when the raw attribute held something that did not survive parsing (bad JSON, not an array, bad grant). */
function scopesWereDropped(raw: string | undefined, kept: string[]): boolean {
  if (!raw) return false;
  try {
    const parsed: unknown = JSON.parse(raw);
    return !Array.isArray(parsed) || parsed.length !== kept.length;
  } catch {
    return true;
  }
}
