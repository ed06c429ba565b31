import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run synth [-- --cell <id>] [other cdk synth arguments]`: synthesizes the CDK app quietly and says how
 * long it took. The CLI's version check, telemetry and notices cost seconds when the network drops packets,
 * so they are off; CDK_HOME keeps the CLI's cache inside the project.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const cdkHome = join(root, '.data', 'cdk-home');
mkdirSync(cdkHome, { recursive: true });

const args = ['synth', '--quiet', ...translateCellArgument(process.argv.slice(2))];
const started = performance.now();
const child = spawn(join(root, 'node_modules', '.bin', 'cdk'), args, {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: '1',
    CDK_HOME: cdkHome,
  },
});
child.on('exit', (code, signal) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const cell = args.find((arg) => arg.startsWith('cell='))?.slice('cell='.length) ?? 'all cells';
  console.log(`cdk synth (${cell}) ${code === 0 ? 'finished' : 'FAILED'} in ${seconds} s`);
  process.exit(code ?? (signal ? 1 : 0));
});

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
