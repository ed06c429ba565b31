/**
 * The wire contract between a county API (`createUserAdministrationClient`) and its cell's
 * user-administration service (`@gridsafe/api/user-admin`). Usernames on the wire are the county's own
 * (`wang.fang`), never pool-wide (`taihe:wang.fang`): the service adds the caller's county itself, so no
 * request can even name another county's account.
 */
export const USER_ADMIN_BASE_PATH = '/v1/users';

export function userAdminUserPath(username: string): string {
  return `${USER_ADMIN_BASE_PATH}/${encodeURIComponent(username)}`;
}

export interface CreateDirectoryUserBody {
  username: string;
  password: string;
  /** A temporary password must be changed at the first login. */
  temporary: boolean;
  displayName?: string;
}

export interface UpdateDirectoryUserBody {
  displayName?: string;
}

export interface SetDirectoryPasswordBody {
  password: string;
  temporary: boolean;
}

export interface SetDirectoryEnabledBody {
  enabled: boolean;
}

export interface DirectoryUserView {
  username: string;
  sub: string;
}
