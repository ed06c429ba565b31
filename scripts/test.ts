import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm test`: every test, in one vitest run (unit, integration against the real local services, CDK, and
 * the browser tests). The browser tests need Debian's Chromium with a CJK font; on a fresh machine where we
 * are root, install them first so a clean clone needs nothing but this command.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.GRIDSAFE_CHROMIUM ?? '/usr/bin/chromium';
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

if (!existsSync(CHROMIUM) || !existsSync(CJK_FONT)) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    console.error(
      `The browser tests need Chromium and a CJK font: run  sudo apt-get install -y chromium fonts-wqy-microhei  and retry.`,
    );
    process.exit(1);
  }
  console.log('Installing Chromium and a CJK font for the browser tests (apt-get, about 30 s) ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-wqy-microhei'],
    {
      stdio: 'inherit',
      env,
    },
  );
  if (update.status !== 0 || install.status !== 0) {
    console.error(
      'Installing Chromium failed; the browser tests cannot run. Check access to the Debian package mirror.',
    );
    process.exit(1);
  }
}

const vitest = join(root, 'node_modules', '.bin', 'vitest');
const result = spawnSync(vitest, ['run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: process.env,
});
process.exit(result.status ?? 1);
