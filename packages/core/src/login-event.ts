/**
 * What happened at a county's door. MLPS level 3 (等保三级) asks that logins, failures, lockouts and logouts be
 * kept for at least six months and be readable by the county's own administrator.
 */
export const LOGIN_EVENT_KINDS = [
  'login',
  'login_failed',
  'lockout',
  'logout',
  'password_changed',
  'mfa_setup',
  'mfa_failed',
  'session_idle_ended',
  'vendor_read',
] as const;
export type LoginEventKind = (typeof LOGIN_EVENT_KINDS)[number];

export interface LoginEvent {
  id: string;
  at: string;
  kind: LoginEventKind;
  /** The username typed (failed logins of unknown names included: that is what an attack looks like). */
  username: string;
  /** The person, once known. */
  userId?: string;
  sourceIp?: string;
  userAgent?: string;
  /** A short machine-readable note: `locked_until=…`, `path=/units`. */
  detail?: string;
}

/** Days login events are kept; MLPS level 3 asks for at least 180. */
export const LOGIN_EVENT_RETENTION_DAYS = 400;
