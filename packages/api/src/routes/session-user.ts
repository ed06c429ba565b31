import { formatGrant, type Principal } from '@gridsafe/core';

/** The caller as the session and `/me` describe them: the person's own id, never a provider's subject. */
export function sessionUserOf(principal: Principal) {
  return {
    id: principal.userId,
    username: principal.username,
    role: principal.role,
    scope: principal.grants.map(formatGrant),
  };
}
