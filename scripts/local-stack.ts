import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJsonLogger } from '@gridsafe/core';
import { TableMismatchError } from '@gridsafe/db';
import { localStackConfig } from './local/config.ts';
import { JavaMissingError } from './local/dynamodb-local.ts';
import { PortBusyError } from './local/ports.ts';
import { type LocalStack, startLocalStack } from './local/stack.ts';
import { DEMO_PASSWORD } from './seed/demo-data.ts';

/**
 * `npm start`: the whole product on one machine. DynamoDB Local (AWS's jar), a local S3 server, the local
 * token issuer, and the API + web app on one origin; the demo counties seeded once; data kept in .data/.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let stack: LocalStack | undefined;
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await stack?.stop();
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (!stopping) console.log('\nStopping Gridsafe ...');
    void shutdown(0);
  });
}

try {
  const config = localStackConfig(root);
  stack = await startLocalStack({
    ...config,
    root,
    accessTokenSeconds: 300,
    demoSize: process.env.GRIDSAFE_DEMO_SIZE === 'small' ? 'small' : 'taihe',
    logger: createJsonLogger(
      { service: 'gridsafe-local' },
      process.env.GRIDSAFE_LOG_LEVEL === 'debug' ? 'debug' : 'warn',
    ),
    progress: (message) => console.log(`• ${message}`),
    onChildExit: (what, code) => {
      console.error(
        `\n✖ ${what} stopped unexpectedly (exit code ${code}). Run \`npm start\` again; if it keeps failing, run \`npm run reset\`.`,
      );
      void shutdown(1);
    },
  });
  for (const report of stack.seedReports) {
    console.log(`  ${report.tenant}: ${report.created} records created, ${report.present} already there`);
  }
  const { url } = stack;
  console.log(`
Gridsafe is running at ${url}
  County API:    ${url}/t/taihe/api/v1   (health: ${url}/t/taihe/api/v1/health, docs: ${url}/t/taihe/api/v1/openapi.json)
  Demo counties: taihe (太和县 · 演示), linquan (临泉县 · 演示)
  Logins (password ${DEMO_PASSWORD}), the same usernames in both counties:
    county.admin       county safety bureau (sees the whole county)
    dept.officer       industry department (县应急管理局)
    township.officer   township officer (城关镇)
    grid.member        village grid member (东关社区)
    unit.manager       safety manager of a unit in that village
  taihe also signs in with 统一身份认证登录 (the local OpenID provider at ${stack.oidc.issuer}):
    username taihe:<one of the above>, the same password
  Vendor control plane: vendor.operator (same password) with a TOTP code; add this key to an authenticator
    app: ${stack.vendorTotpSecret ?? '(enrolled before; run `npm run reset` to see a new one)'}
  Data is kept in ${config.dataDir}. Press Ctrl-C to stop everything.
`);
} catch (error) {
  if (error instanceof TableMismatchError) {
    console.error(
      `\n✖ ${error.message}\nTo start over with a fresh demo, run \`npm run reset\` (it asks before deleting .data/).`,
    );
  } else if (error instanceof JavaMissingError || error instanceof PortBusyError) {
    console.error(`\n✖ ${error.message}`);
  } else {
    console.error('\n✖ Gridsafe could not start:', error);
  }
  await shutdown(1);
}
