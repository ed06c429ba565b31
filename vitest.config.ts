import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './test/support/longest-first-sequencer.ts';

// Four kinds of test, one command. Integration and e2e tests share one DynamoDB Local and one S3 server,
// started once by test/support/global-setup.ts; each test file works in a tenant id of its own so files
// can run in parallel without seeing each other's data.
export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/timeline-reporter.ts'],
    testTimeout: 30_000,
    // Two files at a time even on CI's two cores: most of an integration file's time is waiting on DynamoDB Local
    // and S3 (other processes), so a second file overlaps it (vitest's default here would be one).
    maxWorkers: 2,
    // The few files that take minutes start first (test/support/longest-first-sequencer.ts).
    sequence: { sequencer: LongestFirstSequencer },
    // A poll's default second is too short on a loaded 2-core CI machine (a page's list can take longer to draw).
    expect: { poll: { timeout: 15_000 } },
    // The SDK's Node 20 end-of-support notice on every worker is noise (Lambda runs Node 22).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'packages/*/src/**/*.test.ts'] },
      },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      // Synthesizing and bundling stacks in a beforeAll takes minutes on two busy cores.
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          // One local stack (built web/ included) for all browser tests, started once per run. Its files run
          // beside the others (each works on records of its own; the one that moves the clock has a stack of its
          // own): a project limited to one file at a time would run in a group of its own after everything else,
          // and on CI's two cores its five minutes would leave the other core idle.
          globalSetup: ['test/support/e2e-stack.ts'],
        },
      },
    ],
  },
});
