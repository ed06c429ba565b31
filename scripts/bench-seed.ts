import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { silentLogger } from '@gridsafe/core';
import { localStackConfig } from './local/config.ts';
import { freePort } from './local/ports.ts';
import { startLocalStack } from './local/stack.ts';

/**
 * `npm run bench:seed`: how long the first `npm start` takes to seed the demo county at Taihe's size, part by
 * part. It starts the local stack as `npm start` does (DynamoDB Local on disk, the S3 server, the issuer) on free
 * ports in a fresh temporary directory, without building the web app, prints each progress line with the time it
 * came, then the seconds each part of the sized seed took and the load average, and stops. Goal: under 3 minutes
 * for the sized seed (docs/performance.md, "Seeding Taihe at its size").
 *
 *   npm run bench:seed
 *   npm run bench:seed -- --keep      keep the data directory (printed) instead of deleting it
 */
const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dataDir = mkdtempSync(join(tmpdir(), 'gridsafe-bench-seed-'));
const config = localStackConfig(root);
const ports: number[] = [];
// One after the other: two ports asked for at once could be the same one.
for (let i = 0; i < 5; i++) ports.push(await freePort());
const [port, dynamoPort, s3Port, issuerPort, oidcPort] = ports;
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
console.log(`Load average at the start: ${load()}`);
const started = performance.now();
const at = () => ((performance.now() - started) / 1000).toFixed(1).padStart(6);
/** The sized seed's steps, as its progress lines name them, with the stack's clock when each began. */
const steps: { name: string; at: number }[] = [];
let sizedSeconds: number | undefined;
const stack = await startLocalStack({
  ...config,
  root,
  port: port!,
  dynamoPort: dynamoPort!,
  s3Port: s3Port!,
  issuerPort: issuerPort!,
  oidcPort: oidcPort!,
  dataDir,
  buildWeb: false,
  demoSize: 'taihe',
  logger: silentLogger,
  progress: (message) => {
    console.log(`${at()} s • ${message}`);
    const step = /at its size: (.+) \(at (\d+) s\)$/.exec(message);
    if (step) steps.push({ name: step[1]!, at: Number(step[2]) });
    const done = /at its size in (\d+) s$/.exec(message);
    if (done) sizedSeconds = Number(done[1]);
  },
});
console.log(`${at()} s • stack ready (${dataDir})`);
await stack.stop();
if (sizedSeconds !== undefined) {
  console.log('\nThe sized seed, part by part (seconds):');
  for (const [i, step] of steps.entries()) {
    const end = steps[i + 1]?.at ?? sizedSeconds;
    console.log(`  ${String(end - step.at).padStart(5)}  ${step.name}`);
  }
  console.log(`  ${String(sizedSeconds).padStart(5)}  in all`);
}
console.log(`Load average at the end: ${load()}`);
if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
