import type { loginSecurityZhCN } from './login-security.zh-CN.ts';

/** English for login security; typed against the Chinese catalogue. */
export const loginSecurityEn: Record<keyof typeof loginSecurityZhCN, string> = {
  'nav.loginEvents': 'Login log',
  'countySettings.security': 'Login security',
  'countySettings.idleMinutes': 'Log out after this many idle minutes (5–480)',
  'countySettings.requireTotpForAdmins': 'Require two-factor authentication (TOTP) for county admins',
  'nav.vendorAccess': 'Vendor access',

  'login.locked': 'Too many wrong passwords for this account; it is locked for now. Try again after {time}.',
  'login.challenge.newPasswordTitle': 'First login: choose a new password',
  'login.challenge.newPasswordHint':
    'Your password was handed to you by someone else and must be replaced. The new one needs at least 12 characters from three of: lowercase, uppercase, digits, symbols.',
  'login.challenge.newPassword': 'New password',
  'login.challenge.confirmPassword': 'New password again',
  'login.challenge.mismatch': 'The two passwords differ.',
  'login.challenge.weakPassword':
    'The new password is too weak: at least 12 characters from three of the four kinds.',
  'login.challenge.setupTitle': 'Set up two-factor authentication (TOTP)',
  'login.challenge.setupHint':
    'This county requires a one-time code for administrators. Add the key below to an authenticator app, then enter the 6-digit code it shows.',
  'login.challenge.secret': 'Key',
  'login.challenge.uri': 'Setup link (otpauth)',
  'login.challenge.codeTitle': 'Enter your one-time code',
  'login.challenge.codeHint': 'Enter the 6-digit code your authenticator app shows.',
  'login.challenge.code': '6-digit code',
  'login.challenge.wrongCode': 'The code is wrong or has expired; try again.',
  'login.challenge.expired': 'This login has timed out; log in again.',
  'login.challenge.submit': 'Continue',
  'login.idleEnded': 'You were logged out after a period without activity.',

  'loginEvents.title': 'Login log',
  'loginEvents.hint':
    'Logins, failures, lockouts, logouts, password changes, two-factor events and vendor reads, kept at least 180 days.',
  'loginEvents.at': 'Time',
  'loginEvents.kind': 'Event',
  'loginEvents.username': 'Username',
  'loginEvents.source': 'Source',
  'loginEvents.detail': 'Detail',
  'loginEvents.empty': 'No events yet.',
  'loginEventKind.login': 'Logged in',
  'loginEventKind.login_failed': 'Login failed',
  'loginEventKind.lockout': 'Locked out',
  'loginEventKind.logout': 'Logged out',
  'loginEventKind.password_changed': 'Password changed',
  'loginEventKind.mfa_setup': 'Two-factor set up',
  'loginEventKind.mfa_failed': 'Wrong code',
  'loginEventKind.session_idle_ended': 'Idle timeout',
  'loginEventKind.vendor_read': 'Vendor read',

  'vendorAccess.title': 'Vendor access',
  'vendorAccess.hint':
    'Let the vendor’s operators read this county’s data for a limited time. Every read is recorded in the login log; you can revoke at any time.',
  'vendorAccess.hours': 'Hours (1–72)',
  'vendorAccess.reason': 'Reason',
  'vendorAccess.grant': 'Grant',
  'vendorAccess.revoke': 'Revoke',
  'vendorAccess.active': 'Active',
  'vendorAccess.ended': 'Ended',
  'vendorAccess.expiresAt': 'Until',
  'vendorAccess.grantedBy': 'Granted by',
  'vendorAccess.status': 'Status',
  'vendorAccess.empty': 'No grants yet.',
};
