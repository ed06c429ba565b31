import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiServerConfig, ApiServerMessage } from './api-server.ts';
import type { CapturedRequest } from './replay.ts';

export interface ApiProcess {
  url: string;
  pid: number;
  /**
   * The DynamoDB operations the API sent since the last call, by name, how many were Scans, how many were cache
   * refreshes (county status, settings, a caller's link), and the CPU time
   * (user + system, ms) the API process used; and how many writes it has received and not yet answered.
   */
  takeOps(): Promise<{
    ops: Record<string, number>;
    scans: number;
    refreshes: number;
    cpuMs: number;
    writesInFlight: number;
  }>;
  /** The answers captured per row label since the last call, with their DynamoDB calls (scripts/bench/replay.ts). */
  takeCaptures(): Promise<Record<string, CapturedRequest[]>>;
  stop(): Promise<void>;
}

/**
 * Starts scripts/bench/api-server.ts in a child Node process (TypeScript through tsx, as `npm start` runs).
 * With GRIDSAFE_BENCH_CPU_PROF=<dir> the API process writes a V8 CPU profile there when it stops (open it in
 * Chrome DevTools' Performance panel): where the API's own time goes under the bench's load.
 */
export async function startApiProcess(config: ApiServerConfig): Promise<ApiProcess> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'api-server.ts');
  const child: ChildProcess = fork(script, [], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.GRIDSAFE_BENCH_CPU_PROF
        ? ['--cpu-prof', '--cpu-prof-dir', process.env.GRIDSAFE_BENCH_CPU_PROF]
        : []),
    ],
    env: { ...process.env, GRIDSAFE_BENCH_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The API process did not start within 60 s.')), 60_000);
    child.once('exit', (code) => reject(new Error(`The API process exited (code ${code}) while starting.`)));
    child.on('message', (message: ApiServerMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    takeOps: () =>
      new Promise((resolve) => {
        const listener = (message: ApiServerMessage) => {
          if (message.type !== 'ops') return;
          child.off('message', listener);
          resolve({
            ops: message.ops,
            scans: message.scans,
            refreshes: message.refreshes,
            cpuMs: message.cpuMs,
            writesInFlight: message.writesInFlight,
          });
        };
        child.on('message', listener);
        child.send({ type: 'ops' });
      }),
    takeCaptures: () =>
      new Promise((resolve) => {
        const listener = (message: ApiServerMessage) => {
          if (message.type !== 'captures') return;
          child.off('message', listener);
          resolve(message.captures);
        };
        child.on('message', listener);
        child.send({ type: 'captures' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}
