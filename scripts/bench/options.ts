/** The benchmark's command line. Every option has a default; unknown options are an error, not ignored. */
export interface BenchOptions {
  /** Fraction of Nanjing (1 = 12,000 grids, 320,000 units, 580,000 risk points). */
  scale: number;
  /** Whether `--scale` was given (with `--compare-scales` alone only the comparison runs). */
  scaleGiven: boolean;
  /** Scales whose stats latency is compared in the same run (`--compare-scales 0.01,0.1`). */
  compareScales: number[];
  /** Seconds of measured load per endpoint. */
  duration: number;
  /** Seconds of unmeasured load before each endpoint (connections opened, JIT warm, caches filled). */
  warmup: number;
  connections: number;
  /** Writes in flight while seeding (transactions; with `--bulk-seed`, BatchWriteItem calls). */
  seedConcurrency: number;
  /** Whether `--seed-concurrency` was given (the bulk path has its own default). */
  seedConcurrencyGiven: boolean;
  /** Seed with BatchWriteItem (the repositories' creation items, counters summed in memory) instead of transactions. */
  bulkSeed: boolean;
  /** Also seed `--scale` the other way into a county of its own, check both, and compare the seeding rates. */
  compareSeeding: boolean;
  /** Where to write the results as JSON. */
  json?: string;
  /** Also fail on the 3× no-op p50 budget (informative otherwise: it measures DynamoDB Local). */
  strict: boolean;
  /**
   * A directory that keeps DynamoDB Local's data (and the manifest of what was seeded) between runs: the first
   * run seeds it, later runs at the same scales reuse it. Without it the data lives in a temporary directory.
   */
  dataDir?: string;
  /** DynamoDB Local's JVM heap. */
  heap: string;
  /** Keep DynamoDB Local's data in memory whatever its size (a full Nanjing needs about 10 GB of free RAM). */
  inMemory: boolean;
  /**
   * Measure only the endpoints whose row label starts with one of these (`--only 'record page,list: units'`): one
   * row under a profiler (GRIDSAFE_BENCH_CPU_PROF) without the others' work in its profile. Without `no-op` among
   * them there is no no-op row, and so no ratio to it.
   */
  only: string[];
}

export const USAGE = `usage: npm run bench -- [options]

  --scale <fraction>          fraction of Nanjing to seed and measure (default 1 = 12,000 grids,
                              320,000 units, 580,000 risk points; 0.01 is a quick run)
  --compare-scales <a,b,...>  seed each scale into a county of its own and compare stats latency
  --duration <seconds>        measured load per endpoint (default 10; in two halves around the
                              endpoint's reference, when it has one)
  --warmup <seconds>          unmeasured load before each endpoint (default 2); its answers are the
                              ones observed (each answer's calls, the reference's captures)
  --connections <n>           concurrent connections (default 16)
  --seed-concurrency <n>      writes in flight while seeding (default 32 transactions; with
                              --bulk-seed, BatchWriteItem calls of 25 items, default 8)
  --bulk-seed                 seed with BatchWriteItem: the items the repositories' creates write,
                              25 a call, counters summed in memory and written once at the end
  --compare-seeding           seed --scale both ways (each into a county of its own) in this run,
                              check both through the API and print both seeding rates
  --json <file>               also write the results as JSON
  --strict                    also fail on the 3x-no-op p50 budget (informative otherwise)
  --data-dir <dir>            keep the seeded DynamoDB Local data there and reuse it next time
  --heap <size>               DynamoDB Local's JVM heap (default 2g)
  --in-memory                 keep DynamoDB Local's data in memory even above 1.5 GB (about 3x faster
                              seeding than a file; a full Nanjing needs about 10 GB of free RAM)
  --only <label,...>          measure only the endpoints whose row label starts with one of these,
                              e.g. --only 'no-op,record page' (without no-op, no ratio to it)
`;

export class UsageError extends Error {}

export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    scale: 1,
    scaleGiven: false,
    compareScales: [],
    duration: 10,
    warmup: 2,
    connections: 16,
    seedConcurrency: 32,
    seedConcurrencyGiven: false,
    bulkSeed: false,
    compareSeeding: false,
    strict: false,
    heap: '2g',
    inMemory: false,
    only: [],
  };
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => {
      const next = inline ?? rest.shift();
      if (next === undefined || next === '') throw new UsageError(`${name} needs a value.`);
      return next;
    };
    switch (name) {
      case '--scale':
        options.scale = fraction(name, value());
        options.scaleGiven = true;
        break;
      case '--compare-scales':
        options.compareScales = value()
          .split(',')
          .map((part) => fraction(name, part.trim()));
        if (options.compareScales.length < 2)
          throw new UsageError('--compare-scales needs at least two scales.');
        break;
      case '--duration':
        options.duration = positive(name, value());
        break;
      case '--warmup':
        options.warmup = positive(name, value(), true);
        break;
      case '--connections':
        options.connections = integer(name, value());
        break;
      case '--seed-concurrency':
        options.seedConcurrency = integer(name, value());
        options.seedConcurrencyGiven = true;
        break;
      case '--bulk-seed':
        options.bulkSeed = true;
        break;
      case '--compare-seeding':
        options.compareSeeding = true;
        break;
      case '--json':
        options.json = value();
        break;
      case '--strict':
        options.strict = true;
        break;
      case '--data-dir':
        options.dataDir = value();
        break;
      case '--heap':
        options.heap = value();
        if (!/^\d+[mg]$/i.test(options.heap))
          throw new UsageError('--heap takes a JVM size such as 2g or 3072m.');
        break;
      case '--in-memory':
        options.inMemory = true;
        break;
      case '--only':
        options.only = value()
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '');
        if (options.only.length === 0) throw new UsageError('--only needs at least one row label.');
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`Unknown option ${arg}.`);
    }
  }
  return options;
}

function fraction(name: string, text: string): number {
  const value = Number(text);
  // 0.0001 of Nanjing is still a county (1 root, 2 townships, a village each); above 1 is beyond the target.
  if (!Number.isFinite(value) || value < 0.0001 || value > 1) {
    throw new UsageError(`${name} takes a fraction of Nanjing from 0.0001 to 1, got ${text}.`);
  }
  return value;
}

function positive(name: string, text: string, zeroAllowed = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new UsageError(`${name} takes a positive number of seconds, got ${text}.`);
  }
  return value;
}

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1024) {
    throw new UsageError(`${name} takes a whole number from 1 to 1024, got ${text}.`);
  }
  return value;
}
