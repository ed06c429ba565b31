import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSizedStack } from './bench/sized-stack.ts';

/**
 * `npm run bench:seed`: how long the first `npm start` takes to seed the demo county at Taihe's size, part by
 * part. It starts the local stack as `npm start` does (DynamoDB Local on disk, the S3 server, the issuer) on free
 * ports in a fresh temporary directory, without building the web app, prints each progress line with the time it
 * came, then the seconds each part of the sized seed took and the load average, and stops. Goal: under 3 minutes
 * for the sized seed (docs/performance.md, "Seeding Taihe at its size").
 *
 * On a shared machine the wall time says as much about the other processes as about the seed, so each part also
 * gets the CPU seconds DynamoDB Local's JVM and this Node process (the seeder and the local S3 server) used in it:
 * those hardly change with the load, and on a quiet machine with two cores the part takes about the larger of
 * the two (DynamoDB Local applies writes one at a time, so the JVM's share is the floor).
 *
 *   npm run bench:seed
 *   npm run bench:seed -- --keep      keep the data directory (printed) instead of deleting it
 */
const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dataDir = mkdtempSync(join(tmpdir(), 'gridsafe-bench-seed-'));
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
console.log(`Load average at the start: ${load()}`);
/** CPU seconds so far of the DynamoDB Local JVM serving `dataDir` (found by its -dbPath) and of this process. */
function cpuSeconds(): { dynamo: number; node: number } {
  const { user, system } = process.cpuUsage();
  let dynamo = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!args.startsWith('java') || !args.includes(dataDir)) continue;
      // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      dynamo += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // A process that ended meanwhile.
    }
  }
  return { dynamo, node: (user + system) / 1e6 };
}
const started = performance.now();
const at = () => ((performance.now() - started) / 1000).toFixed(1).padStart(6);
/** The sized seed's steps, as its progress lines name them, with the stack's clock when each began. */
const steps: { name: string; at: number; cpu: { dynamo: number; node: number } }[] = [];
let cpuAtEnd: { dynamo: number; node: number } | undefined;
let sizedSeconds: number | undefined;
const stack = await startSizedStack({
  root,
  dataDir,
  buildWeb: false,
  progress: (message) => {
    console.log(`${at()} s • ${message}`);
    const step = /at its size: (.+) \(at (\d+) s\)$/.exec(message);
    if (step) steps.push({ name: step[1]!, at: Number(step[2]), cpu: cpuSeconds() });
    const done = /at its size in (\d+) s$/.exec(message);
    if (done) {
      sizedSeconds = Number(done[1]);
      cpuAtEnd = cpuSeconds();
    }
  },
});
console.log(`${at()} s • stack ready (${dataDir})`);
await stack.stop();
if (sizedSeconds !== undefined && cpuAtEnd) {
  console.log(
    '\nThe sized seed, part by part (seconds of wall time; CPU seconds of DynamoDB Local and of Node):',
  );
  const row = (wall: number, dynamo: number, node: number, name: string) =>
    console.log(
      `  ${String(wall).padStart(5)}  ${dynamo.toFixed(1).padStart(7)}  ${node.toFixed(1).padStart(7)}  ${name}`,
    );
  console.log('   wall   dynamo     node');
  for (const [i, step] of steps.entries()) {
    const next = steps[i + 1] ?? { at: sizedSeconds, cpu: cpuAtEnd };
    row(next.at - step.at, next.cpu.dynamo - step.cpu.dynamo, next.cpu.node - step.cpu.node, step.name);
  }
  const first = steps[0]!.cpu;
  row(sizedSeconds, cpuAtEnd.dynamo - first.dynamo, cpuAtEnd.node - first.node, 'in all');
}
console.log(`Load average at the end: ${load()}`);
if (!values.keep) rmSync(dataDir, { recursive: true, force: true });
