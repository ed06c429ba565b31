import { silentLogger } from '@gridsafe/core';
import { localStackConfig } from '../local/config.ts';
import { freePort } from '../local/ports.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';

/**
 * The local stack as `npm start` runs it, with the demo county at Taihe's size, on free ports and in `dataDir`
 * (seeded there if it is not already): what bench:seed and bench:map measure.
 */
export async function startSizedStack(options: {
  root: string;
  dataDir: string;
  buildWeb: boolean;
  progress: (message: string) => void;
}): Promise<LocalStack> {
  // One after the other: two ports asked for at once could be the same one.
  const ports: number[] = [];
  for (let i = 0; i < 5; i++) ports.push(await freePort());
  const [port, dynamoPort, s3Port, issuerPort, oidcPort] = ports as [number, number, number, number, number];
  return startLocalStack({
    ...localStackConfig(options.root),
    ...options,
    port,
    dynamoPort,
    s3Port,
    issuerPort,
    oidcPort,
    demoSize: 'taihe',
    logger: silentLogger,
  });
}
