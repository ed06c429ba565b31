import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CELLS_FILE, loadCellsConfig } from '../infra/src/cells-config.ts';
import { checkQuotas, formatQuotaUse, type SynthesizedStack } from '../infra/src/quotas.ts';

/**
 * `npm run synth [-- --cell <id>] [other cdk synth arguments]`: synthesizes the CDK app quietly and says how
 * long it took. The CLI's version check, telemetry and notices cost seconds when the network drops packets,
 * so they are off; CDK_HOME keeps the CLI's cache inside the project.
 *
 * `npm run synth -- --counties <n> [--cell <id>]`: one cell (default: the platform cell) with <n> synthetic
 * counties instead of its own, synthesized into .data/synth/, then every per-account and per-region quota it
 * touches against its use (infra/src/quotas.ts; docs/deploy.md "Quotas"); exits 1 when one would be exceeded.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const cdkHome = join(root, '.data', 'cdk-home');
mkdirSync(cdkHome, { recursive: true });

const { counties, rest } = takeCounties(process.argv.slice(2));
const cellArgs = translateCellArgument(rest);
const synthetic = counties === undefined ? undefined : syntheticCell(counties, cellArgs);
const args = [
  'synth',
  '--quiet',
  ...(synthetic ? ['-c', `cell=${synthetic.cellId}`, '-o', synthetic.outDir] : []),
  ...cellArgs.filter((arg, i) => !synthetic || (arg !== '-c' && !cellArgs[i - 1]?.startsWith('-c'))),
];
const started = performance.now();
const child = spawn(join(root, 'node_modules', '.bin', 'cdk'), args, {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: '1',
    CDK_HOME: cdkHome,
    ...(synthetic ? { GRIDSAFE_CELLS_FILE: synthetic.cellsFile } : {}),
  },
});
child.on('exit', (code, signal) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const cell = args.find((arg) => arg.startsWith('cell='))?.slice('cell='.length) ?? 'all cells';
  console.log(`cdk synth (${cell}) ${code === 0 ? 'finished' : 'FAILED'} in ${seconds} s`);
  if (code !== 0 || !synthetic) process.exit(code ?? (signal ? 1 : 0));
  process.exit(reportQuotas(synthetic));
});

interface SyntheticCell {
  cellId: string;
  counties: number;
  cellsFile: string;
  outDir: string;
  raised: Record<string, number>;
}

function takeCounties(argv: string[]): { counties?: number; rest: string[] } {
  const rest: string[] = [];
  let counties: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value =
      arg === '--counties' ? argv[++i] : arg.startsWith('--counties=') ? arg.slice(11) : undefined;
    if (value === undefined) {
      rest.push(arg);
      continue;
    }
    counties = Number(value);
    if (!Number.isInteger(counties) || counties < 1) {
      console.error(`--counties takes a whole number of counties, not "${value}"`);
      process.exit(2);
    }
  }
  return counties === undefined ? { rest } : { counties, rest };
}

/**
 * The chosen cell of infra/config/cells.json with `counties` synthetic counties (county001, county002, …) in place
 * of its own, alone in a cells file of its own: the platform cell, so its stacks count too.
 */
function syntheticCell(counties: number, cellArgs: string[]): SyntheticCell {
  const raw = JSON.parse(readFileSync(DEFAULT_CELLS_FILE, 'utf8')) as {
    platformCell: string;
    cells: { id: string; tenants: unknown[] }[];
  };
  const named = cellArgs[cellArgs.indexOf('-c') + 1]?.replace(/^cell=/, '');
  const cellId = cellArgs.includes('-c') && named ? named : raw.platformCell;
  const cell = raw.cells.find((candidate) => candidate.id === cellId);
  if (!cell) {
    console.error(`No cell "${cellId}" in ${DEFAULT_CELLS_FILE}`);
    process.exit(2);
  }
  const tenants = Array.from({ length: counties }, (_, i) => ({
    id: `county${String(i + 1).padStart(3, '0')}`,
    name: `合成县${i + 1}`,
  }));
  const dir = join(root, '.data', 'synth');
  const outDir = join(dir, `cdk.out-${cellId}-${counties}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cellsFile = join(dir, `cells-${cellId}-${counties}.json`);
  writeFileSync(
    cellsFile,
    `${JSON.stringify({ ...raw, platformCell: cellId, cells: [{ ...cell, tenants }] }, null, 2)}\n`,
  );
  // The raised quotas are the cell's own, read as the app reads them (placeholders resolved, checked).
  const parsed = loadCellsConfig(cellsFile);
  return { cellId, counties, cellsFile, outDir, raised: parsed.cells[0]?.quotas ?? {} };
}

function reportQuotas(cell: SyntheticCell): number {
  const assemblyDir = join(cell.outDir, `assembly-${cell.cellId}`);
  const manifest = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks: SynthesizedStack[] = Object.entries(manifest.artifacts)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => ({
      name,
      county: name.includes('GridsafeTenant'),
      template: JSON.parse(readFileSync(join(assemblyDir, artifact.properties!.templateFile!), 'utf8')),
    }));
  const countyStacks = stacks.filter((stack) => stack.county).length;
  if (countyStacks !== cell.counties) {
    console.error(`Expected ${cell.counties} county stacks in ${assemblyDir}, found ${countyStacks}`);
    return 1;
  }
  const uses = checkQuotas(stacks, cell.raised);
  console.log(
    `\nQuotas of cell ${cell.cellId} with ${cell.counties} counties (${stacks.length} stacks; defaults of AWS unless the cell's "quotas" raise them):\n`,
  );
  console.log(formatQuotaUse(uses));
  const exceeded = uses.filter((use) => use.exceeded);
  for (const use of exceeded) {
    console.log(
      `QUOTA EXCEEDED  ${use.what}: ${use.used} against ${use.limit} (${use.adjustable ? `raise it (${use.source}) and record it in the cell's "quotas"` : 'not adjustable: the cell must hold fewer counties'})`,
    );
  }
  console.log(
    exceeded.length === 0
      ? `\nEvery quota holds for ${cell.counties} counties.`
      : `\n${exceeded.length} quotas would be exceeded.`,
  );
  return exceeded.length === 0 ? 0 : 1;
}

/** `--cell dev-1` and `--cell=dev-1` become `-c cell=dev-1`; everything else goes to cdk unchanged. */
function translateCellArgument(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--cell') {
      out.push('-c', `cell=${argv[++i] ?? ''}`);
    } else if (arg.startsWith('--cell=')) {
      out.push('-c', `cell=${arg.slice('--cell='.length)}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}
