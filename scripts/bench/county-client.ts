import { loadavg } from 'node:os';

/** The machine's load average (1, 5 and 15 minutes), printed beside each figure: on shared cores it sets the pace. */
export function loadText(): string {
  return loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
}

/** Anything that answers a county API request as the app does (`createApp(deps)`, in the bench's process). */
interface RequestTarget {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

export type CountyApi = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/**
 * Requests to one county's API as one person, signed in with a password; signed in again whenever a long wait
 * (a county-sized index build) outlived the access token (at most 15 minutes). A non-2xx answer throws.
 */
export async function countyClient(
  app: RequestTarget,
  tenant: string,
  credentials: { username: string; password: string },
): Promise<CountyApi> {
  const signIn = async () => {
    const login = await app.request(`/t/${tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (!login.ok) throw new Error(`signing in answered ${login.status}: ${await login.text()}`);
    return ((await login.json()) as { accessToken: string }).accessToken;
  };
  let accessToken = await signIn();
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const send = () =>
      app.request(`/t/${tenant}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let response = await send();
    if (response.status === 401) {
      accessToken = await signIn();
      response = await send();
    }
    const answer = (await response.json()) as T;
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
}

/**
 * Exports the county's whole unit register through the export job (`POST /exports`, `GET /exports/{id}` every
 * second until done, the file fetched from its link), printing a progress line every 30 s and the result.
 */
export async function exportUnitRegister(
  api: CountyApi,
  format: 'xlsx' | 'csv',
): Promise<{ status: string; rows: number; bytes: number }> {
  const started = performance.now();
  const job = await api<{ id: string }>('POST', '/exports', { kind: 'units', filters: {}, format });
  type Exported = { status: string; rows: number; total?: number; url?: string; failure?: string };
  let progress: Exported;
  let lastReport = performance.now();
  for (;;) {
    progress = await api<Exported>('GET', `/exports/${job.id}`);
    if (progress.status === 'done' || progress.status === 'failed') break;
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      console.log(
        `  ${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s  ${format}: ${progress.rows ?? 0} of ${progress.total ?? '?'} rows   load ${loadText()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const seconds = (performance.now() - started) / 1000;
  const file = progress.url ? await fetch(progress.url) : undefined;
  const bytes = file?.ok ? (await file.arrayBuffer()).byteLength : 0;
  console.log(
    `export ${format.padEnd(9)} ${seconds.toFixed(1).padStart(7)} s   ${(progress.rows / seconds).toFixed(0).padStart(5)} rows/s   ${JSON.stringify({ status: progress.status, rows: progress.rows, total: progress.total, megabytes: +(bytes / 1048576).toFixed(1), failure: progress.failure })}   load ${loadText()}`,
  );
  return { status: progress.status, rows: progress.rows, bytes };
}
