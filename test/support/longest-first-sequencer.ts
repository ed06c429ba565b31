import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that run for minutes, longest first. On a clean clone vitest has no durations cached and starts files
 * in the order it finds them, so one of these starting last kept CI's other core idle for its whole length
 * (the 8,500-unit import started at 275 s of a 460 s browser run). Started first, they run beside the short ones.
 */
const LONGEST = [
  'test/integration/demo-at-size.test.ts',
  'test/e2e/registers.test.ts',
  'test/integration/permission-matrix.test.ts',
  'test/e2e/accessibility.test.ts',
  'test/e2e/scenario.test.ts',
  'test/infra/bundling.test.ts',
];

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONGEST.findIndex((path) => file.moduleId.endsWith(path));
      return index === -1 ? LONGEST.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
